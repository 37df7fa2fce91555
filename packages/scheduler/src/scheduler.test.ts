import { mulberry32 } from '@idunno/random';
import { describe, expect, it } from 'vitest';
import {
  type Assignment,
  ClockWentBackwardsError,
  DEFAULT_MAX_RUNNING_JOBS,
  DEFAULT_REBALANCE_INTERVAL_MS,
  DEFAULT_WINDOW_MS,
  DuplicateJobError,
  defaultSchedulerOptions,
  InvalidCompletionError,
  InvalidCostError,
  Scheduler,
  SchedulerOptionsError,
  TooManyJobsError,
} from './index.js';

function checkInvariants(s: Scheduler, alive: ReadonlySet<string>, jobs: ReadonlySet<string>): void {
  const a: Assignment = s.assignment();
  expect(jobs.size).toBeLessThanOrEqual(s.options.maxRunningJobs);
  if (jobs.size === 0 || alive.size === 0) {
    expect(a.size).toBe(0);
    return;
  }
  // A Map holds each key once: every worker appears at most once; here, exactly the alive ones.
  expect(new Set(a.keys())).toEqual(alive);
  for (const weights of a.values()) {
    let sum = 0;
    for (const [jobId, w] of weights) {
      expect(jobs.has(jobId)).toBe(true);
      expect(w).toBeGreaterThanOrEqual(0);
      sum += w;
    }
    expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-9);
  }
  for (const jobId of jobs) expect(s.workersOf(jobId).length).toBeGreaterThan(0);
}

describe('Scheduler options', () => {
  it('uses the documented defaults', () => {
    const s = new Scheduler();
    expect(s.options.windowMs).toBe(DEFAULT_WINDOW_MS);
    expect(s.options.rebalanceIntervalMs).toBe(DEFAULT_REBALANCE_INTERVAL_MS);
    expect(s.options.maxRunningJobs).toBe(DEFAULT_MAX_RUNNING_JOBS);
    expect(defaultSchedulerOptions()).toEqual(s.options);
    expect(defaultSchedulerOptions()).not.toBe(defaultSchedulerOptions());
  });

  it('rejects out-of-range options with a typed error naming the option', () => {
    for (const [option, value] of [
      ['windowMs', 0],
      ['rebalanceIntervalMs', -1],
      ['maxRunningJobs', 1.5],
      ['feedbackGain', Number.NaN],
      ['minWeight', 0.5],
    ] as const) {
      try {
        new Scheduler({ [option]: value });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(SchedulerOptionsError);
        expect((err as SchedulerOptionsError).name).toBe('SchedulerOptionsError');
        expect((err as SchedulerOptionsError).option).toBe(option);
      }
    }
  });
});

