import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './shared.js';

/** A node program of this repo running as a child process, owned by the test that started it. */
export interface NodeProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** The JSON object the program printed when it became ready ({"event":"listening",…}). */
  readonly ready: Record<string, unknown>;
  /** Every JSON line it printed on stdout so far, in order. */
  readonly events: Record<string, unknown>[];
  /** Its stderr so far (for failure messages). */
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after graceMs; resolves when gone. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves with the first stdout event matching `pred` (already seen or future). */
  waitEvent(
    pred: (e: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        // gone
      }
    }
  });
}

export interface SpawnNodeOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the ready line. @default 30_000 ms */
  readyTimeoutMs?: number;
  /** Which stdout JSON event means ready. @default 'listening' */
  readyEvent?: string;
}

/** Starts `script` (a path relative to the repo root, e.g. apps/worker/dist/main.js) and waits until it is ready. */
export async function spawnNode(script: string, options: SpawnNodeOptions = {}): Promise<NodeProcess> {
  hookExit();
  const child = spawn(process.execPath, [join(REPO_ROOT, script), ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const events: Record<string, unknown>[] = [];
  const waiters: {
    pred: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const waitEvent = (pred: (e: Record<string, unknown>) => boolean, timeoutMs = 30_000) => {
    const seen = events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`${script}: no matching event within ${timeoutMs} ms; stderr:\n${stderr.slice(-4000)}`),
          ),
        timeoutMs,
      );
      const w = {
        pred,
        resolve: (e: Record<string, unknown>) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      waiters.push(w);
      void exited.then(({ code, signal }) => {
        if (!waiters.includes(w)) return;
        clearTimeout(timer);
        reject(
          new Error(
            `${script} exited (code ${code}, signal ${signal}) before the event; stderr:\n${stderr.slice(-4000)}`,
          ),
        );
      });
    });
  };
  const readyEvent = options.readyEvent ?? 'listening';
  let ready: Record<string, unknown>;
  try {
    ready = await waitEvent((e) => e.event === readyEvent, options.readyTimeoutMs ?? 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid!,
    child,
    ready,
    events,
    stderr: () => stderr,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited,
    waitEvent,
    stop: async (graceMs = 5_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The glibc settings every launched worker runs with (the launcher's WORKER_MALLOC_ENV): freed
 * model-load buffers go back to the OS. Benchmarks use it to measure a process set up the same way.
 */
export const WORKER_ALLOCATOR_ENV = {
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
} as const;

/** Starts an idunno worker on 127.0.0.1 with an ephemeral port. */
export async function startWorker(
  options: SpawnNodeOptions = {},
): Promise<NodeProcess & { address: string }> {
  const proc = await spawnNode('apps/worker/dist/main.js', {
    ...options,
    env: { ...WORKER_ALLOCATOR_ENV, ...options.env },
    args: ['--port', '0', ...(options.args ?? [])],
  });
  return Object.assign(proc, { address: String(proc.ready.address) });
}

/** Runs the idunno CLI to completion and returns its exit code and output. */
export async function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  hookExit();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/cli/dist/main.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  live.delete(child);
  return { code, stdout, stderr };
}
