import { describe, expect, it } from 'vitest';
import { max, mean, median, quantile } from './stats.js';

/** The definition the cluster bench carried before bench/lib existed, kept here as the reference. */
function linearQuantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

describe('the benches’ one quantile', () => {
  it('interpolates linearly between the two nearest ranks', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBe(46);
    expect(quantile([7], 0.99)).toBe(7);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('gives exactly the numbers of the cluster bench’s former hand-written quantile', () => {
    let seed = 1;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 1; n <= 60; n++) {
      const xs = Array.from({ length: n }, () => next() * 100);
      for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) expect(quantile(xs, q)).toBe(linearQuantile(xs, q));
    }
  });

  it('leaves its input unsorted and answers NaN for an empty sample', () => {
    const xs = [3, 1, 2];
    quantile(xs, 0.5);
    expect(xs).toEqual([3, 1, 2]);
    expect(quantile([], 0.5)).toBeNaN();
    expect(mean([])).toBeNaN();
    expect(max([])).toBeNaN();
    expect(mean([1, 2, 4])).toBeCloseTo(7 / 3, 12);
  });
});