describe('Scheduler', () => {
  it('gives every alive worker weight 1 for the only running job', () => {
    const s = new Scheduler();
    s.setWorkers(['w1', 'w2'], 0);
    s.addJob({ jobId: 'a', expectedCost: 1 }, 0);
    expect([...s.assignment()].map(([w, m]) => [w, [...m]])).toEqual([
      ['w1', [['a', 1]]],
      ['w2', [['a', 1]]],
    ]);
    expect(s.nextJob('w1', 1)).toBe('a');
    expect(s.workersOf('a')).toEqual(['w1', 'w2']);
  });

  it('splits workers by expected cost as soon as the second job starts', () => {
    const s = new Scheduler();
    s.setWorkers(['w1', 'w2'], 0);
    s.addJob({ jobId: 'cheap', expectedCost: 1 }, 0);
    s.addJob({ jobId: 'costly', expectedCost: 3 }, 0);
    // Equal workers, 3:1 cost: a quarter of the time for the cheap job gives equal rates.
    for (const weights of s.assignment().values()) {
      expect(weights.get('cheap')).toBeCloseTo(0.25, 9);
      expect(weights.get('costly')).toBeCloseTo(0.75, 9);
    }
  });

  it('has no assignment and hands out nothing while no job runs', () => {
    const s = new Scheduler();
    s.setWorkers(['w1'], 0);
    expect(s.assignment().size).toBe(0);
    expect(s.nextJob('w1', 0)).toBeUndefined();
    expect(s.nextJob('unknown', 0)).toBeUndefined();
  });

  it('refuses a third job with TooManyJobsError carrying the counts', () => {
    const s = new Scheduler();
    s.addJob({ jobId: 'a', expectedCost: 1 }, 0);
    s.addJob({ jobId: 'b', expectedCost: 2 }, 0);
    try {
      s.addJob({ jobId: 'c', expectedCost: 1 }, 0);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TooManyJobsError);
      expect(err).toMatchObject({ name: 'TooManyJobsError', running: 2, max: 2 });
    }
    expect(s.removeJob('a', 1)).toBe(true);
    expect(s.removeJob('a', 1)).toBe(false);
    expect(() => s.addJob({ jobId: 'c', expectedCost: 1 }, 1)).not.toThrow();
  });

  it('rejects duplicate jobs, bad costs, bad completions and a clock going backwards', () => {
    const s = new Scheduler();
    s.addJob({ jobId: 'a', expectedCost: 1 }, 10);
    expect(() => s.addJob({ jobId: 'a', expectedCost: 1 }, 10)).toThrow(DuplicateJobError);
    expect(() => s.addJob({ jobId: 'b', expectedCost: 0 }, 10)).toThrow(InvalidCostError);
    expect(() => s.recordCompletion({ jobId: 'a', workerId: 'w', queries: -1, busyMs: 1 }, 10)).toThrow(
      InvalidCompletionError,
    );
    expect(() => s.rebalance(5)).toThrow(ClockWentBackwardsError);
  });

  it('measures each job rate over the window from completions', () => {
    const s = new Scheduler();
    s.setWorkers(['w1'], 0);
    s.addJob({ jobId: 'a', expectedCost: 1 }, 0);
    for (let t = 100; t <= 20_000; t += 100) {
      s.recordCompletion({ jobId: 'a', workerId: 'w1', queries: 2, busyMs: 100 }, t);
    }
    expect(s.rates(20_000).get('a')).toBeCloseTo(20, 6);
    // A late completion for a removed worker still counts; one for an unknown job is ignored.
    s.setWorkers([], 20_000);
    s.recordCompletion({ jobId: 'a', workerId: 'w1', queries: 10, busyMs: 100 }, 20_000);
    s.recordCompletion({ jobId: 'zzz', workerId: 'w1', queries: 10, busyMs: 100 }, 20_000);
    expect(s.rates(20_000).get('a')).toBeCloseTo(21, 6);
  });

  it('produces a JSON-able snapshot with weights, rates and per-worker ms per query', () => {
    const s = new Scheduler();
    s.setWorkers(['w1', 'w2'], 0);
    s.addJob({ jobId: 'a', expectedCost: 1 }, 0);
    s.addJob({ jobId: 'b', expectedCost: 3 }, 0);
    s.recordCompletion({ jobId: 'a', workerId: 'w1', queries: 4, busyMs: 40 }, 50);
    s.rebalance(1000);
    const snap = JSON.parse(JSON.stringify(s.snapshot(1000)));
    expect(snap.jobs.map((j: { jobId: string }) => j.jobId)).toEqual(['a', 'b']);
    expect(snap.workers[0].observedMsPerQuery.a).toBe(10);
    expect(snap.workers[0].predictedMsPerQuery.b).toBeCloseTo(30, 6);
    expect(snap.workers[0].weights.a + snap.workers[0].weights.b).toBeCloseTo(1, 9);
  });

  it('keeps its invariants under random membership, jobs and completions', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rnd = mulberry32(seed);
      const maxRunningJobs = 1 + Math.floor(rnd() * 3);
      const s = new Scheduler({ maxRunningJobs });
      const pool = Array.from({ length: 10 }, (_, i) => `w${i}`);
      let alive = new Set<string>();
      const jobs = new Set<string>();
      let now = 0;
      let nextJobId = 0;
      for (let step = 0; step < 200; step++) {
        now += Math.floor(rnd() * 400);
        const op = rnd();
        if (op < 0.15) {
          alive = new Set(pool.filter(() => rnd() < 0.6));
          s.setWorkers([...alive, ...alive], now); // duplicates are ignored
        } else if (op < 0.25) {
          const jobId = `j${nextJobId++}`;
          if (jobs.size >= maxRunningJobs) {
            expect(() => s.addJob({ jobId, expectedCost: 0.5 + rnd() * 10 }, now)).toThrow(TooManyJobsError);
          } else {
            s.addJob({ jobId, expectedCost: 0.5 + rnd() * 10 }, now);
            jobs.add(jobId);
          }
        } else if (op < 0.3 && jobs.size > 0) {
          const jobId = [...jobs][Math.floor(rnd() * jobs.size)]!;
          s.removeJob(jobId, now);
          jobs.delete(jobId);
        } else if (op < 0.8) {
          const workerId = pool[Math.floor(rnd() * pool.length)]!;
          const jobId = s.nextJob(workerId, now);
          if (!alive.has(workerId) || jobs.size === 0) expect(jobId).toBeUndefined();
          else expect(jobs.has(jobId!)).toBe(true);
          if (jobId !== undefined) {
            const queries = 1 + Math.floor(rnd() * 8);
            s.recordCompletion({ jobId, workerId, queries, busyMs: queries * (1 + rnd() * 50) }, now);
          }
        } else {
          s.rebalance(now);
        }
        checkInvariants(s, alive, jobs);
        for (const w of s.assignment().keys()) expect(alive.has(w)).toBe(true);
      }
    }
  });
});

describe('a very cheap job', () => {
  it('still gets turns next to a job a thousand times more expensive', () => {
    const s = new Scheduler();
    let t = 0;
    s.setWorkers(['w1', 'w2', 'w3'], t);
    s.addJob({ jobId: 'vit', expectedCost: 1.1 }, t);
    s.addJob({ jobId: 'tiny', expectedCost: 0.0006 }, t);
    expect(s.workersOf('tiny').length).toBeGreaterThan(0);
    const turns = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      t += 50;
      for (const w of ['w1', 'w2', 'w3']) {
        const job = s.nextJob(w, t)!;
        turns.set(job, (turns.get(job) ?? 0) + 1);
        s.recordCompletion({ jobId: job, workerId: w, queries: 8, busyMs: job === 'vit' ? 40 : 2 }, t);
      }
      if (i % 20 === 0) s.rebalance(t);
    }
    expect(turns.get('tiny') ?? 0).toBeGreaterThan(10);
  });
});
