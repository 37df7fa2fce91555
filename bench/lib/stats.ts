// The benches' statistics, one definition each, so that every report's p50 means the same thing.
import { mean as sampleMean, quantile as sampleQuantile } from 'simple-statistics';

/**
 * The q-quantile of a sample by linear interpolation between the two nearest order statistics:
 * position (n − 1)·q of the sorted sample (R's type 7, numpy's default; what simple-statistics
 * computes). The benches have reported p50/p90/p99 this way since they were written. The
 * dashboard's percentiles (`packages/coordinator/src/stats.ts`) are nearest-rank over a
 * reservoir, which differs on small samples: do not compare the two digit for digit.
 * NaN for an empty sample (printed as "–").
 */
export function quantile(xs: readonly number[], q: number): number {
  return xs.length === 0 ? Number.NaN : sampleQuantile([...xs], q);
}

/** `quantile(xs, 0.5)`: for an even count, the mean of the two middle values. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Arithmetic mean (compensated summation); NaN for an empty sample. */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : sampleMean([...xs]);
}

/** Largest value; NaN for an empty sample. */
export function max(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : Math.max(...xs);
}
