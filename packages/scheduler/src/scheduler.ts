import {
  ClockWentBackwardsError,
  DuplicateJobError,
  InvalidCompletionError,
  InvalidCostError,
  TooManyJobsError,
} from './errors.js';
import { type Estimates, Observations } from './estimator.js';
import { resolveSchedulerOptions, type SchedulerOptions } from './options.js';
import { equalRateSplit } from './split.js';
import { WeightedTurns } from './turns.js';

/** A job as the Scheduler sees it. */
export interface JobSpec {
  readonly jobId: string;
  /** Expected relative cost per query (model registry), > 0; e.g. ViT-Tiny 1, ResNet-50 3.5. */
  readonly expectedCost: number;
}

/** A finished batch. */
export interface Completion {
  readonly jobId: string;
  readonly workerId: string;
  /** Queries the batch completed (results or per-query errors). */
  readonly queries: number;
  /** Busy time the worker spent on the batch, ms. */
  readonly busyMs: number;
}

/**
 * Per worker, the share of its busy time for each job. Invariants: every alive worker appears exactly
 * once while at least one job runs (and no worker appears when none runs); its weights are ≥ 0 and
 * sum to 1; only running jobs appear; no worker that is not alive appears.
 */
export type Assignment = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** JSON-able view of the Scheduler for stats and debugging. */
export interface SchedulerSnapshot {
  readonly now: number;
  readonly jobs: readonly {
    readonly jobId: string;
    readonly expectedCost: number;
    /** Observed queries/s over the window. */
    readonly rate: number;
    /** Rate the split predicts for this job, queries/s. */
    readonly predictedRate: number;
    /** Feedback factor applied to the job's estimated capacity (1 = none). */
    readonly correction: number;
    readonly workers: readonly string[];
  }[];
  readonly workers: readonly {
    readonly workerId: string;
    readonly weights: Readonly<Record<string, number>>;
    /** Measured ms of busy time per query over the window; absent for pairs not observed. */
    readonly observedMsPerQuery: Readonly<Record<string, number>>;
    /** What the split used: measured, else fitted from speed × cost. */
    readonly predictedMsPerQuery: Readonly<Record<string, number>>;
    /** Busy ms per wall ms (≈ batch slots kept busy). */
    readonly utilization: number;
  }[];
}

interface JobState {
  readonly spec: JobSpec;
  readonly addedAt: number;
  /** Completions within the window, oldest first: the job's observed rate. */
  readonly done: { t: number; queries: number }[];
  /** log of the feedback capacity factor; Σ over jobs is 0. */
  logCorrection: number;
  predictedRate: number;
}

/**
 * The fair-time Scheduler: splits alive workers between the running jobs so that every job
 * progresses at the same query rate, as fast as the workers allow.
 *
 * Pure and clock-driven: every method that depends on time takes `now` (ms, monotonic); nothing
 * here reads a clock or sets a timer. The coordinator calls {@link rebalance} every
 * `rebalanceIntervalMs`, {@link recordCompletion} for every batch, and {@link nextJob} whenever a
 * worker has a free batch slot.
 *
 * How: (1) estimate each worker's ms/query for each job and its utilisation (busy ms per wall ms,
 * counting batches in flight since `nextJob`) from the window's completions (`estimator.ts`), giving
 * capacities in queries/s; (2) group workers of equal comparative advantage and solve for busy-time
 * fractions that equalise the predicted job rates at the largest common rate: contiguous fill over
 * the groups (`split.ts`), whole groups per job with at most `jobs − 1` shared groups, every member
 * of a group getting the same fractions; (3) a slow integral term on the observed window rates
 * scales each job's estimated capacity to absorb systematic estimation error; (4) each worker hands
 * out its turns by stride scheduling on busy time (`turns.ts`), so its time splits by its weights.
 *
 * Invariants: see {@link Assignment}; plus at most `maxRunningJobs` jobs; every running job has at
 * least one worker with weight > 0 whenever a worker is alive (equal rates > 0 need it), so no job
 * starves and observations keep flowing; a worker not in the last `setWorkers` is never assigned
 * and `nextJob` returns undefined for it.
 */
