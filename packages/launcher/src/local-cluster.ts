import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from './children.js';
import { ExternalRedisError, InvalidClusterOptionError, UnknownProcessError } from './errors.js';
import { type NodeProcess, spawnNode, startWorker, WORKER_MALLOC_ENV } from './node-process.js';
import { type RedisServer, type StartRedisServerOptions, startRedisServer } from './redis-server.js';

/** Options for {@link launchCluster}. */
export interface LocalClusterOptions {
  /** Workers started before `launchCluster` resolves. @default 2 */
  workers?: number;
  /** Coordinators started (one after the other) before the workers. @default 2 */
  coordinators?: number;
  /**
   * Folder for the cluster's files: each child's stderr appended to `logs/<id>.log`, Redis data in
   * `redis/` (kept) with its log in `logs/redis.log`, and `cluster.json`, which CLI commands run
   * from the folder's parent read to find the cluster (removed on stop).
   * @default none: stderr kept in memory, Redis in a temporary folder, no cluster file
   */
  stateDir?: string;
  /**
   * Use this Redis instead of starting one: a URL (nothing is started, stopped or restarted), or
   * a server the caller started and stops itself (`restartRedis()` restarts it).
   * @default a redis-server child on a free port, append-only
   */
  redis?: string | RedisServer;
  /** How to start the redis-server child; `stateDir` sets `dir` and `logFile` unless given here. @default {} */
  redisOptions?: StartRedisServerOptions;
  /** Timing profile of every coordinator and worker (`--profile`). @default none passed: the programs' own (lan) */
  profile?: 'local' | 'lan';
  /** Models each worker loads before it reports ready (`--preload`). @default none */
  preload?: readonly string[];
  /** Extra flags of every worker, after the launcher's own. @default none */
  workerArgs?: readonly string[];
  /** Extra flags of every coordinator, after the launcher's own. @default none */
  coordinatorArgs?: readonly string[];
  /** Added to the environment of every child; workers also get {@link WORKER_MALLOC_ENV} (under this). @default none */
  env?: NodeJS.ProcessEnv;
  /** Id of the n-th coordinator started (from 1) when `addCoordinator` is given none. @default coordinator-<n> */
  coordinatorId?: (n: number) => string;
  /** Id of the n-th worker started (from 1) when `addWorker` is given none. @default worker-<n> */
  workerId?: (n: number) => string;
  /** How long each process may take to print its ready line (workers load models first). @default 120_000 ms */
  readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before it SIGKILLs a process. @default 5_000 ms */
  stopGraceMs?: number;
}

export const DEFAULT_CLUSTER_WORKERS = 2;
export const DEFAULT_CLUSTER_COORDINATORS = 2;
export const DEFAULT_CLUSTER_READY_TIMEOUT_MS = 120_000;
export const DEFAULT_CLUSTER_STOP_GRACE_MS = 5_000;

/**
 * How `idunno up`, the demo and the drills run a cluster on one machine: each worker has one
 * inference thread with one onnxruntime thread, so n workers use n cores instead of each taking
 * them all; and every process, coordinators included, runs with the workers' glibc settings, as
 * the CLI has always started them.
 */
export const ONE_MACHINE_CLUSTER = {
  workerArgs: ['--threads', '1', '--intra-op-threads', '1'],
  env: WORKER_MALLOC_ENV,
} as const satisfies LocalClusterOptions;

/** A coordinator or worker of a {@link LocalCluster}: its process and what its ready line said. */
export interface ClusterNode extends NodeProcess {
  readonly id: string;
  /** Its gRPC address (control API for a coordinator, inference API for a worker). */
  readonly address: string;
}

export interface ClusterCoordinator extends ClusterNode {
  /** Its gossip (UDP) address: the seed that workers and later coordinators join through. */
  readonly gossip: string;
  /** Its web dashboard's URL, when it serves one. */
  readonly dashboard?: string;
}

