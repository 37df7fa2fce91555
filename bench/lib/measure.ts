// The closed-loop harness: a fixed number of calls kept in flight back to back, timed between
// completions so the pipeline is full at both ends of the window.
import type { QueryTimings } from '@idunno/inference';
import { f1, f2 } from './markdown.js';
import { load1 } from './proc.js';

/** What one call did: images classified, and the per-query timings it reports, when it does. */
export interface CallResult {
  images: number;
  timings?: QueryTimings[];
}

/** One measured cell. */
export interface Cell {
  imgPerSec: number;
  images: number;
  seconds: number;
  /** Cores kept busy by the process(es) doing the work (CPU seconds / wall seconds). */
  cores: number;
  /** Cores kept busy by this (client) process while another process did the work. */
  clientCores?: number;
  /** 1-minute load average when the cell started. */
  load: string;
  /** Mean per-query timings reported by the calls (ms), when they return them. */
  timings?: QueryTimings;
}

/** How a cell is measured unless the call site says otherwise. */
export interface LoopDefaults {
  /** Calls kept in flight. */
  inflight: number;
  /** Measured seconds: the window ends at the first completion at or after this. */
  seconds: number;
  /** Seconds of calls before the window opens. */
  warmupS: number;
  /** Completions the window holds at least, however long they take. */
  minCompletions: number;
}

export interface MeasureOptions {
  inflight?: number;
  seconds?: number;
  warmupS?: number;
  /** CPU seconds of this process, when another process does the work; reported as `clientCores`. */
  clientCpu?: () => number;
}

/**
 * Runs cells one after another and knows how many calls are in flight, so that a signal handler
 * can stop new calls and wait for the running ones: closing an onnxruntime pool, or exiting,
 * during a native run aborts the process.
 */
export class ClosedLoop {
  /** Set by a signal: lanes issue no new calls. */
  stopping = false;
  private inFlight = 0;

  constructor(
    readonly defaults: LoopDefaults,
    private readonly log: (msg: string) => void,
  ) {}

  /**
   * Keeps `inflight` calls running back to back, warms up, then measures from the first
   * completion after the warm-up to the last completion at or after `seconds` (and at least
   * `minCompletions` completions). `cpu` reads the CPU seconds of the process doing the work.
   */
  async measure(
    label: string,
    call: () => Promise<CallResult>,
    cpu: () => number,
    opts: MeasureOptions = {},
  ): Promise<Cell> {
    const inflight = opts.inflight ?? this.defaults.inflight;
    const seconds = opts.seconds ?? this.defaults.seconds;
    const load = load1();
    const warmEnd = performance.now() + (opts.warmupS ?? this.defaults.warmupS) * 1000;
    const client = opts.clientCpu ?? (() => 0);
    let start: { t: number; cpu: number; client: number } | undefined;
    let last: { t: number; cpu: number; client: number } | undefined;
    let images = 0;
    let completions = 0;
    const sum: QueryTimings = { fetchMs: 0, preprocessMs: 0, queueMs: 0, inferenceMs: 0 };
    let timed = 0;
    let done = false;
    const lane = async () => {
      while (!done && !this.stopping) {
        this.inFlight++;
        let r: CallResult;
        try {
          r = await call();
        } finally {
          this.inFlight--;
        }
        const t = performance.now();
        if (done) return;
        if (!start) {
          if (t >= warmEnd) start = { t, cpu: cpu(), client: client() };
          continue;
        }
        images += r.images;
        completions++;
        for (const q of r.timings ?? []) {
          sum.fetchMs += q.fetchMs;
          sum.preprocessMs += q.preprocessMs;
          sum.queueMs += q.queueMs;
          sum.inferenceMs += q.inferenceMs;
          timed++;
        }
        last = { t, cpu: cpu(), client: client() };
        if (t - start.t >= seconds * 1000 && completions >= this.defaults.minCompletions) done = true;
      }
    };
    // Stagger the lanes slightly so they do not start in lock step.
    await Promise.all(
      Array.from({ length: inflight }, (_, i) => new Promise((r) => setTimeout(r, i * 5)).then(() => lane())),
    );
    if (!start || !last)
      throw new Error(this.stopping ? 'stopped by a signal' : `${label}: no completed call`);
    const s = (last.t - start.t) / 1000;
    const cell: Cell = {
      imgPerSec: images / s,
      images,
      seconds: s,
      cores: (last.cpu - start.cpu) / s,
      ...(opts.clientCpu ? { clientCores: (last.client - start.client) / s } : {}),
      load,
      ...(timed > 0
        ? {
            timings: {
              fetchMs: sum.fetchMs / timed,
              preprocessMs: sum.preprocessMs / timed,
              queueMs: sum.queueMs / timed,
              inferenceMs: sum.inferenceMs / timed,
            },
          }
        : {}),
    };
    this.log(
      `${label}: ${f1(cell.imgPerSec)} img/s (${images} images in ${f2(s)} s, ${f2(cell.cores)} cores, load ${load})`,
    );
    return cell;
  }

  /** Waits until no call is in flight, or `timeoutMs` has passed. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
}
