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
  stop(): Promise<void>;
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

/** Spawns a child and resolves with the first stdout JSON line whose event is `ready`. */
function spawnReady(
  cmd: string,
  args: string[],
  logFile: string,
  ready: (e: Record<string, unknown>) => boolean,
  timeoutMs = 120_000,
): Promise<{ child: ChildProcess; event: Record<string, unknown> }> {
  const err = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', err], cwd: REPO });
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

/**
 * Starts a local cluster: a redis-server child with append-only persistence (unless a Redis URL
 * is given), coordinators, then workers that join the coordinators' gossip. Writes
 * `<stateDir>/cluster.json` so CLI commands run from this directory find the cluster.
 */
export async function launchCluster(o: LaunchOptions): Promise<LocalCluster> {
  const logs = join(o.stateDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const children: ChildProcess[] = [];
  const stop = async () => {
    // Workers first, then coordinators (the primary releases its lease), Redis last.
    for (const group of [
      children.slice(1 + o.coordinators).reverse(),
      children.slice(1, 1 + o.coordinators),
      children.slice(0, 1),
    ]) {
      await Promise.all(group.map((c) => waitExit(c, 5_000)));
    }
    rmSync(clusterFile, { force: true });
  };
  const clusterFile = join(o.stateDir, 'cluster.json');
  try {
    let redisUrl = o.redisUrl;
    if (!redisUrl) {
      const port = await freePort();
      const dir = join(o.stateDir, 'redis');
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
      children.push(redis);
      await new Promise<void>((resolve, reject) => {
        redis.once('error', (err) =>
          reject(
            new Error(
              `cannot start redis-server (${err.message}): install it (apt-get install redis-server) or set REDIS_URL`,
            ),
          ),
        );
        const deadline = Date.now() + 10_000;
        const tryPing = () => {
          const sock = net.connect(port, '127.0.0.1');
          sock.once('connect', () => {
            sock.write('PING\r\n');
            sock.once('data', (d) => {
              sock.destroy();
              if (d.toString().startsWith('+PONG')) resolve();
              else setTimeout(tryPing, 50);
            });
          });
          sock.once('error', () => {
            sock.destroy();
            if (Date.now() > deadline) reject(new Error('redis-server did not answer PING within 10 s'));
            else setTimeout(tryPing, 50);
          });
        };
        tryPing();
      });
      redisUrl = `redis://127.0.0.1:${port}`;
    } else {
      children.push(spawn('true')); // placeholder keeps the index layout of `children`
    }
    const coordinators: LocalCluster['coordinators'] = [];
    let seeds = '';
    for (let i = 1; i <= o.coordinators; i++) {
      const id = `coordinator-${i}`;
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
      children.push(child);
      seeds ||= String(event.gossip);
      coordinators.push({
        id,
        address: String(event.address),
        gossip: String(event.gossip),
        ...(event.dashboard ? { dashboard: String(event.dashboard) } : {}),
        pid: child.pid!,
      });
    }
    const workers = await Promise.all(
      Array.from({ length: o.workers }, async (_, i) => {
        const id = `worker-${i + 1}`;
        const args = [
          join(REPO, 'apps/worker/dist/main.js'),
          '--port',
          '0',
          '--id',
          id,
          '--seeds',
          seeds,
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
        children.push(child);
        return { id, address: String(event.address), pid: child.pid! };
      }),
    );
    writeFileSync(
      clusterFile,
      `${JSON.stringify({ coordinators: coordinators.map((c) => c.address), redisUrl, workers, dashboards: coordinators.map((c) => c.dashboard).filter(Boolean), startedAt: Date.now() }, null, 2)}\n`,
    );
    return { redisUrl, coordinators, workers, clusterFile, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
