import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModel } from '@idunno/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from './errors.js';
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