/** A cluster of real processes on this machine: Redis (unless given), coordinators and workers. */
export interface LocalCluster {
  readonly redisUrl: string;
  /** The redis-server it runs on; undefined when given a URL. */
  readonly redis: RedisServer | undefined;
  /** Every coordinator started, in order; entries of processes that died stay listed. */
  readonly coordinators: ClusterCoordinator[];
  /** Every worker started, the first ones in id order; entries of processes that died stay listed. */
  readonly workers: ClusterNode[];
  /** `<stateDir>/cluster.json`, rewritten with the processes still running whenever one is added. */
  readonly clusterFile: string | undefined;
  /** Gossip seeds of the next process: every running coordinator's gossip address, comma-separated. */
  readonly seeds: string;
  /** Control addresses of every coordinator started (dead ones included). */
  controlAddresses(): string[];
  /** Starts one more worker (same flags as the first ones, then `args`) joined to the live coordinators' gossip. */
  addWorker(id?: string, args?: readonly string[]): Promise<ClusterNode>;
  /** Starts one more coordinator (a standby while another leads) joined to the live coordinators' gossip. */
  addCoordinator(id?: string): Promise<ClusterCoordinator>;
  /** Sends a signal to one of the cluster's processes (Redis included); one already gone is not an error. */
  kill(pid: number, signal: NodeJS.Signals): void;
  /**
   * SIGKILLs redis-server and starts it again on the same port and data dir (it replays its
   * append-only file); resolves once it answers PING. Fails for a cluster given a Redis URL.
   */
  restartRedis(): Promise<void>;
  /**
   * Stops every process this cluster started, also those added later: workers, then coordinators
   * (the primary releases its lease), then Redis, each SIGTERMed and SIGKILLed after the grace time.
   */
  stop(): Promise<void>;
}

function validate(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new InvalidClusterOptionError(name, value, `must be an integer ≥ ${min}`);
  return value;
}

/**
 * Starts a local cluster: a redis-server child with append-only persistence (unless given a
 * Redis), coordinators one after the other, then workers in parallel, every process joining the
 * gossip of the coordinators already running. With `stateDir` it writes `<stateDir>/cluster.json`
 * so CLI commands run from there find the cluster. If any start fails, everything started is
 * stopped before the error is thrown.
 */
