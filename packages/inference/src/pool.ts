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
  /** A run is executing on this thread; it is given at most one at a time. */
  busy: boolean;
  /** False while a replacement thread reloads the models; runs are not dispatched to it until then. */
  ready: boolean;
  /** Resolves once the thread has loaded onnxruntime (or died): only then may it be terminated. */
  started: Promise<void>;
}

/** The lane of `run()` calls that name none. */
export const DEFAULT_LANE = '';

/** Runs of one lane (one job) that wait for a free thread, and when the lane was last served. */
interface Lane {
  id: string;
  waiting: QueuedRun[];
  /** Runs of this lane executing on a thread. */
  running: number;
  /** Dispatch sequence number of the lane's latest run; 0 for a lane never served. */
  servedAt: number;
}

interface QueuedRun {
  lane: Lane;
  model: string;
  data: Float32Array;
  dims: number[];
  /** performance.now() when run() was called. */
  queued: number;
  resolve: (r: RunResult) => void;
  reject: (e: Error) => void;
}

// Works from src/ (tests) and dist/ alike: the thread is always the compiled file.
const THREAD_URL = new URL('../dist/session-thread.js', import.meta.url);

/**
 * A pool of worker threads running onnxruntime-node sessions, so inference never blocks the main
 * event loop. Every thread loads every model the pool loads.
 *
 * Runs are queued here, per lane (a worker uses the job id), and each thread is given one run at a
 * time: a free thread takes the oldest run of the lane served least recently. A thread executes
 * what it is posted in order, so posting every run at once would make a job that starts while
 * another has batches queued wait behind all of them; round robin over lanes lets its first batch
 * through after at most one run per thread.
 */
export class SessionPool {
  readonly options: SessionPoolOptions;
  private readonly slots: Slot[] = [];
  private readonly loaded = new Map<string, { path: string; input: string; output: string }>();
  /** Lanes with runs waiting or executing; a lane with neither is forgotten. */
  private readonly lanes = new Map<string, Lane>();
  private served = 0;
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
    let started: () => void = () => {};
    const slot: Slot = {
      worker,
      pending: new Map(),
      busy: false,
      ready: true,
      started: new Promise<void>((resolve) => {
        started = resolve;
      }),
    };
    worker.on('message', (reply: ThreadReply) => {
      if (reply.ok && reply.op === 'started') return started();
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      p.resolve(reply);
    });
    const die = (err: Error) => {
      // Rejects the run executing on this thread; runs still queued stay queued for the others.
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      if (this.closed) return;
      // Replace the thread and reload its models so the pool keeps serving.
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      const fresh = this.spawn();
      fresh.ready = false;
      this.slots[index] = fresh;
      const reloads = [...this.loaded].map(([model, m]) =>
        this.request(fresh, {
          op: 'load',
          model,
          path: m.path,
          input: m.input,
          output: m.output,
          intraOpThreads: this.options.intraOpThreads,
        }),
      );
      // The thread handles messages concurrently (a load awaits), so a run posted right behind a
      // load could find its model missing: wait for the loads before giving the thread runs.
      void Promise.allSettled(reloads).then(() => {
        fresh.ready = true;
        this.pump();
      });
    };
    worker.on('error', (err) => {
      started();
      die(err);
    });
    worker.on('exit', (code) => {
      started();
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

  /**
   * Runs one NCHW float32 batch; the input buffer is transferred to the thread (do not reuse it).
   * `lane` names whose run it is (a worker passes the job id): lanes share the threads round robin,
   * runs of one lane start in the order they were submitted.
   */
  async run(model: string, data: Float32Array, dims: number[], lane = DEFAULT_LANE): Promise<RunResult> {
    if (!this.loaded.has(model)) throw new Error(`model ${model} is not loaded; call load() first`);
    if (this.closed) throw new PoolClosedError();
    const queued = performance.now();
    return new Promise<RunResult>((resolve, reject) => {
      const entry = this.lanes.get(lane) ?? { id: lane, waiting: [], running: 0, servedAt: 0 };
      this.lanes.set(lane, entry);
      entry.waiting.push({ lane: entry, model, data, dims, queued, resolve, reject });
      this.pump();
    });
  }

  /**
   * Gives every free thread the oldest run of the lane served least recently. Invariant: a run
   * waits only while every ready thread is busy or a replacement is reloading; either holds a
   * pending request, which keeps the worker ref'd and so the process alive.
   */
  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.busy || !slot.ready) continue;
      const run = this.take();
      if (!run) return;
      slot.busy = true;
      void this.execute(slot, run);
    }
  }

  /** Dequeues the next run to dispatch: round robin over lanes, FIFO within one. */
  private take(): QueuedRun | undefined {
    for (;;) {
      let next: Lane | undefined;
      for (const lane of this.lanes.values()) {
        if (lane.waiting.length > 0 && (!next || lane.servedAt < next.servedAt)) next = lane;
      }
      if (!next) return undefined;
      const run = next.waiting.shift()!;
      if (this.loaded.has(run.model)) {
        next.servedAt = ++this.served;
        next.running++;
        return run;
      }
      // unload() came while the run waited; a thread would no longer have the session.
      run.reject(new Error(`model ${run.model} was unloaded before the run started`));
      this.forgetIfIdle(next);
    }
  }

  private forgetIfIdle(lane: Lane): void {
    if (lane.running === 0 && lane.waiting.length === 0) this.lanes.delete(lane.id);
  }

  private async execute(slot: Slot, run: QueuedRun): Promise<void> {
    try {
      const { model, data, dims } = run;
      const reply = await this.request(slot, { op: 'run', model, data, dims }, [data.buffer as ArrayBuffer]);
      if (!reply.ok) throw new Error(`inference failed: ${reply.error.message}`);
      if (reply.op !== 'run') throw new Error(`unexpected reply ${reply.op}`);
      const total = performance.now() - run.queued;
      run.resolve({
        logits: reply.logits,
        dims: reply.dims,
        inferMs: reply.inferMs,
        queueMs: Math.max(0, total - reply.inferMs),
      });
    } catch (err) {
      run.reject(err instanceof Error ? err : new Error(String(err)));
    } finally {
      slot.busy = false;
      run.lane.running--;
      this.forgetIfIdle(run.lane);
      this.pump();
    }
  }

  private queuedRuns(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.waiting.length;
    return n;
  }

  /**
   * Terminates the threads. Waits (up to `graceMs`) for runs in flight and queued first:
   * terminating a thread inside a native onnxruntime call aborts the whole process. Runs still
   * queued after that are rejected with PoolClosedError.
   */
  async close(graceMs = 30_000): Promise<void> {
    if (this.closed) return;
    const deadline = performance.now() + graceMs;
    while (
      (this.slots.some((s) => s.pending.size > 0) || this.queuedRuns() > 0) &&
      performance.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.closed = true;
    for (const lane of this.lanes.values()) for (const run of lane.waiting) run.reject(new PoolClosedError());
    this.lanes.clear();
    // A thread still loading onnxruntime must not be terminated, nor the process left to exit
    // under it: the addon then throws from its module registration and aborts the whole process.
    // Wait for each to have started (holding the event loop open: idle threads are unref'd),
    // bounded by what is left of the grace period.
    for (const s of this.slots) s.worker.ref();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.slots.map((s) => s.started)),
      new Promise((r) => {
        timer = setTimeout(r, Math.max(1_000, deadline - performance.now()));
      }),
    ]);
    clearTimeout(timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const s of this.slots) for (const p of s.pending.values()) p.reject(new PoolClosedError());
  }
}
