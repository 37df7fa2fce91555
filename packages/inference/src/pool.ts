import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModelLoadError, PoolClosedError } from './errors.js';
import type { ThreadReply, ThreadRequest } from './thread-protocol.js';

export interface SessionPoolOptions {
  /** Session threads; each holds its own session per model. @default 1 */
  threads: number;
  /** onnxruntime intra-op threads per session. @default max(1, floor(cores / threads)) */
  intraOpThreads: number;
}

export const DEFAULT_POOL_THREADS = 1;

export function defaultSessionPoolOptions(): SessionPoolOptions {
  const threads = DEFAULT_POOL_THREADS;
  return { threads, intraOpThreads: Math.max(1, Math.floor(availableParallelism() / threads)) };
}

export interface RunResult {
  logits: Float32Array;
  dims: number[];
  /** Time the native run took inside the thread. */
  inferMs: number;
  /** Time the request waited for a free thread. */
  queueMs: number;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

type Pending = { resolve: (r: ThreadReply) => void; reject: (e: Error) => void; op: ThreadRequest['op'] };

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  inFlight: number;
}

// Works from src/ (tests) and dist/ alike: the thread is always the compiled file.
const THREAD_URL = new URL('../dist/session-thread.js', import.meta.url);

/**
 * A pool of worker threads running onnxruntime-node sessions, so inference never blocks the main
 * event loop. Every thread loads every model the pool loads; a run goes to the least busy thread.
 */
export class SessionPool {
  readonly options: SessionPoolOptions;
  private readonly slots: Slot[] = [];
  private readonly loaded = new Map<string, { path: string; input: string; output: string }>();
  private nextId = 1;
  private closed = false;

  constructor(options: Partial<SessionPoolOptions> = {}) {
    const defaults = defaultSessionPoolOptions();
    const threads = options.threads ?? defaults.threads;
    this.options = {
      threads,
      intraOpThreads: options.intraOpThreads ?? Math.max(1, Math.floor(availableParallelism() / threads)),
    };
    if (!Number.isInteger(this.options.threads) || this.options.threads < 1) {
      throw new RangeError(`threads must be a positive integer, got ${this.options.threads}`);
    }
    if (!Number.isInteger(this.options.intraOpThreads) || this.options.intraOpThreads < 1) {
      throw new RangeError(`intraOpThreads must be a positive integer, got ${this.options.intraOpThreads}`);
    }
    for (let i = 0; i < this.options.threads; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(THREAD_URL);
    const slot: Slot = { worker, pending: new Map(), inFlight: 0 };
    worker.on('message', (reply: ThreadReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      p.resolve(reply);
    });
    const die = (err: Error) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      slot.inFlight = 0;
      if (this.closed) return;
      // Replace the thread and reload its models so the pool keeps serving.
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      const fresh = this.spawn();
      this.slots[index] = fresh;
      for (const [model, m] of this.loaded) {
        void this.request(fresh, {
          op: 'load',
          model,
          path: m.path,
          input: m.input,
          output: m.output,
          intraOpThreads: this.options.intraOpThreads,
        }).catch(() => {});
      }
    };
    worker.on('error', (err) => die(err));
    worker.on('exit', (code) => {
      if (slot.pending.size > 0 || !this.closed)
        die(new PoolClosedError(`inference thread exited with code ${code}`));
    });
    worker.unref();
    return slot;
  }

  private request(
    slot: Slot,
    req: WithoutId<ThreadRequest>,
    transfer: ArrayBuffer[] = [],
  ): Promise<ThreadReply> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    const id = this.nextId++;
    return new Promise<ThreadReply>((resolve, reject) => {
      // An idle pool must not keep the process alive; a pending request must.
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject, op: req.op });
      slot.worker.postMessage({ ...req, id } as ThreadRequest, transfer);
    });
  }

  /** Names of the models loaded in every thread. */
  models(): string[] {
    return [...this.loaded.keys()];
  }

  has(model: string): boolean {
    return this.loaded.has(model);
  }

  /**
   * Loads a model file into every thread. Idempotent. Throws ModelLoadError for a file that is
   * missing, truncated, not ONNX or lacks the expected input/output names.
   */
  async load(
    model: string,
    path: string,
    io: { input: string; output: string },
  ): Promise<{ loadMs: number }> {
    if (this.loaded.has(model)) return { loadMs: 0 };
    const t0 = performance.now();
    const replies = await Promise.all(
      this.slots.map((slot) =>
        this.request(slot, {
          op: 'load',
          model,
          path,
          input: io.input,
          output: io.output,
          intraOpThreads: this.options.intraOpThreads,
        }),
      ),
    );
    const failed = replies.find((r) => !r.ok);
    if (failed && !failed.ok) {
      await this.unload(model).catch(() => {});
      throw new ModelLoadError(model, path, failed.error.message);
    }
    this.loaded.set(model, { path, input: io.input, output: io.output });
    return { loadMs: performance.now() - t0 };
  }

  async unload(model: string): Promise<void> {
    this.loaded.delete(model);
    await Promise.all(this.slots.map((slot) => this.request(slot, { op: 'unload', model })));
  }

  /** Runs one NCHW float32 batch; the input buffer is transferred to the thread (do not reuse it). */
  async run(model: string, data: Float32Array, dims: number[]): Promise<RunResult> {
    if (!this.loaded.has(model)) throw new Error(`model ${model} is not loaded; call load() first`);
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.inFlight < slot.inFlight) slot = s;
    slot.inFlight++;
    const queued = performance.now();
    try {
      const reply = await this.request(slot, { op: 'run', model, data, dims }, [data.buffer as ArrayBuffer]);
      if (!reply.ok) throw new Error(`inference failed: ${reply.error.message}`);
      if (reply.op !== 'run') throw new Error(`unexpected reply ${reply.op}`);
      const total = performance.now() - queued;
      return {
        logits: reply.logits,
        dims: reply.dims,
        inferMs: reply.inferMs,
        queueMs: Math.max(0, total - reply.inferMs),
      };
    } finally {
      slot.inFlight = Math.max(0, slot.inFlight - 1);
    }
  }

  /**
   * Terminates the threads. Waits (up to `graceMs`) for runs in flight first: terminating a thread
   * inside a native onnxruntime call aborts the whole process.
   */
  async close(graceMs = 30_000): Promise<void> {
    if (this.closed) return;
    const deadline = performance.now() + graceMs;
    while (this.slots.some((s) => s.pending.size > 0) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const s of this.slots) for (const p of s.pending.values()) p.reject(new PoolClosedError());
  }
}