export async function launchCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const workerCount = validate('workers', options.workers ?? DEFAULT_CLUSTER_WORKERS, 0);
  const coordinatorCount = validate('coordinators', options.coordinators ?? DEFAULT_CLUSTER_COORDINATORS, 0);
  const readyTimeoutMs = validate(
    'readyTimeoutMs',
    options.readyTimeoutMs ?? DEFAULT_CLUSTER_READY_TIMEOUT_MS,
    1,
  );
  const stopGraceMs = validate('stopGraceMs', options.stopGraceMs ?? DEFAULT_CLUSTER_STOP_GRACE_MS, 0);
  const { stateDir } = options;
  const logs = stateDir === undefined ? undefined : join(stateDir, 'logs');
  if (logs !== undefined) mkdirSync(logs, { recursive: true });
  const logFile = (id: string) => (logs === undefined ? {} : { logFile: join(logs, `${id}.log`) });
  const clusterFile = stateDir === undefined ? undefined : join(stateDir, 'cluster.json');
  const profileArgs = options.profile ? ['--profile', options.profile] : [];
  const preload = options.preload ?? [];

  let redis: RedisServer | undefined = typeof options.redis === 'object' ? options.redis : undefined;
  const ownRedis = options.redis === undefined;
  const coordinators: ClusterCoordinator[] = [];
  const workers: ClusterNode[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const group of [[...workers].reverse(), coordinators]) {
      await Promise.all(group.map((p) => p.stop(stopGraceMs)));
    }
    if (ownRedis) await redis?.stop(stopGraceMs);
    if (clusterFile !== undefined) rmSync(clusterFile, { force: true });
  };
  const liveSeeds = () =>
    coordinators
      .filter((c) => isRunning(c.child))
      .map((c) => c.gossip)
      .join(',');
  const writeClusterFile = (redisUrl: string) => {
    if (clusterFile === undefined) return;
    const coords = coordinators.filter((c) => isRunning(c.child));
    const live = workers
      .filter((w) => isRunning(w.child))
      .map((w) => ({ id: w.id, address: w.address, pid: w.pid }));
    writeFileSync(
      clusterFile,
      `${JSON.stringify({ coordinators: coords.map((c) => c.address), redisUrl, workers: live, dashboards: coords.map((c) => c.dashboard).filter(Boolean), startedAt: Date.now() }, null, 2)}\n`,
    );
  };
  let coordinatorSeq = 0;
  const nextCoordinatorId = () =>
    (options.coordinatorId ?? ((n: number) => `coordinator-${n}`))(++coordinatorSeq);
  let workerSeq = 0;
  const nextWorkerId = () => (options.workerId ?? ((n: number) => `worker-${n}`))(++workerSeq);

  const startCoordinator = async (redisUrl: string, id: string): Promise<ClusterCoordinator> => {
    const seeds = liveSeeds();
    const proc = await spawnNode('apps/coordinator/dist/main.js', {
      args: [
        '--redis-url',
        redisUrl,
        ...profileArgs,
        '--id',
        id,
        ...(seeds ? ['--seeds', seeds] : []),
        ...(options.coordinatorArgs ?? []),
      ],
      ...(options.env ? { env: options.env } : {}),
      readyTimeoutMs,
      ...logFile(id),
    });
    if (stopping) proc.kill('SIGKILL');
    const { ready } = proc;
    const c = Object.assign(proc, {
      id,
      address: String(ready.address),
      gossip: String(ready.gossip),
      ...(ready.dashboard ? { dashboard: String(ready.dashboard) } : {}),
    });
    coordinators.push(c);
    return c;
  };
  const startOneWorker = async (id: string, args: readonly string[] = []): Promise<ClusterNode> => {
    const proc = await startWorker({
      args: [
        '--id',
        id,
        '--seeds',
        liveSeeds(),
        ...profileArgs,
        ...(options.workerArgs ?? []),
        ...args,
        ...(preload.length > 0 ? ['--preload', preload.join(',')] : []),
      ],
      ...(options.env ? { env: options.env } : {}),
      readyTimeoutMs,
      ...logFile(id),
    });
    if (stopping) proc.kill('SIGKILL');
    const w = Object.assign(proc, { id });
    workers.push(w);
    return w;
  };

  try {
    let redisUrl: string;
    if (typeof options.redis === 'string') redisUrl = options.redis;
    else {
      redis ??= await startRedisServer({
        ...(stateDir === undefined
          ? {}
          : { dir: join(stateDir, 'redis'), logFile: join(stateDir, 'logs', 'redis.log') }),
        ...options.redisOptions,
      });
      redisUrl = redis.url;
    }
    for (let i = 0; i < coordinatorCount; i++) await startCoordinator(redisUrl, nextCoordinatorId());
    const ids = Array.from({ length: workerCount }, () => nextWorkerId());
    // Settled, not all: a failed start must not leave the others starting while stop() runs.
    const started = await Promise.allSettled(ids.map((id) => startOneWorker(id)));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    // They became ready in any order; list them in id order (worker-1, worker-2, …).
    workers.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
    writeClusterFile(redisUrl);
    return {
      redisUrl,
      redis,
      coordinators,
      workers,
      clusterFile,
      get seeds() {
        return liveSeeds();
      },
      controlAddresses: () => coordinators.map((c) => c.address),
      stop,
      kill(pid, signal) {
        if (redis !== undefined && redis.pid === pid) return redis.kill(signal);
        const p = [...workers, ...coordinators].find((c) => c.pid === pid);
        if (!p) throw new UnknownProcessError(pid);
        p.kill(signal);
      },
      async addWorker(id = nextWorkerId(), args = []) {
        const w = await startOneWorker(id, args);
        writeClusterFile(redisUrl);
        return w;
      },
      async addCoordinator(id = nextCoordinatorId()) {
        const c = await startCoordinator(redisUrl, id);
        writeClusterFile(redisUrl);
        return c;
      },
      async restartRedis() {
        if (redis === undefined) throw new ExternalRedisError(redisUrl);
        await redis.restart({ keepData: true, signal: 'SIGKILL' });
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
