import { type NodeProcess, spawnNode, startWorker } from './processes.js';
import { type RedisServer, startRedis } from './redis.js';

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
  /** Use this Redis instead of starting one. */
  redis?: RedisServer;
}

/** A local cluster of real processes: a redis-server, coordinators and workers. */
export interface TestCluster {
  redis: RedisServer;
  coordinators: NodeProcess[];
  workers: NodeProcess[];
  /** Gossip seeds: every coordinator's gossip address. */
  seeds: string;
  /** Control addresses of every coordinator started (dead ones included). */
  controlAddresses(): string[];
  addWorker(id?: string, args?: string[]): Promise<NodeProcess>;
  addCoordinator(id?: string): Promise<NodeProcess>;
  /** Stops every process (SIGCONT first, so stopped ones exit too) and Redis. */
  stop(): Promise<void>;
}

let counter = 0;

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  // lan: the local profile's halved gossip timings gave false deaths on a saturated 2-core machine.
  const profile = options.profile ?? 'lan';
  const redis = options.redis ?? (await startRedis());
  const coordinators: NodeProcess[] = [];
  const workers: NodeProcess[] = [];
  const run = ++counter;
  let seeds = '';
  let workerSeq = 0;
  let coordinatorSeq = 0;
  const addCoordinator = async (id = `c${++coordinatorSeq}-${run}`) => {
    const args = [
      '--redis-url',
      redis.url,
      '--profile',
      profile,
      '--id',
      id,
      ...(seeds ? ['--seeds', seeds] : []),
      ...(options.coordinatorArgs ?? []),
    ];
    const c = await spawnNode('apps/coordinator/dist/main.js', {
      args,
      ...(options.env ? { env: options.env } : {}),
    });
    coordinators.push(c);
    // Every coordinator ever started is a seed: joining must work while some of them are dead.
    seeds = coordinators.map((p) => String(p.ready.gossip)).join(',');
    return c;
  };
  const addWorker = async (id = `w${++workerSeq}-${run}`, args: string[] = []) => {
    const w = await startWorker({
      args: ['--seeds', seeds, '--profile', profile, '--id', id, ...(options.workerArgs ?? []), ...args],
      readyTimeoutMs: 120_000,
      ...(options.env ? { env: options.env } : {}),
    });
    workers.push(w);
    return w;
  };
  const cluster: TestCluster = {
    redis,
    coordinators,
    workers,
    get seeds() {
      return seeds;
    },
    controlAddresses: () => coordinators.map((c) => String(c.ready.address)),
    addWorker,
    addCoordinator,
    stop: async () => {
      await Promise.all([...workers, ...coordinators].map((p) => p.stop(3_000)));
      if (!options.redis) await redis.stop();
    },
  };
  try {
    for (let i = 0; i < (options.coordinators ?? 2); i++) await addCoordinator();
    await Promise.all(Array.from({ length: options.workers ?? 2 }, () => addWorker()));
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
