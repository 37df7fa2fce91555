import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (apps/cli/dist/launcher.js → ../../..). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface LocalCluster {
  redisUrl: string;
  coordinators: { id: string; address: string; gossip: string; dashboard?: string; pid: number }[];
  workers: { id: string; address: string; pid: number }[];
  clusterFile: string;
  /** Stops every process this cluster started, also those added later: workers, coordinators, Redis. */
  stop(): Promise<void>;
  /** Sends a signal to one of the cluster's processes; a process already gone is not an error. */
  kill(pid: number, signal: NodeJS.Signals): void;
  /** Starts one more worker (same flags as the first ones) that joins the live coordinators' gossip. */
  addWorker(): Promise<{ id: string; address: string; pid: number }>;
  /** Starts one more coordinator (a standby while another leads) joined to the live coordinators' gossip. */
  addCoordinator(): Promise<{ id: string; address: string; gossip: string; dashboard?: string; pid: number }>;
  /**
   * SIGKILLs redis-server and starts it again on the same port and data dir (it replays its
   * append-only file); resolves once it answers PING. Fails for a cluster given a Redis URL.
   */
  restartRedis(): Promise<void>;
}

export interface LaunchOptions {
  workers: number;
  coordinators: number;
  /** Folder for the cluster file and Redis data. @default <cwd>/.idunno */
  stateDir: string;
  /** Use this Redis instead of starting one. */
  redisUrl?: string;
  /** Models each worker loads before it reports ready. */
  preload?: string[];
  /** Where children's stderr goes. @default a log file per process in stateDir/logs */
  log?: (line: string) => void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * glibc keeps freed heap (a model's load buffers) mapped for the life of the process; these
 * thresholds make it return large freed blocks to the OS. Measured: a resnet50 worker after a run
 * drops from ~378 to ~185 MiB with them and the onnxruntime arena off (docs/BENCHMARKS.md).
 */
export const WORKER_MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
} as const;

/** Spawns a child and resolves with the first stdout JSON line whose event is `ready`. */
function spawnReady(
  cmd: string,
  args: string[],
  logFile: string,
  ready: (e: Record<string, unknown>) => boolean,
  timeoutMs = 120_000,
): Promise<{ child: ChildProcess; event: Record<string, unknown> }> {
  const err = openSync(logFile, 'a');
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', err],
    cwd: REPO,
    env: { ...process.env, ...WORKER_MALLOC_ENV },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0]} did not start within ${timeoutMs} ms (see ${logFile})`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0] ?? cmd} exited with code ${code} while starting (see ${logFile})`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const e = JSON.parse(line) as Record<string, unknown>;
        if (ready(e)) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({ child, event: e });
        }
      } catch {
        // not JSON
      }
    });
  });
}

async function waitExit(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGCONT');
    child.kill('SIGTERM');
  });
}

/** Resolves once a Redis on 127.0.0.1:port answers PING. */
function waitPing(port: number, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tryPing = () => {
      const sock = net.connect(port, '127.0.0.1');
      const retry = () => {
        sock.destroy();
        if (Date.now() > deadline)
          reject(new Error(`redis-server did not answer PING within ${timeoutMs / 1000} s`));
        else setTimeout(tryPing, 50);
      };
      sock.once('connect', () => {
        sock.write('PING\r\n');
        sock.once('data', (d) => {
          sock.destroy();
          if (d.toString().startsWith('+PONG')) resolve();
          // -LOADING while it replays the append-only file.
          else retry();
        });
      });
      sock.once('error', retry);
    };
    tryPing();
  });
}

/** Starts redis-server with append-only persistence on a given port and data dir; resolves on PING. */
async function startRedis(port: number, dir: string, logs: string): Promise<ChildProcess> {
  mkdirSync(dir, { recursive: true });
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', openSync(join(logs, 'redis.log'), 'a'), 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    redis.once('error', (err) =>
      reject(
        new Error(
          `cannot start redis-server (${err.message}): install it (apt-get install redis-server) or set REDIS_URL`,
        ),
      ),
    );
    waitPing(port, 10_000).then(resolve, (err: unknown) => {
      redis.kill('SIGKILL');
      reject(err);
    });
  });
  return redis;
}

const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/**
 * Starts a local cluster: a redis-server child with append-only persistence (unless a Redis URL
 * is given), coordinators, then workers that join the coordinators' gossip. Writes
 * `<stateDir>/cluster.json` so CLI commands run from this directory find the cluster.
 * `addWorker()`/`addCoordinator()` append to `workers`/`coordinators` (entries of processes
 * that died stay listed) and rewrite the cluster file with the processes still running.
 */
