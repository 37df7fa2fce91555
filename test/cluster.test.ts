import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoordinatorConnection } from '@idunno/client';
import {
  allResults,
  expectExactlyOnce,
  leader,
  listFile,
  mirrorEnv,
  photos,
  reference,
  startCluster,
  type TestCluster,
  VIT,
  waitCompleted,
  waitFor,
  writeSyntheticImages,
} from '@idunno/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let files: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idunno-cluster-'));
  files = await photos(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a local cluster', () => {
  let cluster: TestCluster | undefined;
  let conn: CoordinatorConnection | undefined;
  afterEach(async () => {
    conn?.close();
    await cluster?.stop();
    cluster = undefined;
  });

  it('runs a ViT job and a ResNet-50 job to completion with one result per query, equal to classify', async () => {
    cluster = await startCluster({
      workers: 2,
      workerArgs: ['--preload', `${VIT},resnet50`],
      env: mirrorEnv,
    });
    conn = await leader(cluster);
    const vitList = await listFile(join(dir, 'vit.txt'), files, 240);
    const resnetImages = await writeSyntheticImages(join(dir, 'resnet'), 40, { seed: 7 });
    await conn.addJob({ jobId: 'vit', model: VIT, inputs: [vitList], batchSize: 8 });
    await conn.addJob({ jobId: 'resnet', model: 'resnet50', inputs: [join(dir, 'resnet')], batchSize: 4 });
    await conn.startJob('vit');
    await conn.startJob('resnet');
    const c = conn;
    await waitCompleted(() => c, ['vit', 'resnet'], 240_000);

    const [vitRef, resnetRef] = await Promise.all([
      reference(VIT, files),
      reference('resnet50', resnetImages),
    ]);
    for (const [jobId, total, ref] of [
      ['vit', 240, vitRef],
      ['resnet', 40, resnetRef],
    ] as const) {
      const rows = await allResults(conn, jobId);
      expectExactlyOnce(rows, total);
      for (const r of rows) {
        expect(r.kind, `${jobId} ${r.queryId}: ${JSON.stringify(r.payload)}`).toBe('result');
        const want = ref.get(r.uri);
        expect(want, r.uri).toBeDefined();
        expect(r.payload.topK!.map((t) => t.index)).toEqual(want!.map((t) => t.index));
        for (const [j, t] of r.payload.topK!.entries())
          expect(Math.abs(t.probability - want![j]!.probability)).toBeLessThan(1e-5);
      }
    }
    const stats = await conn.stats();
    for (const j of stats.jobs) {
      expect(j.done).toBe(j.job!.totalQueries);
      expect(j.errors).toBe(0);
    }
  }, 300_000);

  it('completes a job with nothing lost or duplicated when a worker is SIGKILLed mid-job', async () => {
    cluster = await startCluster({ workers: 3, workerArgs: ['--preload', 'vit-tiny-untrained'] });
    conn = await leader(cluster);
    const list = await listFile(join(dir, 'kill.txt'), files, 300);
    await conn.addJob({ jobId: 'kill', model: 'vit-tiny-untrained', inputs: [list], batchSize: 4 });
    await conn.startJob('kill');
    const c = conn;
    await waitFor(async () => ((await c.stats('kill')).jobs[0]?.done ?? 0) >= 40, {
      timeoutMs: 60_000,
      message: '40 results',
    });
    const victim = cluster.workers[1]!;
    victim.kill('SIGKILL');
    const lead = cluster.coordinators.find((p) => String(p.ready.address) === c.address)!;
    const lost = await lead.waitEvent(
      (e) => e.event === 'worker-lost' && e.workerId === victim.ready.workerId,
      15_000,
    );
    expect(Number(lost.requeued)).toBeGreaterThanOrEqual(0);
    await waitCompleted(() => c, ['kill'], 180_000);
    const rows = await allResults(conn, 'kill');
    expectExactlyOnce(rows, 300);
    expect(rows.every((r) => r.kind === 'result')).toBe(true);
  }, 240_000);

  it('gives work to a worker that joins mid-job', async () => {
    cluster = await startCluster({ workers: 1, workerArgs: ['--preload', 'vit-tiny-untrained'] });
    conn = await leader(cluster);
    const list = await listFile(join(dir, 'join.txt'), files, 300);
    await conn.addJob({ jobId: 'join', model: 'vit-tiny-untrained', inputs: [list], batchSize: 4 });
    await conn.startJob('join');
    const c = conn;
    await waitFor(async () => ((await c.stats('join')).jobs[0]?.done ?? 0) >= 20, {
      timeoutMs: 60_000,
      message: '20 results',
    });
    const late = await cluster.addWorker('late-joiner');
    const joinedAt = Date.now();
    await waitFor(async () => (await allResults(c, 'join')).some((r) => r.payload.worker === 'late-joiner'), {
      timeoutMs: 30_000,
      intervalMs: 200,
      message: 'a result computed by the late joiner',
    });
    expect(Date.now() - joinedAt).toBeLessThan(30_000);
    expect(late.pid).toBeGreaterThan(0);
    await waitCompleted(() => c, ['join'], 180_000);
    expectExactlyOnce(await allResults(conn, 'join'), 300);
  }, 240_000);
});
