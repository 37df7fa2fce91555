import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorConnection } from '@idunno/client';
import { createRedisStateStore } from '@idunno/state';
import {
  allResults,
  expectExactlyOnce,
  leader,
  listFile,
  mirrorEnv,
  type NodeProcess,
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
let tinyFiles: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idunno-failover-'));
  files = await photos(dir);
  tinyFiles = await writeSyntheticImages(join(dir, 'tiny'), 20, { seed: 3 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function leaderProcess(cluster: TestCluster, conn: CoordinatorConnection): NodeProcess {
  const p = cluster.coordinators.find((c) => String(c.ready.address) === conn.address);
  if (!p) throw new Error(`no process for ${conn.address}`);
  return p;
}

async function twoJobs(conn: CoordinatorConnection, vitQueries: number, tinyQueries: number): Promise<void> {
  await conn.addJob({
    jobId: 'vit',
    model: VIT,
    inputs: [await listFile(join(dir, `vit-${vitQueries}.txt`), files, vitQueries)],
    batchSize: 8,
  });
  await conn.addJob({
    jobId: 'tiny',
    model: 'tiny',
    inputs: [await listFile(join(dir, `tiny-${tinyQueries}.txt`), tinyFiles, tinyQueries)],
    batchSize: 4,
  });
  await conn.startJob('vit');
  await conn.startJob('tiny');
}

async function doneCount(conn: CoordinatorConnection, jobId: string): Promise<number> {
  return (await conn.stats(jobId)).jobs[0]?.done ?? 0;
}

describe('hot-standby coordinator', () => {
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('takes over when the primary is SIGKILLed: both jobs complete, every query once, equal to classify', async () => {
    cluster = await startCluster({ workers: 2, workerArgs: ['--preload', `${VIT},tiny`], env: mirrorEnv });
    const first = await leader(cluster);
    await twoJobs(first, 160, 400);
    await waitFor(async () => (await doneCount(first, 'vit')) >= 24, {
      timeoutMs: 60_000,
      message: 'progress',
    });
    const primary = leaderProcess(cluster, first);
    const standby = cluster.coordinators.find((c) => c !== primary)!;
    primary.kill('SIGKILL');
    first.close();
    await standby.waitEvent((e) => e.event === 'role' && e.role === 'primary', 15_000);
    await standby.waitEvent((e) => e.event === 'first-dispatch', 15_000);
    const next = await leader(cluster);
    expect(next.address).toBe(String(standby.ready.address));
    await waitCompleted(() => next, ['vit', 'tiny'], 180_000);
    const [vitRef, tinyRef] = await Promise.all([reference(VIT, files), reference('tiny', tinyFiles)]);
    for (const [jobId, total, ref] of [
      ['vit', 160, vitRef],
      ['tiny', 400, tinyRef],
    ] as const) {
      const rows = await allResults(next, jobId);
      expectExactlyOnce(rows, total);
      for (const r of rows) {
        expect(r.kind).toBe('result');
        expect(r.payload.topK!.map((t) => t.index)).toEqual(ref.get(r.uri)!.map((t) => t.index));
      }
    }
    next.close();
  }, 300_000);

  it('fences a primary that hangs past its lease: the standby leads, the old one demotes and its writes are refused', async () => {
    cluster = await startCluster({ workers: 2, workerArgs: ['--preload', 'vit-tiny-untrained,tiny'] });
    const first = await leader(cluster);
    await twoJobs(first, 200, 300);
    await waitFor(async () => (await doneCount(first, 'vit')) >= 16, {
      timeoutMs: 60_000,
      message: 'progress',
    });
    const primary = leaderProcess(cluster, first);
    const standby = cluster.coordinators.find((c) => c !== primary)!;
    primary.kill('SIGSTOP');
    const promoted = await standby.waitEvent((e) => e.event === 'role' && e.role === 'primary', 15_000);
    // Let the new primary work a little (its done count grows), then wake the old one up.
    const promotedConn = new CoordinatorConnection(String(standby.ready.address));
    try {
      const before = await doneCount(promotedConn, 'vit');
      await waitFor(async () => (await doneCount(promotedConn, 'vit')) > before, {
        timeoutMs: 60_000,
        message: 'progress under the new primary',
      });
    } finally {
      promotedConn.close();
    }
    primary.kill('SIGCONT');
    const demoted = await primary.waitEvent((e) => e.event === 'role' && e.role === 'standby', 15_000);
    expect(Number(demoted.epoch)).toBeLessThan(Number(promoted.epoch));
    const next = await leader(cluster);
    expect(next.address).toBe(String(standby.ready.address));
    await waitCompleted(() => next, ['vit', 'tiny'], 180_000);
    const store = await createRedisStateStore({ url: cluster.redis.url });
    try {
      const rejected = await store.rejectedWrites();
      // The old primary's in-flight replies arrived after it woke: its writes carried the old epoch.
      expect(rejected.staleEpoch).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    expectExactlyOnce(await allResults(next, 'vit'), 200);
    expectExactlyOnce(await allResults(next, 'tiny'), 300);
    next.close();
  }, 300_000);

  it('keeps the primary running when the standby dies, and a new coordinator becomes the standby', async () => {
    cluster = await startCluster({ workers: 2, workerArgs: ['--preload', 'vit-tiny-untrained,tiny'] });
    const first = await leader(cluster);
    await twoJobs(first, 80, 200);
    const primary = leaderProcess(cluster, first);
    const standby = cluster.coordinators.find((c) => c !== primary)!;
    standby.kill('SIGKILL');
    const fresh = await cluster.addCoordinator('replacement');
    await waitCompleted(() => first, ['vit', 'tiny'], 180_000);
    expect(primary.events.some((e) => e.event === 'role' && e.role === 'standby')).toBe(false);
    expect(fresh.events.some((e) => e.event === 'role' && e.role === 'primary')).toBe(false);
    const { CoordinatorConnection } = await import('@idunno/client');
    const conn = new CoordinatorConnection(String(fresh.ready.address));
    const info = await conn.leader();
    expect(info.isLeader).toBe(false);
    expect(info.leaderId).toBe(String(primary.ready.node));
    conn.close();
    expectExactlyOnce(await allResults(first, 'vit'), 80);
    first.close();
  }, 240_000);

  it('loses nothing when the primary is killed three times in a row', async () => {
    cluster = await startCluster({ workers: 2, workerArgs: ['--preload', 'vit-tiny-untrained,tiny'] });
    let conn = await leader(cluster);
    await twoJobs(conn, 240, 400);
    for (let round = 1; round <= 3; round++) {
      const c = conn;
      const before = await doneCount(c, 'vit');
      await waitFor(async () => (await doneCount(c, 'vit')) >= before + 8, {
        timeoutMs: 60_000,
        message: `progress in round ${round}`,
      });
      leaderProcess(cluster, conn).kill('SIGKILL');
      conn.close();
      await cluster.addCoordinator(`standby-${round}`);
      conn = await leader(cluster, 30_000);
    }
    const c = conn;
    await waitCompleted(() => c, ['vit', 'tiny'], 240_000);
    expectExactlyOnce(await allResults(conn, 'vit'), 240);
    expectExactlyOnce(await allResults(conn, 'tiny'), 400);
    conn.close();
  }, 360_000);

  for (const keepData of [true, false]) {
    it(`finishes both jobs when Redis restarts ${keepData ? 'with its append-only data' : 'empty'}, losing nothing`, async () => {
      cluster = await startCluster({ workers: 2, workerArgs: ['--preload', 'vit-tiny-untrained,tiny'] });
      const conn = await leader(cluster);
      await twoJobs(conn, 160, 300);
      await waitFor(async () => (await doneCount(conn, 'vit')) >= 24, {
        timeoutMs: 60_000,
        message: 'progress',
      });
      await cluster.redis.restart({ keepData });
      const next = await leader(cluster, 30_000);
      await waitCompleted(() => next, ['vit', 'tiny'], 240_000);
      expectExactlyOnce(await allResults(next, 'vit'), 160);
      expectExactlyOnce(await allResults(next, 'tiny'), 300);
      if (!keepData) {
        const restored = cluster.coordinators.some((c) => c.stderr().includes('"job_restored"'));
        expect(restored, 'a coordinator wrote the jobs back').toBe(true);
      }
      next.close();
      conn.close();
    }, 300_000);
  }
});
