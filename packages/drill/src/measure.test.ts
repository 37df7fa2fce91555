import { describe, expect, it } from 'vitest';
import { doneAt, lossOf, meanStd, rateBetween, recoveryMs, type Sample } from './measure.js';

/** A steady rate (q/s) from t=0 to t=end, sampled every 250 ms, with an outage between two times. */
function series(qps: number, end: number, outage?: [number, number]): Sample[] {
  const out: Sample[] = [];
  let done = 0;
  for (let t = 0; t <= end; t += 250) {
    if (t > 0 && !(outage && t > outage[0] && t <= outage[1])) done += (qps * 250) / 1000;
    out.push({ t, done });
  }
  return out;
}

describe('drill measurements', () => {
  it('interpolates the done count between samples and refuses times outside them', () => {
    const s = [
      { t: 0, done: 0 },
      { t: 1000, done: 10 },
    ];
    expect(doneAt(s, 500)).toBe(5);
    expect(doneAt(s, 1001)).toBeUndefined();
    expect(rateBetween(s, 0, 1000)).toBe(10);
  });

  it('reports 0 ms recovery when the rate never dips', () => {
    expect(recoveryMs(series(8, 10_000), 3_000, 8)).toBe(0);
  });

  it('measures recovery to the start of the first good window after an outage', () => {
    // Nothing recorded from 3 s to 5 s: the first 2-s window at ≥ 90% starts at about 5 s.
    const r = recoveryMs(series(8, 12_000, [3_000, 5_000]), 3_000, 8);
    expect(r).toBeGreaterThanOrEqual(1_750);
    expect(r).toBeLessThanOrEqual(2_000);
  });

  it('waits for the samples to cover a whole window', () => {
    expect(recoveryMs(series(8, 4_000, [3_000, 4_000]), 3_000, 8)).toBeUndefined();
  });

  it('counts lost and duplicated queries from result rows', () => {
    expect(lossOf(4, ['a', 'b', 'b', 'c'])).toEqual({ lost: 1, duplicated: 1 });
    expect(lossOf(2, ['a', 'b'])).toEqual({ lost: 0, duplicated: 0 });
  });

  it('gives the mean and the sample standard deviation', () => {
    expect(meanStd([55, 555])).toEqual({ mean: 305, stddev: expect.closeTo(353.55, 1) });
    expect(meanStd([7]).stddev).toBe(0);
  });
});
