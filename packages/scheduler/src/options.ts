import { SchedulerOptionsError } from './errors.js';

/** Window over which per-job query rates are measured (and fairness is judged). */
export const DEFAULT_WINDOW_MS = 10_000;
/** How often the coordinator is expected to call `rebalance`. */
export const DEFAULT_REBALANCE_INTERVAL_MS = 1000;
/** Jobs that may run at once. */
export const DEFAULT_MAX_RUNNING_JOBS = 2;
/** Half-life of the exponential weighting of observations when estimating ms/query. */
export const DEFAULT_COST_HALF_LIFE_MS = 3000;
/** Integral gain of the rate feedback, per second, on log(rate / geometric mean rate). */
export const DEFAULT_FEEDBACK_GAIN = 0.05;
/** Largest factor by which the feedback may scale a job's estimated capacity (either way). */
export const DEFAULT_MAX_CORRECTION = 2;
/** Per-worker weights below this snap to 0 (avoids model switches for a sliver of time). */
export const DEFAULT_MIN_WEIGHT = 0.005;

/** Tuning of the fair-time {@link Scheduler}. Every field has a default; see `DEFAULT_*`. */
export interface SchedulerOptions {
  /** Rate window, ms. @default 10_000 ms */
  windowMs: number;
  /** Expected period between `rebalance` calls, ms (scales the feedback per call). @default 1000 ms */
  rebalanceIntervalMs: number;
  /** Jobs that may run at once; a further `addJob` throws `TooManyJobsError`. @default 2 */
  maxRunningJobs: number;
  /** Half-life of observation weighting for ms/query and utilisation estimates, ms. @default 3000 ms */
  costHalfLifeMs: number;
  /** Integral feedback gain per second on the observed rate ratio; 0 disables feedback. @default 0.05 */
  feedbackGain: number;
  /** Bound on the feedback's capacity correction factor, ≥ 1. @default 2 */
  maxCorrection: number;
  /** Per-worker weights below this become 0 (the rest renormalised), in [0, 0.1]. @default 0.005 */
  minWeight: number;
}

/** A fresh object holding every default. */
export function defaultSchedulerOptions(): SchedulerOptions {
  return {
    windowMs: DEFAULT_WINDOW_MS,
    rebalanceIntervalMs: DEFAULT_REBALANCE_INTERVAL_MS,
    maxRunningJobs: DEFAULT_MAX_RUNNING_JOBS,
    costHalfLifeMs: DEFAULT_COST_HALF_LIFE_MS,
    feedbackGain: DEFAULT_FEEDBACK_GAIN,
    maxCorrection: DEFAULT_MAX_CORRECTION,
    minWeight: DEFAULT_MIN_WEIGHT,
  };
}

/** Short timings for tests (faster windows, same algorithm). */
export function localSchedulerOptions(): SchedulerOptions {
  return { ...defaultSchedulerOptions(), windowMs: 2000, rebalanceIntervalMs: 200, costHalfLifeMs: 600 };
}

/** Merges `options` over the defaults and validates; throws {@link SchedulerOptionsError}. */
export function resolveSchedulerOptions(options: Partial<SchedulerOptions> = {}): SchedulerOptions {
  const o: SchedulerOptions = { ...defaultSchedulerOptions(), ...stripUndefined(options) };
  const positive = (key: keyof SchedulerOptions): void => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new SchedulerOptionsError(key, v, 'a positive finite number');
    }
  };
  positive('windowMs');
  positive('rebalanceIntervalMs');
  positive('costHalfLifeMs');
  if (!Number.isInteger(o.maxRunningJobs) || o.maxRunningJobs < 1) {
    throw new SchedulerOptionsError('maxRunningJobs', o.maxRunningJobs, 'an integer ≥ 1');
  }
  if (!Number.isFinite(o.feedbackGain) || o.feedbackGain < 0 || o.feedbackGain > 10) {
    throw new SchedulerOptionsError('feedbackGain', o.feedbackGain, 'a number in [0, 10]');
  }
  if (!Number.isFinite(o.maxCorrection) || o.maxCorrection < 1) {
    throw new SchedulerOptionsError('maxCorrection', o.maxCorrection, 'a finite number ≥ 1');
  }
  if (!Number.isFinite(o.minWeight) || o.minWeight < 0 || o.minWeight > 0.1) {
    throw new SchedulerOptionsError('minWeight', o.minWeight, 'a number in [0, 0.1]');
  }
  return o;
}

function stripUndefined(options: Partial<SchedulerOptions>): Partial<SchedulerOptions> {
  const out: Partial<SchedulerOptions> = {};
  for (const [k, v] of Object.entries(options) as [keyof SchedulerOptions, number | undefined][]) {
    if (v !== undefined) out[k] = v;
  }
  return out;
}