export async function launchCluster(o: LaunchOptions): Promise<LocalCluster> {
  const logs = join(o.stateDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const clusterFile = join(o.stateDir, 'cluster.json');
  let redis: ChildProcess | undefined;
  const coordChildren: ChildProcess[] = [];
  const workerChildren: ChildProcess[] = [];
  const coordinators: LocalCluster['coordinators'] = [];
  const workers: LocalCluster['workers'] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    // Workers first, then coordinators (the primary releases its lease), Redis last.
    for (const group of [[...workerChildren].reverse(), coordChildren, redis ? [redis] : []]) {
      await Promise.all(group.map((c) => waitExit(c, 5_000)));
    }
    rmSync(clusterFile, { force: true });
  };
  const liveSeeds = () =>
    coordinators
      .filter((_, i) => {
        const c = coordChildren[i];
        return c !== undefined && running(c);
      })
      .map((c) => c.gossip)
      .join(',');
  const writeClusterFile = (redisUrl: string) => {
    const alive = <T>(list: T[], children: ChildProcess[]) =>
      list.filter((_, i) => {
        const c = children[i];
        return c !== undefined && running(c);
      });
    const coords = alive(coordinators, coordChildren);
    writeFileSync(
      clusterFile,
      `${JSON.stringify({ coordinators: coords.map((c) => c.address), redisUrl, workers: alive(workers, workerChildren), dashboards: coords.map((c) => c.dashboard).filter(Boolean), startedAt: Date.now() }, null, 2)}\n`,
    );
  };
  const startCoordinator = async (redisUrl: string) => {
    const id = `coordinator-${coordinators.length + 1}`;
    const seeds = liveSeeds();
    const args = [
      join(REPO, 'apps/coordinator/dist/main.js'),
      '--redis-url',
      redisUrl,
      '--id',
      id,
      ...(seeds ? ['--seeds', seeds] : []),
    ];
    const { child, event } = await spawnReady(
      process.execPath,
      args,
      join(logs, `${id}.log`),
      (e) => e.event === 'listening',
    );
    if (stopping) child.kill('SIGKILL');
    const c = {
      id,
      address: String(event.address),
      gossip: String(event.gossip),
      ...(event.dashboard ? { dashboard: String(event.dashboard) } : {}),
      pid: child.pid!,
    };
    coordChildren.push(child);
    coordinators.push(c);
    return c;
  };
  let workerCount = 0;
  const startWorker = async () => {
    const id = `worker-${++workerCount}`;
    const args = [
      join(REPO, 'apps/worker/dist/main.js'),
      '--port',
      '0',
      '--id',
      id,
      '--seeds',
      liveSeeds(),
      '--threads',
      '1',
      '--intra-op-threads',
      '1',
    ];
    if (o.preload?.length) args.push('--preload', o.preload.join(','));
    const { child, event } = await spawnReady(
      process.execPath,
      args,
      join(logs, `${id}.log`),
      (e) => e.event === 'listening',
    );
    if (stopping) child.kill('SIGKILL');
    const w = { id, address: String(event.address), pid: child.pid! };
    // Keep `workers[i]` and `workerChildren[i]` the same process whatever order starts finish in.
    workerChildren.push(child);
    workers.push(w);
    return w;
  };
  try {
    let redisUrl = o.redisUrl;
    let redisPort = 0;
    const redisDir = join(o.stateDir, 'redis');
    if (!redisUrl) {
      redisPort = await freePort();
      redis = await startRedis(redisPort, redisDir, logs);
      redisUrl = `redis://127.0.0.1:${redisPort}`;
    }
    const url = redisUrl;
    for (let i = 1; i <= o.coordinators; i++) await startCoordinator(url);
    await Promise.all(Array.from({ length: o.workers }, () => startWorker()));
    // They became ready in any order; list them as worker-1, worker-2, … (as before).
    const order = workers.map((w, i) => ({ w, c: workerChildren[i]!, n: Number(w.id.slice(7)) }));
    order.sort((a, b) => a.n - b.n);
    order.forEach(({ w, c }, i) => {
      workers[i] = w;
      workerChildren[i] = c;
    });
    writeClusterFile(url);
    return {
      redisUrl: url,
      coordinators,
      workers,
      clusterFile,
      stop,
      kill(pid, signal) {
        const child = [...workerChildren, ...coordChildren, ...(redis ? [redis] : [])].find(
          (c) => c.pid === pid,
        );
        if (!child) throw new Error(`pid ${pid} is not a process of this cluster`);
        if (running(child)) child.kill(signal);
      },
      async addWorker() {
        const w = await startWorker();
        writeClusterFile(url);
        return w;
      },
      async addCoordinator() {
        const c = await startCoordinator(url);
        writeClusterFile(url);
        return c;
      },
      async restartRedis() {
        const old = redis;
        if (!old) throw new Error('this cluster uses an external Redis (--redis-url); it cannot restart it');
        if (running(old)) {
          const exited = new Promise<void>((resolve) => old.once('exit', () => resolve()));
          old.kill('SIGKILL');
          await exited;
        }
        redis = await startRedis(redisPort, redisDir, logs);
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
