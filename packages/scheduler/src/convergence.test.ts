import { describe, expect, it } from 'vitest';
import { maxRateGap, type SimWorker, simulate } from './index.js';

// Fair-time targets (BRIEF §5): the two jobs' 10-s window rates within 10% by 15 s after the second
// job starts, within 5% at steady state. Simulated workers differ in speed (1, 1.3, 1.6) and run
// two batch slots, every third one a single slot; batch service time has ±10% noise.
const SECOND_JOB_AT = 10_000;

function workers(n: number): SimWorker[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `w${i}`,
    speed: 1 + 0.3 * (i % 3),
    slots: i % 3 === 2 ? 1 : 2,
  }));
}

describe('fair-time convergence (simulated)', () => {
  for (const n of [2, 3, 8]) {
    for (const ratio of [1, 3, 10]) {
      it(`brings ${n} workers with a ${ratio}:1 cost ratio within 10% by 15 s and 5% at steady state`, () => {
        const r = simulate({
          workers: workers(n),
          jobs: [
            { jobId: 'cheap', expectedCost: 1 },
            { jobId: 'costly', expectedCost: ratio, startAtMs: SECOND_JOB_AT },
          ],
          durationMs: SECOND_JOB_AT + 60_000,
          seed: n * 100 + ratio,
        });
        expect(maxRateGap(r, SECOND_JOB_AT + 15_000, SECOND_JOB_AT + 60_000)).toBeLessThanOrEqual(0.1);
        expect(maxRateGap(r, SECOND_JOB_AT + 30_000, SECOND_JOB_AT + 60_000)).toBeLessThanOrEqual(0.05);
      });
    }
  }

  it('corrects a wrong expected cost from observations', () => {
    const r = simulate({
      workers: workers(3),
      jobs: [
        { jobId: 'cheap', expectedCost: 1 },
        { jobId: 'costly', expectedCost: 3, trueCost: 6, startAtMs: SECOND_JOB_AT },
      ],
      durationMs: SECOND_JOB_AT + 60_000,
    });
    expect(maxRateGap(r, SECOND_JOB_AT + 15_000, SECOND_JOB_AT + 60_000)).toBeLessThanOrEqual(0.1);
    expect(maxRateGap(r, SECOND_JOB_AT + 30_000, SECOND_JOB_AT + 60_000)).toBeLessThanOrEqual(0.05);
  });

  it('stops giving work to a worker that dies and re-converges without it', () => {
    const ws = workers(3).map((w) => (w.id === 'w1' ? { ...w, dieAtMs: 30_000 } : w));
    const r = simulate({
      workers: ws,
      jobs: [
        { jobId: 'cheap', expectedCost: 1 },
        { jobId: 'costly', expectedCost: 3, startAtMs: SECOND_JOB_AT },
      ],
      durationMs: 80_000,
      detectionDelayMs: 1000,
    });
    expect(r.batchesAfterRemoval).toBe(0);
    expect(r.scheduler.assignment().has('w1')).toBe(false);
    expect(r.scheduler.nextJob('w1', 80_000)).toBeUndefined();
    expect(r.scheduler.workersOf('cheap')).not.toContain('w1');
    expect(maxRateGap(r, 45_000, 80_000)).toBeLessThanOrEqual(0.1);
    expect(maxRateGap(r, 55_000, 80_000)).toBeLessThanOrEqual(0.05);
  });

  it('shrinks the share of a worker that slows down and re-converges', () => {
    const ws = workers(3).map((w) =>
      w.id === 'w0' ? { ...w, speedChanges: [{ atMs: 30_000, speed: 3 }] } : w,
    );
    const r = simulate({
      workers: ws,
      jobs: [
        { jobId: 'cheap', expectedCost: 1 },
        { jobId: 'costly', expectedCost: 3, startAtMs: SECOND_JOB_AT },
      ],
      durationMs: 80_000,
    });
    const snap = r.scheduler.snapshot(80_000);
    const w0 = snap.workers.find((w) => w.workerId === 'w0')!;
    const w1 = snap.workers.find((w) => w.workerId === 'w1')!;
    // w0 went from speed 1 to 3, w1 stays at 1.3: w0 now takes ~2.3× as long per query.
    expect(w0.predictedMsPerQuery.costly! / w1.predictedMsPerQuery.costly!).toBeGreaterThan(2);
    const total = (w: string): number => Object.values(r.completed[w] ?? {}).reduce((a, b) => a + b, 0);
    expect(total('w0')).toBeLessThan(total('w1'));
    expect(maxRateGap(r, 30_000, 80_000)).toBeLessThanOrEqual(0.1);
    expect(maxRateGap(r, 50_000, 80_000)).toBeLessThanOrEqual(0.05);
  });

  it('gives a joining worker work at once and re-converges with it', () => {
    const ws = [...workers(2), { id: 'late', speed: 1, slots: 2, joinAtMs: 30_500 }];
    let assignedOnJoin = false;
    const r = simulate({
      workers: ws,
      jobs: [
        { jobId: 'cheap', expectedCost: 1 },
        { jobId: 'costly', expectedCost: 10, startAtMs: SECOND_JOB_AT },
      ],
      durationMs: 80_000,
      onRebalance: (s, now) => {
        if (now === 31_000) assignedOnJoin = s.assignment().has('late');
      },
    });
    expect(r.firstBatchAt.late).toBe(30_500); // nextJob answered the moment it joined
    expect(assignedOnJoin).toBe(true);
    expect((r.completed.late?.cheap ?? 0) + (r.completed.late?.costly ?? 0)).toBeGreaterThan(0);
    expect(maxRateGap(r, 45_000, 80_000)).toBeLessThanOrEqual(0.1);
    expect(maxRateGap(r, 60_000, 80_000)).toBeLessThanOrEqual(0.05);
  });
});
