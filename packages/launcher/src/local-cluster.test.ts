import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalRedisError, InvalidClusterOptionError, UnknownProcessError } from './errors.js';
import { type LocalCluster, launchCluster, ONE_MACHINE_CLUSTER } from './local-cluster.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

// Real coordinators and workers (apps/*/dist: build first) on a real redis-server.

/** A process's command line and environment, as the kernel has them. */
function proc(pid: number): { args: string[]; env: string[] } {
  const read = (what: string) => readFileSync(`/proc/${pid}/${what}`, 'utf8').split('\0');
  return { args: read('cmdline'), env: read('environ') };
}

interface ClusterFile {
  coordinators: string[];
  redisUrl: string;
  workers: { id: string; address: string; pid: number }[];
  dashboards: string[];
  startedAt: number;
}

describe('a local cluster with a state folder (what idunno up starts)', () => {
  let stateDir: string;
  let cluster: LocalCluster | undefined;
  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'idunno-local-cluster-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts Redis, a coordinator and a worker, and writes the cluster file and the logs', async () => {
    cluster = await launchCluster({ ...ONE_MACHINE_CLUSTER, workers: 1, coordinators: 1, stateDir });
    const [c] = cluster.coordinators;
    const [w] = cluster.workers;
    expect(c?.id).toBe('coordinator-1');
    expect(w?.id).toBe('worker-1');
    expect(cluster.redisUrl).toBe(cluster.redis?.url);
    expect(cluster.clusterFile).toBe(join(stateDir, 'cluster.json'));
    const file = JSON.parse(readFileSync(cluster.clusterFile!, 'utf8')) as ClusterFile;
    expect(Object.keys(file)).toEqual(['coordinators', 'redisUrl', 'workers', 'dashboards', 'startedAt']);
    expect(file).toMatchObject({
      coordinators: [c!.address],
      redisUrl: cluster.redisUrl,
      workers: [{ id: 'worker-1', address: w!.address, pid: w!.pid }],
      dashboards: [c!.dashboard],
    });
    expect(cluster.seeds).toBe(c!.gossip);
    for (const log of ['redis.log', 'coordinator-1.log', 'worker-1.log'])
      expect(existsSync(join(stateDir, 'logs', log)), log).toBe(true);
    expect(existsSync(join(stateDir, 'redis'))).toBe(true);
    // The CLI's processes: one core per worker, the glibc settings everywhere.
    expect(proc(w!.pid).args.join(' ')).toContain(
      `--id worker-1 --seeds ${c!.gossip} --threads 1 --intra-op-threads 1`,
    );
    for (const p of [c!, w!]) expect(proc(p.pid).env).toContain('MALLOC_TRIM_THRESHOLD_=131072');
    expect(proc(c!.pid).args).not.toContain('--profile');
  });

  it('adds a worker, lists only the live ones in the cluster file, and refuses unknown pids', async () => {
    const c = cluster!;
    const added = await c.addWorker();
    expect(added.id).toBe('worker-2');
    c.kill(c.workers[0]!.pid, 'SIGKILL');
    await c.workers[0]!.exited;
    await c.addCoordinator();
    const file = JSON.parse(readFileSync(c.clusterFile!, 'utf8')) as ClusterFile;
    expect(file.workers.map((w) => w.id)).toEqual(['worker-2']);
    expect(file.coordinators).toEqual(c.coordinators.map((x) => x.address));
    expect(c.controlAddresses()).toHaveLength(2);
    expect(() => c.kill(1, 'SIGTERM')).toThrow(UnknownProcessError);
  });

  it('restarts Redis on the same port after a SIGKILL', async () => {
    const c = cluster!;
    const before = c.redis!.pid;
    await c.restartRedis();
    expect(c.redis!.pid).not.toBe(before);
    expect(c.redis!.url).toBe(c.redisUrl);
  });

  it('stops workers, coordinators and Redis, and removes the cluster file', async () => {
    const c = cluster!;
    cluster = undefined;
    await c.stop();
    for (const p of [...c.workers, ...c.coordinators]) {
      expect(p.child.exitCode !== null || p.child.signalCode !== null, p.id).toBe(true);
    }
    expect(existsSync(c.clusterFile!)).toBe(false);
    expect(existsSync(join(stateDir, 'redis'))).toBe(true);
  });
});

describe('a local cluster on a Redis it was given', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: false });
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('neither restarts nor stops a Redis given by URL, and passes the profile and the ids', async () => {
    const cluster = await launchCluster({
      workers: 0,
      coordinators: 1,
      redis: redis.url,
      profile: 'local',
      coordinatorId: (n) => `c${n}-test`,
    });
    try {
      expect(cluster.redis).toBeUndefined();
      expect(cluster.clusterFile).toBeUndefined();
      expect(cluster.coordinators[0]!.id).toBe('c1-test');
      expect(proc(cluster.coordinators[0]!.pid).args.join(' ')).toContain(
        `--redis-url ${redis.url} --profile local --id c1-test`,
      );
      await expect(cluster.restartRedis()).rejects.toBeInstanceOf(ExternalRedisError);
    } finally {
      await cluster.stop();
    }
    expect(redis.pid).toBeGreaterThan(0);
    expect(() => process.kill(redis.pid, 0)).not.toThrow();
  });

  it('refuses a negative count before starting anything', async () => {
    await expect(launchCluster({ workers: -1, redis: redis.url })).rejects.toBeInstanceOf(
      InvalidClusterOptionError,
    );
  });
});
