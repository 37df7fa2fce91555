/**
 * Cost estimation from completions: per (worker, job) milliseconds of busy time per query, and per
 * worker utilisation (busy ms per wall ms, ≈ the number of batch slots it keeps busy).
 *
 * Model: `msPerQuery[w][j] ≈ speed[w] × cost[j]` (log-additive), fitted by weighted alternating
 * least squares over the pairs observed in the window, each observation weighted by its queries and
 * by `2^(−age / halfLife)` so recent behaviour (a worker that slowed down) dominates within seconds.
 * Observed pairs use their own measurement; unobserved pairs use the fit, so a worker that only ever
 * served job A still gets a sensible estimate for job B. Fallbacks, in order: observed → fitted
 * (`speed × cost`) → `expectedCost × (ms per unit of expected cost seen elsewhere)` → `expectedCost`.
 *
 * Invariant: only samples with `t > now − windowMs` are kept.
 */

interface Sample {
  readonly t: number;
  readonly queries: number;
  readonly busyMs: number;
}

/** Estimates as of one instant. */
export interface Estimates {
  /** Predicted ms of busy time per query, for every (alive worker, job). */
  readonly msPerQuery: Map<string, Map<string, number>>;
  /** Measured ms per query, only for pairs observed in the window. */
  readonly observedMsPerQuery: Map<string, Map<string, number>>;
  /** Busy ms per wall ms (≈ slots kept busy); median of the others for a worker not yet measured. */
  readonly utilization: Map<string, number>;
  /** Smoothed queries per completion, per job (1 before the first completion). */
  readonly queriesPerBatch: Map<string, number>;
}

export interface CostJob {
  readonly jobId: string;
  readonly expectedCost: number;
}

export class Observations {
  readonly #windowMs: number;
  readonly #lambda: number;
  readonly #samples = new Map<string, Map<string, Sample[]>>();
  readonly #joinedAt = new Map<string, number>();
  readonly #queriesPerBatch = new Map<string, number>();
  /** Start times of batches handed out by `nextJob` and not yet reported, per worker, per job (FIFO). */
  readonly #inflight = new Map<string, Map<string, number[]>>();

  constructor(windowMs: number, halfLifeMs: number) {
    this.#windowMs = windowMs;
    this.#lambda = Math.LN2 / halfLifeMs;
  }

