/**
 * The drill's measurement math, pure: done counts sampled over time in, rates, recovery time,
 * lost and duplicated queries out.
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { RECOVERY_FRACTION, RECOVERY_WINDOW_MS } from './options.js';

/** One reading of the jobs' combined done count. */
export interface Sample {
  t: number;
  done: number;
}

/** Mean and (sample) standard deviation; NaN for no values, stddev 0 for one. */
export function meanStd(values: readonly number[]): { mean: number; stddev: number } {
  // simple-statistics throws on too few values; the report wants NaN (shown as "-") and 0 instead.
  if (values.length === 0) return { mean: Number.NaN, stddev: Number.NaN };
  const m = mean(values);
  if (values.length === 1) return { mean: m, stddev: 0 };
  return { mean: m, stddev: sampleStandardDeviation(values) };
}

/** The done count at time t, interpolated between samples (sorted by t); undefined outside them. */
export function doneAt(samples: readonly Sample[], t: number): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || t < first.t || t > last.t) return undefined;
  let lo = 0;
  let hi = samples.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid]?.t ?? 0) <= t) lo = mid;
    else hi = mid;
  }
  const a = samples[lo]!;
  const b = samples[hi]!;
  if (b.t === a.t) return b.done;
  return a.done + ((b.done - a.done) * (t - a.t)) / (b.t - a.t);
}

/** Queries per second between two times; undefined when the samples do not cover both. */
export function rateBetween(samples: readonly Sample[], from: number, to: number): number | undefined {
  const a = doneAt(samples, from);
  const b = doneAt(samples, to);
  if (a === undefined || b === undefined || to <= from) return undefined;
  return ((b - a) * 1000) / (to - from);
}

/**
 * Milliseconds from the failure at t0 to the start of the first window (of windowMs, starting at
 * a sample at or after t0) whose rate is ≥ fraction × baseline; undefined if none is covered yet.
 */
export function recoveryMs(
  samples: readonly Sample[],
  t0: number,
  baselineQps: number,
  windowMs = RECOVERY_WINDOW_MS,
  fraction = RECOVERY_FRACTION,
): number | undefined {
  const starts = [t0, ...samples.filter((s) => s.t > t0).map((s) => s.t)];
  for (const start of starts) {
    const r = rateBetween(samples, start, start + windowMs);
    if (r === undefined) return undefined;
    if (r >= fraction * baselineQps) return start - t0;
  }
  return undefined;
}

/** Lost and duplicated queries of one job from its result rows' query ids. */
export function lossOf(
  totalQueries: number,
  queryIds: readonly string[],
): { lost: number; duplicated: number } {
  const distinct = new Set(queryIds).size;
  return { lost: Math.max(0, totalQueries - distinct), duplicated: queryIds.length - distinct };
}