export class Scheduler {
  readonly options: Readonly<SchedulerOptions>;
  /** Alive workers in split order: insertion order, re-sorted by comparative advantage with hysteresis. */
  #order: string[] = [];
  readonly #jobs = new Map<string, JobState>();
  readonly #obs: Observations;
  readonly #turns = new Map<string, WeightedTurns>();
  #assignment: Map<string, Map<string, number>> = new Map();
  #estimates: Estimates | undefined;
  #lastNow = Number.NEGATIVE_INFINITY;
  #jobSetChangedAt = 0;
  #lastFeedbackAt: number | undefined;

  constructor(options: Partial<SchedulerOptions> = {}) {
    this.options = Object.freeze(resolveSchedulerOptions(options));
    this.#obs = new Observations(this.options.windowMs, this.options.costHalfLifeMs);
  }

  /**
   * Sets the alive workers (from membership). Removed workers lose their assignment at once; new
   * ones get a share at once, without waiting for the next rebalance. Duplicates are ignored.
   */
  setWorkers(workerIds: readonly string[], now: number): Assignment {
    this.#tick(now);
    const alive = new Set(workerIds);
    for (const w of this.#order) {
      if (!alive.has(w)) {
        this.#obs.removeWorker(w);
        this.#turns.delete(w);
      }
    }
    this.#order = this.#order.filter((w) => alive.has(w));
    for (const w of alive) {
      if (!this.#turns.has(w)) {
        this.#order.push(w);
        this.#obs.addWorker(w, now);
        this.#turns.set(w, new WeightedTurns());
      }
    }
    return this.#recompute(now);
  }

  /** Starts scheduling a job; throws {@link TooManyJobsError}, {@link DuplicateJobError}, {@link InvalidCostError}. */
  addJob(job: JobSpec, now: number): Assignment {
    this.#tick(now);
    if (!(Number.isFinite(job.expectedCost) && job.expectedCost > 0)) {
      throw new InvalidCostError(job.jobId, job.expectedCost);
    }
    if (this.#jobs.has(job.jobId)) throw new DuplicateJobError(job.jobId);
    if (this.#jobs.size >= this.options.maxRunningJobs) {
      throw new TooManyJobsError(this.#jobs.size, this.options.maxRunningJobs);
    }
    this.#jobs.set(job.jobId, {
      spec: { jobId: job.jobId, expectedCost: job.expectedCost },
      addedAt: now,
      done: [],
      logCorrection: 0,
      predictedRate: 0,
    });
    this.#jobSetChanged(now);
    return this.#recompute(now);
  }