  addWorker(workerId: string, now: number): void {
    if (this.#joinedAt.has(workerId)) return;
    this.#joinedAt.set(workerId, now);
    this.#samples.set(workerId, new Map());
    this.#inflight.set(workerId, new Map());
  }

  removeWorker(workerId: string): void {
    this.#joinedAt.delete(workerId);
    this.#samples.delete(workerId);
    this.#inflight.delete(workerId);
  }

  removeJob(jobId: string): void {
    for (const perJob of this.#samples.values()) perJob.delete(jobId);
    for (const perJob of this.#inflight.values()) perJob.delete(jobId);
    this.#queriesPerBatch.delete(jobId);
  }

  /** A batch was handed out at `now` (its busy time accrues from now until it is reported). */
  dispatch(workerId: string, jobId: string, now: number): void {
    const perJob = this.#inflight.get(workerId);
    if (perJob === undefined) return;
    let starts = perJob.get(jobId);
    if (starts === undefined) {
      starts = [];
      perJob.set(jobId, starts);
    }
    starts.push(now);
  }

  record(workerId: string, jobId: string, queries: number, busyMs: number, now: number): void {
    const perJob = this.#samples.get(workerId);
    if (perJob === undefined) return;
    this.#inflight.get(workerId)?.get(jobId)?.shift();
    let list = perJob.get(jobId);
    if (list === undefined) {
      list = [];
      perJob.set(jobId, list);
    }
    list.push({ t: now, queries, busyMs });
    if (queries > 0) {
      const prev = this.#queriesPerBatch.get(jobId);
      this.#queriesPerBatch.set(jobId, prev === undefined ? queries : 0.8 * prev + 0.2 * queries);
    }
  }

  prune(now: number): void {
    const cutoff = now - this.#windowMs;
    for (const perJob of this.#samples.values()) {
      for (const [jobId, list] of perJob) {
        let drop = 0;
        while (drop < list.length && list[drop]!.t <= cutoff) drop++;
        if (drop > 0) list.splice(0, drop);
        if (list.length === 0) perJob.delete(jobId);
      }
    }
    // A batch handed out a whole window ago and never reported is lost: stop accruing its time.
    for (const perJob of this.#inflight.values()) {
      for (const starts of perJob.values()) {
        while (starts.length > 0 && starts[0]! <= cutoff) starts.shift();
      }
    }
  }

  /**
   * Busy ms per wall ms over the window (since the worker joined, if later): the part of each
   * reported batch's busy interval `[t − busyMs, t]` inside the window, plus the time in-flight
   * batches have run so far. Counting in-flight time matters: without it the estimate of a worker
   * running long batches saw-tooths by up to one batch per slot. Undefined before anything ran.
   */
  #utilization(workerId: string, now: number): number | undefined {
    const start = Math.max(now - this.#windowMs, this.#joinedAt.get(workerId) ?? now);
    const span = now - start;
    if (span <= 0) return undefined;
    let busy = 0;
    let any = false;
    for (const list of this.#samples.get(workerId)?.values() ?? []) {
      for (const s of list) {
        busy += Math.max(0, Math.min(s.t, now) - Math.max(s.t - s.busyMs, start));
        any = true;
      }
    }
    for (const starts of this.#inflight.get(workerId)?.values() ?? []) {
      for (const t of starts) {
        busy += Math.max(0, now - Math.max(t, start));
        any = true;
      }
    }
    return any ? busy / span : undefined;
  }

  estimate(now: number, workers: readonly string[], jobs: readonly CostJob[]): Estimates {
    this.prune(now);
    const observed = new Map<string, Map<string, number>>();
    const weight = new Map<string, Map<string, number>>();
    const utilization = new Map<string, number>();
    const measuredUtil: number[] = [];
    for (const w of workers) {
      const perJob = this.#samples.get(w);
      const obsW = new Map<string, number>();
      const wtW = new Map<string, number>();
      for (const job of jobs) {
        const list = perJob?.get(job.jobId);
        if (list === undefined) continue;
        let q = 0;
        let b = 0;
        for (const s of list) {
          const d = Math.exp(-this.#lambda * (now - s.t));
          q += d * s.queries;
          b += d * s.busyMs;
        }
        if (q > 0 && b > 0) {
          obsW.set(job.jobId, b / q);
          wtW.set(job.jobId, q);
        }
      }
      observed.set(w, obsW);
      weight.set(w, wtW);
      const u = this.#utilization(w, now);
      if (u !== undefined) {
        utilization.set(w, u);
        measuredUtil.push(u);
      }
    }
    const fallbackUtil = median(measuredUtil) ?? 1;
    for (const w of workers) {
      const u = utilization.get(w);
      // Floor: a worker that has reported little must still get turns so it can prove its speed.
      utilization.set(w, u === undefined ? fallbackUtil : Math.max(u, 0.05 * fallbackUtil));
    }

    // Weighted alternating least squares on log(ms/query) = speed[w] + cost[j], over flat arrays
    // of the observed pairs (this runs on every rebalance and membership change).
    const pairs: { wi: number; ji: number; logM: number; q: number }[] = [];
    workers.forEach((w, wi) => {
      jobs.forEach((job, ji) => {
        const m = observed.get(w)?.get(job.jobId);
        const q = weight.get(w)?.get(job.jobId);
        if (m !== undefined && q !== undefined) pairs.push({ wi, ji, logM: Math.log(m), q });
      });
    });
    const speed = new Float64Array(workers.length);
    const logExpected = jobs.map((j) => Math.log(j.expectedCost));
    const cost = Float64Array.from(logExpected);
    if (pairs.length > 0) {
      let offNum = 0;
      let offDen = 0;
      for (const p of pairs) {
        offNum += p.q * (p.logM - logExpected[p.ji]!);
        offDen += p.q;
      }
      for (let ji = 0; ji < jobs.length; ji++) cost[ji] = logExpected[ji]! + offNum / offDen;
      const num = new Float64Array(Math.max(workers.length, jobs.length));
      const den = new Float64Array(num.length);
      for (let iter = 0; iter < 12; iter++) {
        num.fill(0);
        den.fill(0);
        for (const p of pairs) {
          num[p.wi]! += p.q * (p.logM - cost[p.ji]!);
          den[p.wi]! += p.q;
        }
        // Gauge: observed workers' speeds average 0, so an unmeasured worker counts as average.
        let mean = 0;
        let observedWorkers = 0;
        for (let wi = 0; wi < workers.length; wi++) {
          if (den[wi]! > 0) {
            speed[wi] = num[wi]! / den[wi]!;
            mean += speed[wi]!;
            observedWorkers++;
          }
        }
        mean /= observedWorkers;
        for (let wi = 0; wi < workers.length; wi++) if (den[wi]! > 0) speed[wi]! -= mean;
        num.fill(0);
        den.fill(0);
        for (const p of pairs) {
          num[p.ji]! += p.q * (p.logM - speed[p.wi]!);
          den[p.ji]! += p.q;
        }
        let jobOffNum = 0;
        let jobOffDen = 0;
        for (let ji = 0; ji < jobs.length; ji++) {
          if (den[ji]! > 0) {
            cost[ji] = num[ji]! / den[ji]!;
            jobOffNum += den[ji]! * (cost[ji]! - logExpected[ji]!);
            jobOffDen += den[ji]!;
          }
        }
        // A job nobody has served yet: its expected cost, in the ms units the others revealed.
        for (let ji = 0; ji < jobs.length; ji++) {
          if (!(den[ji]! > 0)) cost[ji] = logExpected[ji]! + jobOffNum / jobOffDen;
        }
      }
    }
    const msPerQuery = new Map<string, Map<string, number>>();
    workers.forEach((w, wi) => {
      const row = new Map<string, number>();
      jobs.forEach((job, ji) => {
        row.set(job.jobId, observed.get(w)?.get(job.jobId) ?? Math.exp(speed[wi]! + cost[ji]!));
      });
      msPerQuery.set(w, row);
    });
    const queriesPerBatch = new Map<string, number>();
    for (const job of jobs) queriesPerBatch.set(job.jobId, this.#queriesPerBatch.get(job.jobId) ?? 1);
    return { msPerQuery, observedMsPerQuery: observed, utilization, queriesPerBatch };
  }
}

function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
