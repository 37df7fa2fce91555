import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModel } from '@idunno/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError, PoolClosedError } from './errors.js';
import { SessionPool } from './pool.js';

describe('session pool', () => {
  let dir: string;
  let pool: SessionPool;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idunno-pool-'));
    pool = new SessionPool({ threads: 2, intraOpThreads: 1 });
  });
  afterAll(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a truncated ONNX file with ModelLoadError and keeps serving', async () => {
    const path = await ensureModel('tiny');
    const bytes = await (await import('node:fs/promises')).readFile(path);
    const truncated = join(dir, 'truncated.onnx');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(
      pool.load('truncated', truncated, { input: 'input', output: 'logits' }),
    ).rejects.toBeInstanceOf(ModelLoadError);
    const notOnnx = join(dir, 'not.onnx');
    await writeFile(notOnnx, 'definitely not a protobuf');
    await expect(pool.load('not-onnx', notOnnx, { input: 'input', output: 'logits' })).rejects.toThrow(
      /cannot load model not-onnx/,
    );
    await expect(pool.load('wrong-io', path, { input: 'pixels', output: 'logits' })).rejects.toThrow(
      /expected input "pixels"/,
    );
    // Still serving: the real file loads and runs on both threads.
    await pool.load('tiny', path, { input: 'input', output: 'logits' });
    const runs = await Promise.all(
      [0, 1, 2, 3].map(() => pool.run('tiny', new Float32Array(2 * 3 * 32 * 32).fill(0.5), [2, 3, 32, 32])),
    );
    for (const r of runs) {
      expect(r.dims).toEqual([2, 1000]);
      expect(Array.from(r.logits).every(Number.isFinite)).toBe(true);
      expect(Array.from(r.logits.subarray(0, 1000))).toEqual(Array.from(runs[0]!.logits.subarray(0, 1000)));
    }
  });
});

describe('session pool queueing', () => {
  const pools: SessionPool[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  async function onePool(threads: number): Promise<SessionPool> {
    const pool = new SessionPool({ threads, intraOpThreads: 1 });
    pools.push(pool);
    await pool.load('tiny', await ensureModel('tiny'), { input: 'input', output: 'logits' });
    return pool;
  }

  /** Submits every run in one tick and returns their names in the order they completed. */
  async function completionOrder(pool: SessionPool, runs: { name: string; lane?: string }[]) {
    const order: string[] = [];
    await Promise.all(
      runs.map(({ name, lane }) =>
        pool
          .run('tiny', new Float32Array(64 * 3 * 32 * 32).fill(0.5), [64, 3, 32, 32], lane)
          .then(() => order.push(name)),
      ),
    );
    return order;
  }

  // One thread executes runs one by one, so completion order is dispatch order. All runs are
  // submitted in one tick: the first starts at once, the rest are queued, whatever they cost.
  it('starts a new lane before the rest of a busy lane', async () => {
    const pool = await onePool(1);
    const order = await completionOrder(pool, [
      { name: 'a1', lane: 'a' },
      { name: 'a2', lane: 'a' },
      { name: 'a3', lane: 'a' },
      { name: 'a4', lane: 'a' },
      { name: 'b1', lane: 'b' },
    ]);
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3', 'a4']);
  });

  it('alternates between two lanes with queued runs', async () => {
    const pool = await onePool(1);
    const order = await completionOrder(pool, [
      { name: 'a1', lane: 'a' },
      { name: 'a2', lane: 'a' },
      { name: 'a3', lane: 'a' },
      { name: 'b1', lane: 'b' },
      { name: 'b2', lane: 'b' },
      { name: 'b3', lane: 'b' },
    ]);
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
  });

  it('keeps FIFO order within one lane', async () => {
    const pool = await onePool(1);
    const names = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    expect(
      await completionOrder(
        pool,
        names.map((name) => ({ name })),
      ),
    ).toEqual(names);
  });

  it('close() waits for queued runs, then refuses new ones', async () => {
    const pool = await onePool(1);
    const runs = Array.from({ length: 4 }, (_, i) =>
      pool.run('tiny', new Float32Array(16 * 3 * 32 * 32).fill(0.5), [16, 3, 32, 32], `job-${i % 2}`),
    );
    await pool.close();
    for (const r of await Promise.all(runs)) expect(r.dims).toEqual([16, 1000]);
    await expect(pool.run('tiny', new Float32Array(3 * 32 * 32), [1, 3, 32, 32])).rejects.toBeInstanceOf(
      PoolClosedError,
    );
  });
});
