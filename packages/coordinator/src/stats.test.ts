import { describe, expect, it } from 'vitest';
import { ProcessingStats, RateWindow } from './stats.js';

describe('RateWindow', () => {
  it('gives events per second over the last window, to within one 100-ms bucket', () => {
    const w = new RateWindow(10_000);
    // 20 events per second for 30 s.
    for (let t = 0; t < 30_000; t += 50) w.add(t);
    expect(w.rate(30_000)).toBeCloseTo(20, 0);
    // Half a second later the window has lost 0.5 s of events and gained none.
    expect(w.rate(30_500)).toBeCloseTo(19, 0);
    expect(w.rate(45_000)).toBe(0);
  });

  it('divides a young job’s count by its age, not by the whole window', () => {
    const w = new RateWindow(10_000);
    for (let t = 1_000; t < 3_000; t += 100) w.add(t, 2);
    expect(w.rate(3_000, 1_000)).toBeCloseTo(20, 5);
  });
});

describe('ProcessingStats', () => {
  it('keeps mean, deviation and percentiles, and refreshes them after new samples', () => {
    const p = new ProcessingStats(1000);
    for (let i = 1; i <= 100; i++) p.add(i);
    const s = p.summary();
    expect(s.meanMs).toBeCloseTo(50.5, 10);
    expect(s.medianMs).toBe(50);
    expect(s.p90Ms).toBe(90);
    expect(s.p99Ms).toBe(99);
    expect(p.summary()).toBe(s); // nothing new: the same object, no re-sort
    p.add(1000);
    expect(p.summary().p99Ms).toBe(100);
  });
});
