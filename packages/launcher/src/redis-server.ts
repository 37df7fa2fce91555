import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options for {@link startRedis}. */
export interface StartRedisOptions {
  /** Append-only persistence (`--appendonly yes`, fsync every second). @default true */
  appendOnly?: boolean;
  /** Data directory. It is kept on stop when given; a fresh temporary one is made and removed otherwise. */
  dir?: string;
  /** Path or name of the binary. @default 'redis-server' */
  binary?: string;
  /** How long to wait for the server to answer PING after spawning it. @default 10_000 ms */
  startTimeoutMs?: number;
}

/** A `redis-server` child process owned by the test that started it. */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly dir: string;
  /** Process id of the current child (changes on restart). */
  readonly pid: number;
  /** SIGTERM, wait for exit (after a SIGKILL just waits), and remove the temporary directory. */
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL, SIGSTOP, SIGCONT, …) to the child without waiting. */
  kill(signal: NodeJS.Signals): void;
  /** Stops the server (if still running) and starts it again on the same port; `keepData: false` wipes `dir`. */
  restart(options: { keepData: boolean }): Promise<void>;
}

export const DEFAULT_REDIS_START_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children must not outlive the test process, even when a test forgets `stop()` or vitest kills the fork. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        // A stopped (SIGSTOP) child ignores SIGTERM until continued; SIGKILL always works.
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Finds a port that is free right now by binding port 0 and closing it (racy; callers retry on bind failure). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  output: string[];
}

/** Starts a `redis-server` on a free port and resolves once it answers PING. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  installExitHook();
  const appendOnly = options.appendOnly ?? true;
  const binary = options.binary ?? 'redis-server';
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_REDIS_START_TIMEOUT_MS;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'idunno-redis-'));

  const args = (port: number): string[] => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    '--dir',
    dir,
    '--protected-mode',
    'no',
  ];

  let running: Running | undefined;
  let port = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS && running === undefined; attempt++) {
    port = await freePort();
    try {
      running = await launch(binary, args(port), port, startTimeoutMs);
    } catch (err) {
      lastError = err;
    }
  }
  if (running === undefined) {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw new Error(`redis-server did not start after ${PORT_ATTEMPTS} attempts`, { cause: lastError });
  }
  let current: Running = running;

  const halt = async (): Promise<void> => {
    if (current.child.exitCode === null && current.child.signalCode === null) {
      current.child.kill('SIGCONT'); // a SIGSTOPped server would never act on SIGTERM
      current.child.kill('SIGTERM');
    }
    await current.exited;
  };

  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get pid() {
      return current.child.pid ?? -1;
    },
    async stop() {
      await halt();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    kill(signal) {
      current.child.kill(signal);
    },
    async restart({ keepData }) {
      await halt();
      if (!keepData) {
        for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
      }
      // Same port: the listening socket is closed with the old process, and redis sets SO_REUSEADDR.
      let error: unknown;
      for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
        try {
          current = await launch(binary, args(port), port, startTimeoutMs);
          return;
        } catch (err) {
          error = err;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      throw new Error(`redis-server did not restart on port ${port}`, { cause: error });
    },
  };
}

async function launch(binary: string, args: string[], port: number, timeoutMs: number): Promise<Running> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      output.push(String(err));
      live.delete(child);
      resolve();
    });
  });
  const deadline = performance.now() + timeoutMs;
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  while (performance.now() < deadline && !dead) {
    if (await ping(port)) return { child, exited, output };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await exited;
  throw new Error(`redis-server on port ${port} did not answer PING: ${output.join('').slice(-2000)}`);
}

/** True when a server on the port answers PING with PONG (not LOADING or an error). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