  /** Stops scheduling a job (finished or stopped). Returns false when it was not scheduled. */
  removeJob(jobId: string, now: number): boolean {
    this.#tick(now);
    if (!this.#jobs.delete(jobId)) return false;
    this.#obs.removeJob(jobId);
    this.#jobSetChanged(now);
    this.#recompute(now);
    return true;
  }

  /**
   * A batch finished. Counts toward the job's rate even when the worker has since left; feeds cost
   * estimates only for alive workers. Completions of jobs no longer scheduled are ignored.
   */
  recordCompletion(c: Completion, now: number): void {
    this.#tick(now);
    if (!(Number.isFinite(c.queries) && c.queries >= 0))
      throw new InvalidCompletionError('queries', c.queries);
    if (!(Number.isFinite(c.busyMs) && c.busyMs >= 0)) throw new InvalidCompletionError('busyMs', c.busyMs);
    const job = this.#jobs.get(c.jobId);
    if (job === undefined) return;
    job.done.push({ t: now, queries: c.queries });
    const turns = this.#turns.get(c.workerId);
    if (turns === undefined) return;
    this.#obs.record(c.workerId, c.jobId, c.queries, c.busyMs, now);
    turns.complete(c.jobId, c.busyMs);
  }

  /** Recomputes the weights from observations; call every `rebalanceIntervalMs`. */
  rebalance(now: number): Assignment {
    this.#tick(now);
    this.#feedback(now);
    return this.#recompute(now);
  }

  /** The current weights (a stable snapshot: later changes build a new map). */
  assignment(): Assignment {
    return this.#assignment;
  }

  /**
   * Which job the worker's next free batch slot should serve (weighted turns on busy time);
   * undefined when the worker is not alive or no job runs. Each call hands out one turn (and counts
   * a batch in flight on that worker until its `recordCompletion`), so call it once per batch.
   */
  nextJob(workerId: string, now: number): string | undefined {
    this.#tick(now);
    const turns = this.#turns.get(workerId);
    if (turns === undefined) return undefined;
    const est = this.#estimates;
    const jobId = turns.next((j) => {
      const ms = est?.msPerQuery.get(workerId)?.get(j) ?? 1;
      return ms * (est?.queriesPerBatch.get(j) ?? 1);
    });
    if (jobId !== undefined) this.#obs.dispatch(workerId, jobId, now);
    return jobId;
  }

  /** Alive workers with weight > 0 for the job, in split order. */
  workersOf(jobId: string): string[] {
    const out: string[] = [];
    for (const [w, weights] of this.#assignment) if ((weights.get(jobId) ?? 0) > 0) out.push(w);
    return out;
  }

  /** Observed queries/s per running job over the last `windowMs` (or since the job started). */
  rates(now: number): ReadonlyMap<string, number> {
    this.#tick(now);
    const out = new Map<string, number>();
    for (const [jobId, job] of this.#jobs) out.set(jobId, this.#rate(job, now));
    return out;
  }

  /** Plain JSON-able state for stats and debugging. */
  snapshot(now: number): SchedulerSnapshot {
    const rates = this.rates(now);
    const est = this.#estimates;
    return {
      now,
      jobs: [...this.#jobs.values()].map((j) => ({
        jobId: j.spec.jobId,
        expectedCost: j.spec.expectedCost,
        rate: rates.get(j.spec.jobId) ?? 0,
        predictedRate: j.predictedRate,
        correction: Math.exp(j.logCorrection),
        workers: this.workersOf(j.spec.jobId),
      })),
      workers: this.#order.map((w) => ({
        workerId: w,
        weights: Object.fromEntries(this.#assignment.get(w) ?? []),
        observedMsPerQuery: Object.fromEntries(est?.observedMsPerQuery.get(w) ?? []),
        predictedMsPerQuery: Object.fromEntries(est?.msPerQuery.get(w) ?? []),
        utilization: est?.utilization.get(w) ?? 0,
      })),
    };
  }

  #tick(now: number): void {
    if (!Number.isFinite(now) || now < this.#lastNow) throw new ClockWentBackwardsError(now, this.#lastNow);
    this.#lastNow = now;
    const cutoff = now - this.options.windowMs;
    for (const job of this.#jobs.values()) {
      let drop = 0;
      while (drop < job.done.length && job.done[drop]!.t <= cutoff) drop++;
      if (drop > 0) job.done.splice(0, drop);
    }
  }

  #rate(job: JobState, now: number): number {
    const span = Math.min(this.options.windowMs, now - job.addedAt);
    if (span <= 0) return 0;
    let q = 0;
    for (const d of job.done) q += d.queries;
    return (q * 1000) / span;
  }

  #jobSetChanged(now: number): void {
    this.#jobSetChangedAt = now;
    this.#lastFeedbackAt = undefined;
    // The old corrections were about a different pair of jobs.
    for (const job of this.#jobs.values()) job.logCorrection = 0;
  }

  /**
   * Integral feedback: `log g_j += gain · dt · (log rate_j − mean log rate)`, clamped to
   * ±log(maxCorrection) and re-centred. A job observed slower than the others gets a smaller
   * capacity estimate, hence more worker time. Runs only once every job has a full window since the
   * job set last changed (before that, window rates mix in the old split).
   */
  #feedback(now: number): void {
    const { feedbackGain, windowMs, rebalanceIntervalMs, maxCorrection } = this.options;
    if (feedbackGain === 0 || this.#jobs.size < 2 || this.#order.length === 0) return;
    if (now - this.#jobSetChangedAt < windowMs) return;
    const last = this.#lastFeedbackAt;
    this.#lastFeedbackAt = now;
    if (last === undefined) return;
    const dt = Math.min(now - last, 2 * rebalanceIntervalMs) / 1000;
    const jobs = [...this.#jobs.values()];
    const logs = jobs.map((j) => Math.log(this.#rate(j, now)));
    if (!logs.every(Number.isFinite)) return;
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const bound = Math.log(maxCorrection);
    jobs.forEach((j, i) => {
      j.logCorrection = clamp(j.logCorrection + feedbackGain * dt * (logs[i]! - mean), -bound, bound);
    });
    const centre = jobs.reduce((a, j) => a + j.logCorrection, 0) / jobs.length;
    for (const j of jobs) j.logCorrection -= centre;
  }

  #recompute(now: number): Assignment {
    const jobs = [...this.#jobs.values()];
    const specs = jobs.map((j) => j.spec);
    const est = this.#obs.estimate(now, this.#order, specs);
    this.#estimates = est;
    const next = new Map<string, Map<string, number>>();
    if (jobs.length > 0 && this.#order.length > 0) {
      const capacity = (w: string): number[] =>
        jobs.map((j) => {
          const ms = est.msPerQuery.get(w)?.get(j.spec.jobId) ?? 1;
          return ((est.utilization.get(w) ?? 1) * 1000 * Math.exp(j.logCorrection)) / ms;
        });
      const caps = this.#order.map(capacity);
      const groups = jobs.length > 1 ? this.#group(caps) : [this.#order.map((_, wi) => wi)];
      // Split over groups (summed capacities), then every member gets its group's fractions: a
      // uniform fraction F of a group yields F × Σ capacity for each job, so rates stay exact.
      const groupCaps = groups.map((g) =>
        jobs.map((_, ji) => g.reduce((a, wi) => a + (caps[wi]?.[ji] ?? 0), 0)),
      );
      const split = equalRateSplit(groupCaps, jobs.length);
      // Snapping drops slivers below minWeight (fewer model switches), but never a job's last
      // share: a very cheap job (e.g. 1000× cheaper) would otherwise get no turn at all and starve.
      const min = this.options.minWeight;
      const keepRaw = jobs.map((_, ji) => !split.fractions.some((row) => (row[ji] ?? 0) >= min));
      groups.forEach((g, gi) => {
        const row = snap(split.fractions[gi] ?? [], min, keepRaw);
        for (const wi of g) {
          next.set(this.#order[wi]!, new Map(jobs.map((j, ji) => [j.spec.jobId, row[ji] ?? 0])));
        }
      });
      // Predicted rate with the snapped weights, without the feedback factor (what we expect to see).
      jobs.forEach((j, ji) => {
        let r = 0;
        this.#order.forEach((w, wi) => {
          r += ((next.get(w)?.get(j.spec.jobId) ?? 0) * (caps[wi]?.[ji] ?? 0)) / Math.exp(j.logCorrection);
        });
        j.predictedRate = r;
      });
    }
    this.#assignment = next;
    for (const [w, turns] of this.#turns) turns.setWeights(next.get(w) ?? new Map());
    return next;
  }

  /**
   * Groups workers of (nearly) equal comparative advantage, `log(cap[first job] / cap[last job])`
   * within 25% of the group's first member, and orders groups by advantage, descending.
   *
   * Why groups rather than whole workers with one shared worker: among workers with the same
   * advantage every split with the same totals is equally fast, and spreading the sharing across
   * all of them keeps each job's completions evenly spread in time. With one shared worker, the
   * cheap job's batches bunch between the expensive job's long batches and its 10-s window count
   * jitters by up to (expensive batch time / share) / window, over 10% in simulation. Both models
   * stay loaded on every worker, so the extra model switches cost little. Workers whose advantage
   * really differs (e.g. an accelerator much better at one model) still get whole-job assignments.
   */
  #group(caps: readonly (readonly number[])[]): number[][] {
    const key = (wi: number): number => {
      const c = caps[wi] ?? [];
      return Math.log(c[0] ?? 1) - Math.log(c[c.length - 1] ?? 1);
    };
    const idx = this.#order.map((_, wi) => wi).sort((a, b) => key(b) - key(a) || a - b);
    const margin = Math.log(1.25);
    const groups: number[][] = [];
    let anchor = Number.POSITIVE_INFINITY;
    for (const wi of idx) {
      const k = key(wi);
      const last = groups[groups.length - 1];
      if (last !== undefined && anchor - k <= margin) last.push(wi);
      else {
        groups.push([wi]);
        anchor = k;
      }
    }
    return groups;
  }
}

/** Zeroes weights below `min` and renormalises so the row sums to 1 (keeps the largest if all vanish). */
function snap(row: readonly number[], min: number, keepRaw: readonly boolean[] = []): number[] {
  const kept = row.map((f, i) => (f >= min || (keepRaw[i] && f > 0) ? f : 0));
  const total = kept.reduce((a, b) => a + b, 0);
  if (total <= 0) {
    const best = row.indexOf(Math.max(...row));
    return row.map((_, i) => (i === best ? 1 : 0));
  }
  return kept.map((f) => f / total);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
