import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isRunning, killOnExit } from './children.js';
import { EventTimeoutError, ExitedBeforeEventError } from './errors.js';
import { inNetns } from './netns.js';
import { REPO_ROOT } from './repo.js';

/**
 * A node program of this repo running as a child process, owned by whoever started it. It speaks
 * the repo's convention: JSON lines on stdout are events (one of them means ready), stderr is its log.
 */
export interface NodeProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** The script as given to {@link spawnNode}; names the process in errors. */
  readonly script: string;
  /** The JSON object the program printed when it became ready ({"event":"listening",…}). */
  readonly ready: Record<string, unknown>;
  /** Every JSON line it printed on stdout so far, in order. */
  readonly events: Record<string, unknown>[];
  /** Where its stderr goes, when not kept in memory. */
  readonly logFile: string | undefined;
  /** Its stderr so far, or the tail of what it appended to `logFile` (for failure messages). */
  stderr(): string;
  /** Sends a signal unless it has exited already. */
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGCONT (a stopped process ignores SIGTERM), SIGTERM, then SIGKILL after graceMs; resolves when gone. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves with the first stdout event matching `pred` (already seen or future). */
  waitEvent(
    pred: (e: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

export interface SpawnNodeOptions {
  args?: readonly string[];
  /** Added to this process's environment. @default nothing added */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the ready line. @default 30_000 ms */
  readyTimeoutMs?: number;
  /** Which stdout JSON event means ready. @default 'listening' */
  readyEvent?: string;
  /**
   * Append the child's stderr (its JSON log) to this file; the child writes it directly, so the
   * log goes on even if this process dies first. @default kept in memory (the last 100–200 kB)
   */
  logFile?: string;
  /**
   * Run the program inside this network namespace (made by `ip netns add`), as
   * `ip netns exec <netns> node <script> …`: a test host of the test kit. `ip` execs node, so
   * `pid` is node's and every signal reaches it. @default this process's namespace
   */
  netns?: string;
}

export const DEFAULT_READY_TIMEOUT_MS = 30_000;
export const DEFAULT_EVENT_TIMEOUT_MS = 30_000;
export const DEFAULT_STOP_GRACE_MS = 5_000;
const STDERR_TAIL = 4000;

/**
 * Starts `script` (a path relative to the repo root, e.g. apps/worker/dist/main.js, or absolute)
 * with this node binary, in the repo root, and waits until it prints its ready event. Kept
 * hand-written rather than execa: what it adds (JSON events, awaiting one, the log file) is most
 * of this file either way.
 */
export async function spawnNode(script: string, options: SpawnNodeOptions = {}): Promise<NodeProcess> {
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  // Where this child's part of a shared, appended-to log file begins.
  const logStart = logFd === undefined ? 0 : fstatSync(logFd).size;
  let child: ChildProcess;
  try {
    const cmd = inNetns(options.netns, process.execPath, [
      resolve(REPO_ROOT, script),
      ...(options.args ?? []),
    ]);
    child = spawn(cmd.command, cmd.args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', logFd ?? 'pipe'],
    });
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
  killOnExit(child);
  const events: Record<string, unknown>[] = [];
  type Waiter = {
    pred: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  };
  const waiters: Waiter[] = [];
  /** False when the waiter was already settled (matched, timed out or failed). */
  const remove = (w: Waiter): boolean => {
    const i = waiters.indexOf(w);
    if (i >= 0) waiters.splice(i, 1);
    return i >= 0;
  };
  let stderrText = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderrText += d.toString();
    if (stderrText.length > 200_000) stderrText = stderrText.slice(-100_000);
  });
  const stderr = (): string =>
    options.logFile === undefined ? stderrText : readTail(options.logFile, logStart, 100_000);
  const tail = (): string =>
    `${stderr().slice(-STDERR_TAIL)}${options.logFile === undefined ? '' : `\n(see ${options.logFile})`}`;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    events.push(e);
    for (const w of [...waiters]) if (w.pred(e) && remove(w)) w.resolve(e);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const waitEvent = (pred: (e: Record<string, unknown>) => boolean, timeoutMs = DEFAULT_EVENT_TIMEOUT_MS) => {
    const seen = events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (remove(w)) reject(new EventTimeoutError(script, timeoutMs, tail()));
      }, timeoutMs);
      const w: Waiter = {
        pred,
        resolve: (e: Record<string, unknown>) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      waiters.push(w);
      void exited.then(({ code, signal }) => {
        if (!remove(w)) return;
        clearTimeout(timer);
        reject(new ExitedBeforeEventError(script, code, signal, tail()));
      });
    });
  };
  const readyEvent = options.readyEvent ?? 'listening';
  let ready: Record<string, unknown>;
  try {
    ready = await waitEvent(
      (e) => e.event === readyEvent,
      options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid!,
    child,
    script,
    ready,
    events,
    logFile: options.logFile,
    stderr,
    kill: (signal) => {
      if (isRunning(child)) child.kill(signal);
    },
    exited,
    waitEvent,
    stop: async (graceMs = DEFAULT_STOP_GRACE_MS) => {
      if (!isRunning(child)) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Up to `max` bytes from the end of `path`, none before `from`. */
function readTail(path: string, from: number, max: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(from, size - max);
    const buf = Buffer.alloc(Math.max(0, size - start));
    readSync(fd, buf, 0, buf.length, start);
    return buf.toString();
  } finally {
    closeSync(fd);
  }
}

/**
 * The glibc settings every launched worker runs with: glibc keeps freed heap (a model's load
 * buffers) mapped for the life of the process; these thresholds make it return large freed blocks
 * to the OS. Measured: a resnet50 worker after a run drops from ~378 to ~185 MiB with them and the
 * onnxruntime arena off (docs/BENCHMARKS.md). Benchmarks use it to measure a process set up the
 * same way.
 */
export const WORKER_MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
} as const;

/** Starts an idunno worker on 127.0.0.1 with an ephemeral port and the workers' glibc settings. */
export async function startWorker(
  options: SpawnNodeOptions = {},
): Promise<NodeProcess & { address: string }> {
  const proc = await spawnNode('apps/worker/dist/main.js', {
    ...options,
    env: { ...WORKER_MALLOC_ENV, ...options.env },
    args: ['--port', '0', ...(options.args ?? [])],
  });
  return Object.assign(proc, { address: String(proc.ready.address) });
}
