import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning, killOnExit } from './children.js';
import { RedisNotFoundError, RedisStartError } from './errors.js';
import { inNetns } from './netns.js';

/** Options for {@link startRedisServer}. */
export interface StartRedisServerOptions {
  /** Port to listen on. @default a free port, retried when another process takes it first */
  port?: number;
  /**
   * The one address to listen on (`--bind`). The launcher checks the server is up by sending it
   * PING there from this process, so it must be reachable from here. @default '127.0.0.1'
   */
  bind?: string;
  /**
   * Require this password (`--requirepass`): what Redis needs before it serves clients on other
   * addresses, with protected mode on. It goes into `url` (`redis://:<password>@…`).
   * @default none: no password
   */
  password?: string;
  /**
   * Run redis-server inside this network namespace (`ip netns exec`, which execs: `pid` is the
   * server's own). Give it a `bind` address reachable from this process. @default this process's namespace
   */
  netns?: string;
  /** Append-only persistence (`--appendonly yes`, fsync every second). @default true */
  appendOnly?: boolean;
  /**
   * Data directory. When given it is created if missing and kept on stop; otherwise a fresh
   * temporary one is made and removed on stop. @default a temporary directory
   */
  dir?: string;
  /**
   * Protected mode. `false` passes `--protected-mode no` (the test kit does on 127.0.0.1); otherwise
   * no flag is passed and redis-server's own default (on) holds.
   * @default true
   */
  protectedMode?: boolean;
  /**
   * Append the server's log (redis-server writes it on stdout) to this file. Its stderr, where it
   * writes only fatal startup errors, is kept in memory for the start error either way.
   * @default the log's tail is kept in memory
   */
  logFile?: string;
  /** Path or name of the binary. @default 'redis-server' */
  binary?: string;
  /**
   * Run as a Sentinel (`redis-server <dir>/sentinel.conf --sentinel`): the data flags (save,
   * append-only) are left out, and the config file Sentinel rewrites lives in the data directory.
   * `extraArgs` then carry the `--sentinel monitor …` lines. @default false
   */
  sentinel?: boolean;
  /**
   * More redis-server flags, after the launcher's own: TLS ports and certificates,
   * `--replicaof`, `--masterauth`, Sentinel's `--sentinel monitor …`. @default none
   */
  extraArgs?: readonly string[];
  /** How long to wait for the server to answer PING after spawning it. @default 10_000 ms */
  startTimeoutMs?: number;
}

