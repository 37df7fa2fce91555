import { describe, expect, it } from 'vitest';
import { equalRateSplit } from './split.js';

function rates(caps: number[][], fractions: number[][]): number[] {
  const jobs = caps[0]?.length ?? 0;
  return Array.from({ length: jobs }, (_, j) =>
    caps.reduce((a, row, w) => a + (row[j] ?? 0) * (fractions[w]?.[j] ?? 0), 0),
  );
}

describe('equalRateSplit', () => {
  it('splits two equal workers fairly for a 3:1 cost ratio by sharing one worker', () => {
    const caps = [
      [100, 100 / 3],
      [100, 100 / 3],
    ];
    const { fractions, rate } = equalRateSplit(caps, 2);
    const [a, b] = rates(caps, fractions);
    expect(a).toBeCloseTo(b!, 6);
    expect(rate).toBeCloseTo(50, 6); // 2 workers' time: R/100 + R/(100/3) = 2
    expect(fractions.filter((row) => row.every((f) => f > 0)).length).toBe(1);
  });

  it('gives each job the workers that are comparatively best at it', () => {
    // In advantage order for job 0: worker 0 is ordinary, worker 1 is 4× better at job 1.
    const caps = [
      [100, 10],
      [100, 40],
    ];
    const { fractions, rate } = equalRateSplit(caps, 2);
    const [a, b] = rates(caps, fractions);
    expect(a).toBeCloseTo(b!, 6);
    expect(fractions[1]).toEqual([0, 1]);
    // 100·f = 40 + 10·(1 − f) → f = 5/11; uniform sharing would reach only 40.
    expect(rate).toBeCloseTo(500 / 11, 6);
  });

  it('returns weight 1 for the only job and an empty split without jobs', () => {
    expect(equalRateSplit([[5], [7]], 1).fractions).toEqual([[1], [1]]);
    expect(equalRateSplit([[], []], 0).fractions).toEqual([[], []]);
  });

  it('keeps every row summing to one and every job served for random capacities', () => {
    let seed = 42;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 200; trial++) {
      const workers = 1 + Math.floor(rnd() * 8);
      const jobs = 1 + Math.floor(rnd() * 3);
      const caps = Array.from({ length: workers }, () =>
        Array.from({ length: jobs }, () => 0.1 + rnd() * 100),
      );
      const { fractions } = equalRateSplit(caps, jobs);
      for (const row of fractions) {
        expect(Math.abs(row.reduce((a, f) => a + f, 0) - 1)).toBeLessThan(1e-9);
        for (const f of row) expect(f).toBeGreaterThanOrEqual(0);
      }
      const r = rates(caps, fractions);
      for (const x of r) expect(x).toBeGreaterThan(0);
      const max = Math.max(...r);
      expect((max - Math.min(...r)) / max).toBeLessThan(1e-6 + (jobs > 1 ? 0 : 1));
    }
  });
});
