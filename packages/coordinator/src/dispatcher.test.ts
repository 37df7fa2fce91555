import * as grpc from '@grpc/grpc-js';
import { decodeOutcome, StaleEpochError, serviceError, toServiceError } from '@idunno/client';
import { createRedisStateStore, type StateStore } from '@idunno/state';
import { type RedisServer, startRedis, waitFor } from '@idunno/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { okResults, startFakePrimary } from './fake-ports.js';
import type { CoordinatorOptions } from './options.js';

// The dispatcher through the Coordinator facade: a real Redis (the store's record-once scripts
// are what "exactly once" rests on), fake workers the test answers, and a clock that moves only
// when the test advances it. No idunno process is started.

let redis: RedisServer;
let prefixes = 0;
beforeAll(async () => {
  redis = await startRedis({ appendOnly: false });
});
afterAll(async () => {
  await redis.stop();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A coordinator that leads (its lease outlives the test), over fake workers `ids`. */
async function primary(ids: string[], options: Partial<CoordinatorOptions> = {}) {
  const store: StateStore = await createRedisStateStore({ url: redis.url, prefix: `d${prefixes++}:` });
  const p = await startFakePrimary(store, ids, options);
  cleanups.push(async () => {
    await p.stop();
    await store.close();
  });
  return { ...p, store };
}

const synthetic = (n: number) => Array.from({ length: n }, (_, i) => `synthetic://${i}`);

async function completed(store: StateStore, jobId: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(async () => (await store.getJob(jobId)).state === 'completed', {
    timeoutMs,
    message: `job ${jobId} to complete`,
  });
}

/** Each query id of the job exactly once among the recorded outcomes. */
async function expectOncePerQuery(store: StateStore, jobId: string, total: number) {
  const rows = (await store.getResults(jobId)).map((r) => decodeOutcome(r));
  expect(rows).toHaveLength(total);
  expect(new Set(rows.map((r) => r.queryId)).size).toBe(total);
  return rows;
}

describe('the dispatcher', () => {
  it('requeues the queries of a worker link that fails, and they are recorded once on another worker', async () => {
    const { c, store, links, events } = await primary(['w1', 'w2']);
    links.get('w1').auto = () => serviceError(grpc.status.UNAVAILABLE, 'connect ECONNREFUSED');
    links.get('w2').auto = (t) => okResults(t);
    await c.addJob({ jobId: 'j', model: 'tiny', inputs: synthetic(40), batchSize: 4 });
    await c.startJob('j');
    await completed(store, 'j');
    const rows = await expectOncePerQuery(store, 'j', 40);
    expect(rows.every((r) => r.kind === 'result' && r.worker === 'w2')).toBe(true);
    expect(
      events.some((x) => x.name === 'worker-lost' && (x.e as { workerId: string }).workerId === 'w1'),
    ).toBe(true);
  });

  it('demotes when a worker refuses a task with a newer epoch, and records nothing at the old one', async () => {
    const { c, store, links, events } = await primary(['w1']);
    links.get('w1').auto = (t) =>
      toServiceError(
        new StaleEpochError(Number(t.epoch), Number(t.epoch) + 1, 'worker'),
        grpc.status.FAILED_PRECONDITION,
      );
    await c.addJob({ jobId: 'j', model: 'tiny', inputs: synthetic(8), batchSize: 4 });
    await c.startJob('j');
    await waitFor(() => c.role === 'standby', { message: 'the coordinator to demote' });
    expect(events.filter((x) => x.name === 'role').map((x) => (x.e as { role: string }).role)).toEqual([
      'primary',
      'standby',
    ]);
    expect(await store.getResults('j')).toEqual([]);
    expect((await store.getJob('j')).state).toBe('running');
  });

  it('re-dispatches a task past its deadline to another worker, and records the late reply once', async () => {
    const { c, store, time, links, events } = await primary(['w1', 'w2'], { taskTimeoutMs: 30_000 });
    const slow = links.get('w1'); // holds every task
    links.get('w2').auto = (t) => okResults(t);
    await c.addJob({ jobId: 'j', model: 'tiny', inputs: synthetic(24), batchSize: 4 });
    await c.startJob('j');
    await waitFor(() => slow.held.length > 0, { message: 'a task on the slow worker' });
    // w2 finishes what it can; w1's tasks wait until their deadline passes.
    await time.advance(31_000);
    await completed(store, 'j');
    expect(
      events.some((x) => x.name === 'redispatch' && (x.e as { reason: string }).reason === 'deadline'),
    ).toBe(true);
    const before = (await store.rejectedWrites()).duplicates;
    for (let t = slow.take(); t; t = slow.take()) t.reply();
    await waitFor(async () => (await store.rejectedWrites()).duplicates > before, {
      message: 'the late replies to reach the store',
    });
    await expectOncePerQuery(store, 'j', 24);
  });

  it('records a query that fails on every attempt as one TASK_FAILED error, and the job still ends', async () => {
    const { c, store, links } = await primary(['w1'], { maxAttempts: 5 });
    let calls = 0;
    links.get('w1').auto = () => {
      calls++;
      return serviceError(grpc.status.INTERNAL, 'session crashed');
    };
    await c.addJob({ jobId: 'j', model: 'tiny', inputs: synthetic(3), batchSize: 3 });
    await c.startJob('j');
    await completed(store, 'j');
    const rows = await expectOncePerQuery(store, 'j', 3);
    for (const r of rows) {
      expect(r.kind).toBe('error');
      if (r.kind === 'error')
        expect(r.error).toEqual({
          code: 'TASK_FAILED',
          message: 'failed 5 times; last: INTERNAL: session crashed',
        });
    }
    expect(calls).toBeGreaterThanOrEqual(5);
    expect((await store.counts('j')).errors).toBe(3);
  });

  it('requeues the in-flight queries of a worker that leaves the directory', async () => {
    const { c, store, links, directory, events } = await primary(['w1', 'w2']);
    await c.addJob({ jobId: 'j', model: 'tiny', inputs: synthetic(16), batchSize: 4 });
    await c.startJob('j');
    const gone = links.get('w1');
    await waitFor(() => gone.held.length > 0, { message: 'tasks on w1' });
    directory.set([{ id: 'w2', address: 'w2' }]);
    const lost = events.find((x) => x.name === 'worker-lost')?.e as { requeued: number } | undefined;
    expect(lost).toMatchObject({ workerId: 'w1', reason: 'membership' });
    expect(lost?.requeued).toBeGreaterThan(0);
    const w2 = links.get('w2');
    w2.auto = (t) => okResults(t);
    for (let t = w2.take(); t; t = w2.take()) t.reply();
    await completed(store, 'j');
    const rows = await expectOncePerQuery(store, 'j', 16);
    expect(rows.every((r) => r.worker === 'w2')).toBe(true);
  });

  it('ends every query with exactly one outcome under random failures, replies missing results, and backoffs', async () => {
    const { c, store, time, links } = await primary(['w1', 'w2', 'w3'], { maxAttempts: 4 });
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const w of links.workers.values()) {
      w.auto = (t) => {
        const r = rand();
        if (r < 0.1) return serviceError(grpc.status.UNAVAILABLE, 'connection reset');
        if (r < 0.2) return serviceError(grpc.status.INTERNAL, 'boom');
        if (r < 0.3) return okResults(t).filter(() => rand() < 0.5); // some results missing
        return okResults(t);
      };
    }
    await c.addJob({ jobId: 'j', model: 'tiny', inputs: synthetic(300), batchSize: 8 });
    await c.startJob('j');
    // Backed-off workers come back as time passes.
    await waitFor(
      async () => {
        await time.advance(200);
        return (await store.getJob('j')).state === 'completed';
      },
      { timeoutMs: 30_000, intervalMs: 5, message: 'the job to complete' },
    );
    const rows = await expectOncePerQuery(store, 'j', 300);
    const failed = rows.filter((r) => r.kind === 'error');
    for (const r of failed) if (r.kind === 'error') expect(r.error.code).toBe('TASK_FAILED');
    expect(rows.length - failed.length).toBeGreaterThan(200);
  });
});
