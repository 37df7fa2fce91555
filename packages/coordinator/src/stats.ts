/**
 * Per-job statistics, pure and clock-free: callers pass `now` (ms).
 * C1: queries recorded per second over a sliding window (100-ms buckets).
 * C2: processing time per query: mean and standard deviation over every query (Welford), median
 * and tail percentiles over the most recent `reservoir` queries.
 */
export interface ProcessingSummary {
  meanMs: number;
  stddevMs: number;
  medianMs: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export class RateWindow {
  private readonly buckets: number[];
  private readonly stamps: number[];
  /**
   * @param windowMs the window's length
   * @param bucketMs its resolution: the window ends within one bucket of `now`. 100 ms keeps a
   *   10-s rate from jumping by a whole second's worth of queries as the oldest bucket drops out.
   */
  constructor(
    readonly windowMs = 10_000,
    readonly bucketMs = 100,
  ) {
    const n = Math.max(1, Math.ceil(windowMs / bucketMs));
    this.buckets = new Array<number>(n).fill(0);
    this.stamps = new Array<number>(n).fill(-1);
  }

  add(now: number, count = 1): void {
    const slot = Math.floor(now / this.bucketMs);
    const i = slot % this.buckets.length;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.buckets[i] = 0;
    }
    this.buckets[i]! += count;
  }

  /** Events per second over the window ending at `now`; `since` (e.g. the job's start) shortens a young window. */
  rate(now: number, since = Number.NEGATIVE_INFINITY): number {
    const slot = Math.floor(now / this.bucketMs);
    let total = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      const s = this.stamps[i]!;
      if (s >= 0 && s > slot - this.buckets.length && s <= slot) total += this.buckets[i]!;
    }
    const spanMs = Math.min(this.windowMs, Math.max(1000, now - since));
    return (total * 1000) / spanMs;
  }
}

export class ProcessingStats {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private readonly recent: number[] = [];
  private next = 0;
  private cached: { n: number; summary: ProcessingSummary } | undefined;
  constructor(readonly reservoir = 10_000) {}

  add(ms: number): void {
    this.n++;
    const d = ms - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (ms - this.mean);
    if (this.recent.length < this.reservoir) this.recent.push(ms);
    else {
      this.recent[this.next] = ms;
      this.next = (this.next + 1) % this.reservoir;
    }
  }

  get count(): number {
    return this.n;
  }

  summary(): ProcessingSummary {
    if (this.n === 0) return { meanMs: 0, stddevMs: 0, medianMs: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0 };
    if (this.cached?.n === this.n) return this.cached.summary;
    // A typed array sorts numerically in native code: several times faster than a comparator sort
    // of the 10k-sample reservoir, and a dashboard polls this every second.
    const sorted = Float64Array.from(this.recent).sort();
    const q = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
    const summary = {
      meanMs: this.mean,
      stddevMs: this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0,
      medianMs: q(0.5),
      p90Ms: q(0.9),
      p95Ms: q(0.95),
      p99Ms: q(0.99),
    };
    this.cached = { n: this.n, summary };
    return summary;
  }
}
