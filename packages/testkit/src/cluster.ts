import {
  type LocalCluster,
  launchCluster,
  type RedisServer,
  type StartRedisServerOptions,
  startRedisServer,
} from '@idunno/launcher';

/** What tests give a redis-server unless they say otherwise. */
const TEST_REDIS: StartRedisServerOptions = { protectedMode: false };

/** Starts a `redis-server` for a test: a free port, a temporary dir removed on stop, protected mode off. */
export function startRedis(options: StartRedisServerOptions = {}): Promise<RedisServer> {
  return startRedisServer({ ...TEST_REDIS, ...options });
}

export interface ClusterOptions {
  /** @default 2 */
  workers?: number;
  /** @default 2 */
  coordinators?: number;
  /** Timing profile of coordinators and workers. @default 'lan' */
  profile?: 'local' | 'lan';
  /** Extra worker flags (e.g. ['--preload', 'tiny']). */
  workerArgs?: string[];
  coordinatorArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Use this Redis instead of starting one (the test stops it). */
  redis?: RedisServer;
}

/**
 * A local cluster of real processes for a test: a redis-server, coordinators and workers, their
 * stderr kept in memory (`stderr()`), their stdout events in `events`.
 */
export interface TestCluster extends LocalCluster {
  readonly redis: RedisServer;
}

let counter = 0;

/** The launcher's local cluster with test defaults: `lan` timings, ids c<n>-<run> / w<n>-<run>, a 3 s stop grace. */
export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  // lan: the local profile's halved gossip timings gave false deaths on a saturated 2-core machine.
  const profile = options.profile ?? 'lan';
  const run = ++counter;
  const cluster = await launchCluster({
    workers: options.workers ?? 2,
    coordinators: options.coordinators ?? 2,
    profile,
    ...(options.redis ? { redis: options.redis } : { redisOptions: TEST_REDIS }),
    ...(options.workerArgs ? { workerArgs: options.workerArgs } : {}),
    ...(options.coordinatorArgs ? { coordinatorArgs: options.coordinatorArgs } : {}),
    ...(options.env ? { env: options.env } : {}),
    coordinatorId: (n) => `c${n}-${run}`,
    workerId: (n) => `w${n}-${run}`,
    stopGraceMs: 3_000,
  });
  const { redis } = cluster;
  if (redis === undefined) throw new Error('unreachable: the cluster was given no Redis URL');
  return Object.assign(cluster, { redis });
}
