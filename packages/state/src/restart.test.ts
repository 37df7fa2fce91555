import { type RedisServer, startRedis, waitFor } from '@idunno/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreBehindError, StoreUnavailableError } from './errors.js';
import { createRedisStateStore } from './redis-store.js';
import type { StateStore } from './store.js';
import type { JobSnapshot, Query, RecordedItem, RecordOutcome } from './types.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

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

async function setup(): Promise<{ redis: RedisServer; store: StateStore; epoch: number }> {
  const redis = await startRedis({ appendOnly: true });
  cleanups.push(() => redis.stop());
  const store = await createRedisStateStore({ url: redis.url, commandTimeoutMs: 1000 });
  cleanups.push(() => store.close());
  const lease = await store.acquireLease('coord-a', 30_000);
  if (!lease.acquired) throw new Error('not acquired');
  return { redis, store, epoch: lease.epoch };
}

const queries: Query[] = Array.from({ length: 100 }, (_, i) => ({
  id: `q${i}`,
  uri: `file:///img/${i}.jpg`,
}));

async function fillJob(store: StateStore, epoch: number): Promise<void> {
  await store.addJob({ jobId: 'j1', model: 'vit-tiny', inputs: ['/img'], batchSize: 8, topK: 5 }, epoch);
  await store.appendQueries('j1', queries, epoch);
  await store.setJobState('j1', 'running', epoch);
  for (let i = 0; i < 30; i++)
    await recordOne(store, 'j1', { queryId: `q${i}`, kind: 'result', payload: `r${i}` }, epoch);
  await recordOne(store, 'j1', { queryId: 'q30', kind: 'error', payload: 'corrupt' }, epoch);
}

/** Retries an operation until Redis answers again (the store fails fast while it is down). */
async function untilAvailable<T>(op: () => Promise<T>): Promise<T> {
  const outcome = await waitFor(
    async () => {
      try {
        return { ok: true as const, value: await op() };
      } catch (error) {
        // Any answer from Redis, even a refusal, ends the wait; only unavailability retries.
        return error instanceof StoreUnavailableError ? undefined : { ok: false as const, error };
      }
    },
    { timeoutMs: 15_000, message: 'Redis to come back' },
  );
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

describe('Redis restarts', () => {
  it('keeps the state intact across a restart with its append-only data', async () => {
    const { redis, store, epoch } = await setup();
    await fillJob(store, epoch);
    const before = await store.getJob('j1');
    await redis.restart({ keepData: true });
    const after = await untilAvailable(() => store.getJob('j1'));
    expect(after).toEqual(before);
    expect(await store.pendingQueries('j1')).toEqual(queries.slice(31).map((q) => q.id));
    expect(await store.currentEpoch()).toBe(epoch);
    // The lease survived too, so the same leader keeps writing.
    await store.renewLease('coord-a', epoch, 30_000);
    expect(await recordOne(store, 'j1', { queryId: 'q31', kind: 'result', payload: 'r31' }, epoch)).toBe(
      'recorded',
    );
  });

  it('brings an emptied Redis back with restoreJob from the primary’s memory', async () => {
    const { redis, store, epoch } = await setup();
    await fillJob(store, epoch);
    const job = await store.getJob('j1');
    const snapshot: JobSnapshot = {
      job,
      queries: await store.listQueries('j1'),
      results: (await store.getResults('j1'))
        .filter((o) => o.kind === 'result')
        .map((o) => ({ queryId: o.queryId, payload: o.payload })),
      errors: [{ queryId: 'q30', payload: 'corrupt' }],
    };
    await redis.restart({ keepData: false });

    // Writes are refused until the primary re-acquires the lease above its old epoch.
    await expect(
      untilAvailable(() => recordOne(store, 'j1', { queryId: 'q40', kind: 'result', payload: 'r' }, epoch)),
    ).rejects.toBeInstanceOf(StoreBehindError);
    const lease = await store.acquireLease('coord-a', 30_000, epoch);
    if (!lease.acquired) throw new Error('not acquired');
    expect(lease.epoch).toBe(epoch + 1);
    await store.restoreJob(snapshot, lease.epoch);
    await store.restoreJob(snapshot, lease.epoch); // idempotent

    const restored = await store.getJob('j1');
    const { updatedAt: _updated, ...spec } = job;
    expect(restored).toMatchObject({
      ...spec,
      epoch: lease.epoch,
      totalQueries: 100,
      done: 30,
      errors: 1,
    });
    expect(await store.listQueries('j1')).toEqual(queries);
    expect(await store.pendingQueries('j1')).toEqual(queries.slice(31).map((q) => q.id));
    expect(await store.getResults('j1', { limit: 2 })).toEqual([
      { queryId: 'q0', uri: 'file:///img/0.jpg', kind: 'result', payload: 'r0' },
      { queryId: 'q1', uri: 'file:///img/1.jpg', kind: 'result', payload: 'r1' },
    ]);
    expect(
      await recordOne(store, 'j1', { queryId: 'q0', kind: 'result', payload: 'again' }, lease.epoch),
    ).toBe('duplicate');
    const changes = await store.readChanges('0-0');
    expect(changes.filter((c) => c.type === 'job-restored')).toHaveLength(2);
  });

  it('rejects operations with StoreUnavailableError quickly while Redis is down, and works after restart', async () => {
    const { redis, store, epoch } = await setup();
    await fillJob(store, epoch);
    redis.kill('SIGKILL');
    await waitFor(
      async () => {
        try {
          await store.counts('j1');
          return false;
        } catch (err) {
          return err instanceof StoreUnavailableError;
        }
      },
      { timeoutMs: 5000, message: 'the store to notice Redis is gone' },
    );
    for (const op of [
      () => store.getJob('j1'),
      () => recordOne(store, 'j1', { queryId: 'q50', kind: 'result', payload: 'r' }, epoch),
      () => store.readChanges('0-0', { blockMs: 500 }),
      () => store.renewLease('coord-a', epoch, 30_000),
    ]) {
      const started = performance.now();
      await expect(op()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(performance.now() - started).toBeLessThan(1500);
    }
    await redis.restart({ keepData: true });
    expect(
      await untilAvailable(() =>
        recordOne(store, 'j1', { queryId: 'q50', kind: 'result', payload: 'r50' }, epoch),
      ),
    ).toBe('recorded');
    expect((await store.counts('j1')).done).toBe(31);
  });

  it('times out commands against a hung Redis with StoreUnavailableError', async () => {
    const { redis, store } = await setup();
    redis.kill('SIGSTOP');
    try {
      const started = performance.now();
      await expect(store.getJob('j1')).rejects.toBeInstanceOf(StoreUnavailableError);
      const ms = performance.now() - started;
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(3000);
    } finally {
      redis.kill('SIGCONT');
    }
    await untilAvailable(() => store.currentEpoch());
  });

  it('fails to connect within the connect timeout when nothing listens', async () => {
    const redis = await startRedis({ appendOnly: false });
    await redis.stop();
    const started = performance.now();
    await expect(createRedisStateStore({ url: redis.url, connectTimeoutMs: 500 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