/** A `redis-server` child process owned by whoever started it. */
export interface RedisServer {
  /** The address it listens on (`bind`): 127.0.0.1 unless told otherwise. */
  readonly host: string;
  readonly port: number;
  /** The password it requires, if any (also in `url`). */
  readonly password: string | undefined;
  /** `redis://<host>:<port>`, or `redis://:<password>@<host>:<port>` with a password. */
  readonly url: string;
  readonly dir: string;
  /** Process id of the current child (changes on restart). */
  readonly pid: number;
  /**
   * SIGCONT and SIGTERM (a SIGSTOPped server would never act on SIGTERM), SIGKILL after
   * `graceMs`; resolves once it has exited, after removing a temporary data directory.
   */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal (SIGKILL, SIGSTOP, SIGCONT, …) to the child without waiting. */
  kill(signal: NodeJS.Signals): void;
  /**
   * Stops the server (if still running) and starts it again on the same port; resolves once it
   * answers PING. `keepData: false` wipes `dir` in between. `signal: 'SIGKILL'` makes it a crash
   * (append-only data since the last fsync is lost), the default SIGTERM a clean shutdown.
   */
  restart(options: { keepData: boolean; signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
}

export const DEFAULT_REDIS_START_TIMEOUT_MS = 10_000;
export const DEFAULT_REDIS_STOP_GRACE_MS = 5_000;
export const DEFAULT_REDIS_BIND = '127.0.0.1';
/** Tries on a fresh free port (or the same port, on restart) before giving up. */
const PORT_ATTEMPTS = 5;

/**
 * Finds a port that is free right now by binding port 0 and closing it. Racy: another process may
 * take it before the caller binds, so callers retry on bind failure. Kept hand-written (a dozen
 * lines) rather than get-port, which closes the same race no better.
 */
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
}

/** Starts a `redis-server` (on a free port unless one is given) and resolves once it answers PING. */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServer> {
  const appendOnly = options.appendOnly ?? true;
  const binary = options.binary ?? 'redis-server';
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_REDIS_START_TIMEOUT_MS;
  const bind = options.bind ?? DEFAULT_REDIS_BIND;
  const { password, netns } = options;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'idunno-redis-'));
  if (!ownDir) mkdirSync(dir, { recursive: true });

  const sentinelConf = join(dir, 'sentinel.conf');
  if (options.sentinel) writeFileSync(sentinelConf, '', { flag: 'a' });
  const args = (port: number): string[] => [
    ...(options.sentinel ? [sentinelConf, '--sentinel'] : []),
    '--port',
    String(port),
    '--bind',
    bind,
    ...(options.sentinel
      ? []
      : ['--save', '', '--appendonly', appendOnly ? 'yes' : 'no', '--appendfsync', 'everysec']),
    '--dir',
    dir,
    ...(options.protectedMode === false ? ['--protected-mode', 'no'] : []),
    ...(password === undefined ? [] : ['--requirepass', password]),
    ...(options.extraArgs ?? []),
  ];
  const target = { host: bind, password };
  const launchOn = (port: number) =>
    launch(binary, args(port), { ...target, port }, startTimeoutMs, options.logFile, netns);

  let running: Running | undefined;
  let port = options.port ?? 0;
  const attempts = options.port === undefined ? PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts && running === undefined; attempt++) {
    if (options.port === undefined) port = await freePort();
    try {
      running = await launchOn(port);
    } catch (err) {
      lastError = err;
      if (err instanceof RedisNotFoundError) break;
    }
  }
  if (running === undefined) {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw lastError instanceof RedisNotFoundError
      ? lastError
      : new RedisStartError(port, attempts, outputOf(lastError), { cause: lastError });
  }
  let current: Running = running;

  const halt = async (signal: 'SIGTERM' | 'SIGKILL', graceMs: number): Promise<void> => {
    const { child } = current;
    if (isRunning(child)) {
      if (signal === 'SIGTERM') child.kill('SIGCONT'); // a SIGSTOPped server would never act on SIGTERM
      child.kill(signal);
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await current.exited;
    clearTimeout(timer);
  };

  const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
  return {
    host: bind,
    port,
    password,
    url: `redis://${auth}${urlHost(bind)}:${port}`,
    dir,
    get pid() {
      return current.child.pid ?? -1;
    },
    async stop(graceMs = DEFAULT_REDIS_STOP_GRACE_MS) {
      await halt('SIGTERM', graceMs);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    kill(signal) {
      if (isRunning(current.child)) current.child.kill(signal);
    },
    async restart({ keepData, signal = 'SIGTERM' }) {
      await halt(signal, DEFAULT_REDIS_STOP_GRACE_MS);
      if (!keepData) {
        for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
      }
      // Same port: the listening socket is closed with the old process, and redis sets SO_REUSEADDR.
      let error: unknown;
      for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
        try {
          current = await launchOn(port);
          return;
        } catch (err) {
          error = err;
          if (err instanceof RedisNotFoundError) throw err;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      throw new RedisStartError(port, PORT_ATTEMPTS, outputOf(error), { cause: error });
    },
  };
}

const outputOf = (err: unknown): string => (err instanceof RedisStartError ? err.output : String(err));

/** Where the launcher sends its PING, and the password it authenticates with first. */
interface PingTarget {
  host: string;
  port: number;
  password: string | undefined;
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

async function launch(
  binary: string,
  args: string[],
  target: PingTarget,
  timeoutMs: number,
  logFile: string | undefined,
  netns: string | undefined,
): Promise<Running> {
  const { port } = target;
  // The child writes its log straight into the file (it keeps the fd): nothing passes through here.
  const logFd = logFile === undefined ? undefined : openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    const cmd = inNetns(netns, binary, args);
    child = spawn(cmd.command, cmd.args, { stdio: ['ignore', logFd ?? 'pipe', 'pipe'] });
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
  killOnExit(child);
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: NodeJS.ErrnoException | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      output.push(String(err));
      resolve();
    });
  });
  const deadline = performance.now() + timeoutMs;
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  while (performance.now() < deadline && !dead) {
    if (await ping(target)) return { child, exited };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (spawnError?.code === 'ENOENT' || spawnError?.code === 'EACCES')
    throw new RedisNotFoundError(binary, { cause: spawnError });
  child.kill('SIGKILL');
  await exited;
  throw new RedisStartError(port, 1, output.join(''));
}

/**
 * True when a server answers PING with PONG (not LOADING while it replays its file, nor an error),
 * after AUTH when it has a password: without it a password-protected server answers NOAUTH.
 */
function ping({ host, port, password }: PingTarget): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () =>
      socket.write(password === undefined ? 'PING\r\n' : `${resp(['AUTH', password])}PING\r\n`),
    );
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      if (password === undefined) {
        if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
      } else if (reply.split('\r\n').length > 2) done(reply.startsWith('+OK\r\n+PONG'));
    });
  });
}

/** One command as a RESP array: unlike an inline command, any byte of a password goes through. */
const resp = (parts: readonly string[]): string =>
  `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
