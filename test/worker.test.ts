import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { WorkerConnection } from '@idunno/client';
import type { ModelMetadataResponse } from '@idunno/proto';
import {
  modelMirror,
  type NodeProcess,
  runCli,
  sharedImages,
  startWorker,
  waitFor,
  writeSyntheticImages,
} from '@idunno/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const mirror = modelMirror();
const shared = sharedImages();
// With the mirror the tests use the real ViT-Tiny on real photos; without it, the generated
// untrained twin of the same architecture on synthetic images (same code paths, same cost).
const VIT = mirror.dir ? 'vit-tiny' : 'vit-tiny-untrained';
if (!mirror.dir) console.warn(`[worker] using ${VIT} and synthetic images: ${mirror.reason}`);

describe('worker over gRPC', () => {
  let worker: NodeProcess & { address: string };
  let conn: WorkerConnection;
  let dir: string;
  let photos: string[];
  let epoch = 1;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idunno-worker-test-'));
    photos =
      mirror.dir && shared.dir
        ? readdirSync(shared.dir)
            .filter((f) => /\.(jpe?g|png)$/.test(f))
            .sort()
            .map((f) => join(shared.dir!, f))
        : await writeSyntheticImages(join(dir, 'img'), 12);
    worker = await startWorker({
      args: ['--preload', `${VIT},tiny`],
      env: mirror.dir ? { IDUNNO_MODEL_MIRROR: mirror.dir } : {},
      readyTimeoutMs: 120_000,
    });
    conn = new WorkerConnection(worker.address);
  }, 180_000);

  afterAll(async () => {
    conn?.close();
    await worker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Resolves once the worker reports a task in flight (it has taken the one just sent). */
  const untilTaken = (c: WorkerConnection) =>
    waitFor(async () => (await c.status()).tasksInFlight >= 1, {
      timeoutMs: 30_000,
      intervalMs: 10,
      message: 'a task in flight on the worker',
    });

  const task = (model: string, uris: string[], extra: object = {}) => ({
    taskId: `t${epoch}`,
    jobId: 'job',
    model,
    topK: 5,
    epoch,
    queries: uris.map((uri, i) => ({ queryId: `q${i}`, uri })),
    ...extra,
  });

  it('returns the same top-k as idunno classify in one process', async () => {
    const reply = await conn.runTask(task(VIT, photos), 60_000);
    const cli = await runCli(['classify', '--model', VIT, '--json', ...photos], {
      env: mirror.dir ? { IDUNNO_MODEL_MIRROR: mirror.dir } : {},
    });
    expect(cli.code, cli.stderr).toBe(0);
    const reference = cli.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { uri: string; topK: { index: number; probability: number }[] });
    expect(reply.results).toHaveLength(photos.length);
    for (const [i, r] of reply.results.entries()) {
      const ref = reference[i]!;
      expect(r.queryId).toBe(`q${i}`);
      expect(r.error).toBeNull();
      expect(r.topK.map((c) => c.index)).toEqual(ref.topK.map((c) => c.index));
      for (const [j, c] of r.topK.entries()) {
        expect(Math.abs(c.probability - ref.topK[j]!.probability)).toBeLessThan(1e-5);
      }
      expect(r.timings?.inferenceMs).toBeGreaterThan(0);
    }
  });

  it('answers a liveness call sent during a long batch before the batch finishes', async () => {
    const uris = Array.from({ length: 64 }, (_, i) => photos[i % photos.length]!);
    const order: string[] = [];
    const batch = conn.runTask(task(VIT, uris), 120_000).then(() => order.push('batch'));
    // Once the worker has taken the batch, probe it.
    await untilTaken(conn);
    const t0 = performance.now();
    await conn.live(5_000);
    const liveMs = performance.now() - t0;
    order.push('live');
    await batch;
    expect(order).toEqual(['live', 'batch']);
    expect(liveMs).toBeLessThan(1_000);
  });

  it('rejects bad tasks with clear errors and keeps serving', async () => {
    const expectCode = async (p: Promise<unknown>, code: grpc.status, re: RegExp) => {
      const err = (await p.then(
        () => undefined,
        (e: unknown) => e,
      )) as grpc.ServiceError | undefined;
      expect(err, 'call should have failed').toBeDefined();
      expect(err!.code).toBe(code);
      expect(err!.details).toMatch(re);
    };
    await expectCode(conn.runTask(task('tiny', []), 5_000), grpc.status.INVALID_ARGUMENT, /no queries/);
    await expectCode(
      conn.runTask(task('resnet-9000', [photos[0]!]), 5_000),
      grpc.status.NOT_FOUND,
      /vit-tiny/,
    );
    await expectCode(
      conn.runTask(
        task(
          'tiny',
          Array.from({ length: 1025 }, () => photos[0]!),
        ),
        5_000,
      ),
      grpc.status.INVALID_ARGUMENT,
      /at most 1024/,
    );
    await expectCode(
      conn.runTask(task('tiny', [photos[0]!], { topK: 5000 }), 5_000),
      grpc.status.INVALID_ARGUMENT,
      /top_k/,
    );
    const ok = await conn.runTask(
      task(
        'tiny',
        Array.from({ length: 1000 }, () => photos[0]!),
      ),
      60_000,
    );
    expect(ok.results).toHaveLength(1000);
    const mixed = await conn.runTask(task('tiny', [photos[0]!, join(dir, 'nope.jpg')]), 5_000);
    expect(mixed.results[0]!.error).toBeNull();
    expect(mixed.results[1]!.error?.code).toBe('NOT_FOUND');
    expect(await conn.live()).toBe(true);
  });

  it('rejects a task whose epoch is older than one it has seen', async () => {
    epoch = 7;
    await conn.runTask(task('tiny', [photos[0]!]), 5_000);
    epoch = 6;
    const err = (await conn
      .runTask(task('tiny', [photos[0]!]), 5_000)
      .catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toMatch(/epoch 6 is older than .* 7/);
    epoch = 7;
    const status = await conn.status();
    expect(status.highestEpoch).toBe(7);
    expect(status.loadedModels).toEqual(expect.arrayContaining([VIT, 'tiny']));
  });

  it('serves KServe v2 metadata and raw-tensor inference', async () => {
    const client = conn.inference;
    const meta = await new Promise<ModelMetadataResponse>((resolve, reject) =>
      client.ModelMetadata({ name: 'tiny' }, (err, res) => (err ? reject(err) : resolve(res!))),
    );
    expect(meta.inputs?.[0]).toMatchObject({ name: 'input', datatype: 'FP32' });
    const data = new Float32Array(2 * 3 * 32 * 32).fill(0.25);
    const res = await new Promise<{ outputs: { shape: number[] }[]; rawOutputContents: Buffer[] }>(
      (resolve, reject) =>
        client.ModelInfer(
          {
            modelName: 'tiny',
            inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3, 32, 32] }],
            rawInputContents: [Buffer.from(data.buffer)],
          },
          (err, r) => (err ? reject(err) : resolve(r as never)),
        ),
    );
    expect(res.outputs[0]!.shape.map(Number)).toEqual([2, 1000]);
    expect(res.rawOutputContents[0]!.length).toBe(2 * 1000 * 4);
    const bad = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.ModelInfer(
        {
          modelName: 'tiny',
          inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 7, 7] }],
          rawInputContents: [Buffer.alloc(4)],
        },
        (err) => resolve(err),
      ),
    );
    expect(bad?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('matches concurrent stream tasks to their replies and answers RunTask calls the same', async () => {
    const uris = Array.from({ length: 8 }, (_, i) => photos[i % photos.length]!);
    // Tasks of different sizes finish out of order; each reply must still reach its own caller.
    const replies = await Promise.all(
      [8, 1, 5, 2].map((n, i) =>
        conn.runTask({ ...task('tiny', uris.slice(0, n)), taskId: `c${i}` }, 30_000),
      ),
    );
    expect(replies.map((r) => [r.taskId, r.results.length])).toEqual([
      ['c0', 8],
      ['c1', 1],
      ['c2', 5],
      ['c3', 2],
    ]);
    const unary = await conn.runTaskCall({ ...task('tiny', uris.slice(0, 2)), taskId: 'u' }, 30_000);
    expect(unary.results.map((r) => r.topK)).toEqual(replies[3]!.results.map((r) => r.topK));
    const err = (await conn
      .runTaskCall(task('tiny', []), 5_000)
      .catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  /**
   * A second worker of its own (these tests signal it), its task stream open and warm, and 32 photo
   * URIs; killed and awaited afterwards whatever happened.
   */
  const withSpareWorker = async (
    fn: (w: NodeProcess & { address: string }, c: WorkerConnection, uris: string[]) => Promise<void>,
  ) => {
    const w = await startWorker({
      args: ['--preload', VIT],
      env: mirror.dir ? { IDUNNO_MODEL_MIRROR: mirror.dir } : {},
    });
    const c = new WorkerConnection(w.address);
    try {
      const uris = Array.from({ length: 32 }, (_, i) => photos[i % photos.length]!);
      await c.runTask(task(VIT, uris.slice(0, 1)), 30_000);
      await fn(w, c, uris);
    } finally {
      c.close();
      w.kill('SIGKILL');
      await w.exited;
    }
  };

  it('fails stream tasks with UNAVAILABLE when the worker is killed, and DEADLINE_EXCEEDED when it hangs', () =>
    withSpareWorker(async (w, c, uris) => {
      // SIGSTOP: the process is alive but silent; only the caller's own deadline ends the wait.
      w.kill('SIGSTOP');
      const hung = (await c
        .runTask(task(VIT, uris.slice(0, 1)), 300)
        .catch((e: unknown) => e)) as grpc.ServiceError;
      expect(hung.code).toBe(grpc.status.DEADLINE_EXCEEDED);
      w.kill('SIGCONT');
      await c.runTask(task(VIT, uris.slice(0, 1)), 30_000);
      const inFlight = c.runTask(task(VIT, uris), 60_000).catch((e: unknown) => e);
      await untilTaken(c);
      w.kill('SIGKILL');
      const killed = (await inFlight) as grpc.ServiceError;
      expect(killed.code).toBe(grpc.status.UNAVAILABLE);
    }));

  it('answers the stream tasks it has taken before it exits on SIGTERM', () =>
    withSpareWorker(async (w, c, uris) => {
      const inFlight = c.runTask(task(VIT, uris), 60_000);
      await untilTaken(c);
      w.kill('SIGTERM');
      expect((await inFlight).results).toHaveLength(32);
      expect(await w.exited, w.stderr()).toEqual({ code: 0, signal: null });
      // The stream has ended with the worker; the next task fails fast instead of waiting.
      const after = (await c
        .runTask(task(VIT, uris.slice(0, 1)), 5_000)
        .catch((e: unknown) => e)) as grpc.ServiceError;
      expect(after.code).toBe(grpc.status.UNAVAILABLE);
    }));

  it('exits cleanly on SIGTERM', async () => {
    const w = await startWorker();
    w.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit, w.stderr()).toEqual({ code: 0, signal: null });
  });
});
