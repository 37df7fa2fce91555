import { type RedisServer, startRedis } from '@idunno/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  InvalidJobStateError,
  JobExistsError,
  JobNotFoundError,
  StaleEpochError,
  StoreBehindError,
} from './errors.js';
import { createRedisStateStore } from './redis-store.js';
import type { StateStore } from './store.js';
import type { JobSpec, Query, RecordedItem, RecordOutcome } from './types.js';

let redis: RedisServer;
let store: StateStore;
let epoch: number;
let prefixes = 0;

const spec = (jobId: string): JobSpec => ({
  jobId,
  model: 'vit-tiny',
  inputs: ['/data/images'],
  batchSize: 8,
  topK: 5,
});
const queries = (n: number, from = 0): Query[] =>
  Array.from({ length: n }, (_, i) => ({ id: `q${from + i}`, uri: `file:///data/images/${from + i}.jpg` }));

/** Records one outcome the only way the store offers: a one-item recordOutcomes; its one answer. */
async function recordOne(
  store: StateStore,
  jobId: string,
  item: RecordedItem,
  epoch: number,
): Promise<RecordOutcome | 'unknown-query' | undefined> {
  const [outcome] = await store.recordOutcomes(jobId, [item], epoch);
  return outcome;
}

beforeAll(async () => {
  redis = await startRedis({ appendOnly: false });
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async (ctx) => {
  await store?.close();
  // A fresh key prefix per test: tests share one server but no state.
  store = await createRedisStateStore({ url: redis.url, prefix: `t${prefixes++}:` });
  const lease = await store.acquireLease('coord-a', 10_000);
  if (!lease.acquired) throw new Error('lease not acquired');
  epoch = lease.epoch;
  ctx.onTestFinished(() => store.close());
});

describe('jobs', () => {
  it('stores a job with its spec in state added', async () => {
    const job = await store.addJob(spec('j1'), epoch);
    expect(job).toMatchObject({ ...spec('j1'), state: 'added', epoch, totalQueries: 0, done: 0, errors: 0 });
    expect(await store.getJob('j1')).toEqual(job);
    expect((await store.listJobs()).map((j) => j.jobId)).toEqual(['j1']);
  });

  it('rejects adding a job twice with JobExistsError', async () => {
    await store.addJob(spec('j1'), epoch);
    await expect(store.addJob(spec('j1'), epoch)).rejects.toBeInstanceOf(JobExistsError);
  });

  it('reports an unknown job with JobNotFoundError', async () => {
    await expect(store.getJob('nope')).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(store.counts('nope')).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(store.setJobState('nope', 'running', epoch)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(
      recordOne(store, 'nope', { queryId: 'q0', kind: 'result', payload: '{}' }, epoch),
    ).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('validates arguments before writing', async () => {
    await expect(store.addJob({ ...spec('j1'), batchSize: 0 }, epoch)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(store.addJob(spec('bad id'), epoch)).rejects.toBeInstanceOf(InvalidArgumentError);
    await store.addJob(spec('j1'), epoch);
    await expect(store.setBatchSize('j1', -3, epoch)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('moves through states, keeps completed final and records the times', async () => {
    await store.addJob(spec('j1'), epoch);
    expect(await store.setJobState('j1', 'running', epoch)).toBe(true);
    expect(await store.setJobState('j1', 'running', epoch)).toBe(false);
    await store.setJobState('j1', 'stopped', epoch);
    await store.setJobState('j1', 'running', epoch);
    await store.setJobState('j1', 'completed', epoch);
    const job = await store.getJob('j1');
    expect(job.state).toBe('completed');
    expect(job.startedAt).toBeGreaterThan(0);
    expect(job.completedAt).toBeGreaterThanOrEqual(job.startedAt ?? 0);
    await expect(store.setJobState('j1', 'running', epoch)).rejects.toBeInstanceOf(InvalidJobStateError);
  });

  it('changes the batch size', async () => {
    await store.addJob(spec('j1'), epoch);
    await store.setBatchSize('j1', 32, epoch);
    expect((await store.getJob('j1')).batchSize).toBe(32);
  });
});

describe('queries and outcomes', () => {
  it('appends 10,000 queries in order within a few seconds, and skips ids already present', async () => {
    await store.addJob(spec('big'), epoch);
    const all = queries(10_000);
    const started = performance.now();
    expect(await store.appendQueries('big', all, epoch)).toEqual({ added: 10_000, total: 10_000 });
    const ms = performance.now() - started;
    console.log(`appendQueries: 10,000 queries in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(5000);
    expect(await store.listQueries('big')).toEqual(all);
    expect(await store.listQueries('big', { offset: 9998, limit: 5 })).toEqual(all.slice(9998));
    expect(await store.appendQueries('big', queries(20, 9990), epoch)).toEqual({ added: 10, total: 10_010 });
    expect((await store.counts('big')).total).toBe(10_010);
  });

  it('records a result once under 50 concurrent duplicate writes', async () => {
    await store.addJob(spec('j1'), epoch);
    await store.appendQueries('j1', queries(3), epoch);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        recordOne(
          store,
          'j1',
          { queryId: 'q1', kind: 'result', payload: JSON.stringify({ attempt: i }) },
          epoch,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(49);
    expect(await store.counts('j1')).toEqual({ total: 3, done: 1, errors: 0, duplicates: 49 });
    const results = await store.getResults('j1');
    expect(results).toHaveLength(1);
    const winner = outcomes.indexOf('recorded');
    expect(results[0]).toEqual({
      queryId: 'q1',
      uri: 'file:///data/images/1.jpg',
      kind: 'result',
      payload: JSON.stringify({ attempt: winner }),
    });
    expect((await store.rejectedWrites()).duplicates).toBe(49);
  });

  it('refuses an error for a query that has a result, and a result for one that has an error', async () => {
    await store.addJob(spec('j1'), epoch);
    await store.appendQueries('j1', queries(2), epoch);
    expect(
      await recordOne(store, 'j1', { queryId: 'q0', kind: 'result', payload: '{"top":[1]}' }, epoch),
    ).toBe('recorded');
    expect(
      await recordOne(store, 'j1', { queryId: 'q0', kind: 'error', payload: 'decode failed' }, epoch),
    ).toBe('conflict');
    expect(
      await recordOne(store, 'j1', { queryId: 'q1', kind: 'error', payload: 'decode failed' }, epoch),
    ).toBe('recorded');
    expect(
      await recordOne(store, 'j1', { queryId: 'q1', kind: 'result', payload: '{"top":[2]}' }, epoch),
    ).toBe('conflict');
    expect(await store.counts('j1')).toEqual({ total: 2, done: 1, errors: 1, duplicates: 2 });
    expect(await store.getResults('j1')).toEqual([
      { queryId: 'q0', uri: 'file:///data/images/0.jpg', kind: 'result', payload: '{"top":[1]}' },
      { queryId: 'q1', uri: 'file:///data/images/1.jpg', kind: 'error', payload: 'decode failed' },
    ]);
    expect((await store.rejectedWrites()).conflicts).toBe(2);
  });

  it('refuses an outcome for a query the job does not have', async () => {
    await store.addJob(spec('j1'), epoch);
    expect(await recordOne(store, 'j1', { queryId: 'ghost', kind: 'result', payload: '{}' }, epoch)).toBe(
      'unknown-query',
    );
  });

  it('lists pending queries in input order and pages results in recording order', async () => {
    await store.addJob(spec('j1'), epoch);
    await store.appendQueries('j1', queries(6), epoch);
    await recordOne(store, 'j1', { queryId: 'q4', kind: 'result', payload: 'r4' }, epoch);
    await recordOne(store, 'j1', { queryId: 'q1', kind: 'error', payload: 'e1' }, epoch);
    await recordOne(store, 'j1', { queryId: 'q0', kind: 'result', payload: 'r0' }, epoch);
    expect(await store.pendingQueries('j1')).toEqual(['q2', 'q3', 'q5']);
    const page = await store.getResults('j1', { offset: 1, limit: 2 });
    expect(page.map((r) => [r.queryId, r.kind])).toEqual([
      ['q1', 'error'],
      ['q0', 'result'],
    ]);
    expect(await store.getResults('j1', { limit: 0 })).toEqual([]);
  });
});

describe('fencing', () => {
  it('rejects a write with a stale epoch, changes nothing, and counts it', async () => {
    await store.addJob(spec('j1'), epoch);
    await store.appendQueries('j1', queries(2), epoch);
    // Another coordinator takes over: the old epoch is now stale.
    await store.releaseLease('coord-a', epoch);
    const next = await store.acquireLease('coord-b', 10_000);
    if (!next.acquired) throw new Error('takeover failed');
    const before = await store.getJob('j1');
    const changeId = await store.latestChangeId();

    const stale = [
      store.addJob(spec('j2'), epoch),
      store.setJobState('j1', 'running', epoch),
      store.setBatchSize('j1', 64, epoch),
      store.appendQueries('j1', queries(2, 100), epoch),
      recordOne(store, 'j1', { queryId: 'q0', kind: 'result', payload: 'late' }, epoch),
      recordOne(store, 'j1', { queryId: 'q1', kind: 'error', payload: 'late' }, epoch),
    ];
    for (const write of stale) {
      await expect(write).rejects.toEqual(
        expect.objectContaining({ name: 'StaleEpochError', epoch, current: next.epoch }),
      );
    }
    await expect(
      recordOne(store, 'j1', { queryId: 'q0', kind: 'result', payload: 'late' }, epoch),
    ).rejects.toBeInstanceOf(StaleEpochError);
    expect(await store.getJob('j1')).toEqual(before);
    expect(await store.listJobs()).toHaveLength(1);
    expect(await store.pendingQueries('j1')).toEqual(['q0', 'q1']);
    expect(await store.readChanges(changeId)).toEqual([]);
    expect((await store.rejectedWrites()).staleEpoch).toBe(7);

    expect(
      await recordOne(store, 'j1', { queryId: 'q0', kind: 'result', payload: 'fresh' }, next.epoch),
    ).toBe('recorded');
  });

  it('rejects a write whose epoch is ahead of Redis as StoreBehindError', async () => {
    await expect(store.addJob(spec('j1'), epoch + 5)).rejects.toBeInstanceOf(StoreBehindError);
    expect((await store.rejectedWrites()).storeBehind).toBe(1);
  });
});

describe('recording a task at once', () => {
  it('records each query once, refuses result/error conflicts, and counts like single writes', async () => {
    await store.addJob(spec('bulk'), epoch);
    await store.appendQueries('bulk', queries(4), epoch);
    const first = await store.recordOutcomes(
      'bulk',
      [
        { queryId: 'q0', kind: 'result', payload: 'a' },
        { queryId: 'q1', kind: 'error', payload: 'e' },
        { queryId: 'q0', kind: 'result', payload: 'again' },
        { queryId: 'nope', kind: 'result', payload: 'x' },
      ],
      epoch,
    );
    expect(first).toEqual(['recorded', 'recorded', 'duplicate', 'unknown-query']);
    const second = await store.recordOutcomes(
      'bulk',
      [
        { queryId: 'q1', kind: 'result', payload: 'late' },
        { queryId: 'q2', kind: 'result', payload: 'b' },
      ],
      epoch,
    );
    expect(second).toEqual(['conflict', 'recorded']);
    expect(await store.counts('bulk')).toMatchObject({ total: 4, done: 2, errors: 1 });
    expect((await store.getResults('bulk')).map((r) => [r.queryId, r.payload])).toEqual([
      ['q0', 'a'],
      ['q1', 'e'],
      ['q2', 'b'],
    ]);
    expect(await store.pendingQueries('bulk')).toEqual(['q3']);
  });

  it('writes nothing for a stale epoch', async () => {
    await store.addJob(spec('stale'), epoch);
    await store.appendQueries('stale', queries(2), epoch);
    await store.releaseLease('coord-a', epoch);
    const next = await store.acquireLease('coord-b', 10_000);
    expect(next.acquired).toBe(true);
    await expect(
      store.recordOutcomes('stale', [{ queryId: 'q0', kind: 'result', payload: 'x' }], epoch),
    ).rejects.toBeInstanceOf(StaleEpochError);
    expect(await store.counts('stale')).toMatchObject({ done: 0 });
  });
});
