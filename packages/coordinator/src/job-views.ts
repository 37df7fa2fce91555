/**
 * What readers see: jobs with live stats where this coordinator tracks them (the primary), the
 * counts and rate of the change stream on a standby, the stored counts otherwise; which workers
 * serve which job; pages of recorded outcomes.
 */
import type { JobRecord, StateStore } from '@idunno/state';
import type { StateMirror } from './mirror.js';
import type { Clock } from './ports.js';
import type { Term } from './term.js';
import type { TrackerStats } from './tracker.js';
import type { WorkerPool } from './worker-pool.js';
import type { WorkerInfo } from './workers.js';

export interface JobView {
  job: JobRecord;
  stats: TrackerStats | undefined;
  workers: string[];
  /** live: the primary's Trackers; mirror: a standby's copy of the change stream; redis: stored counts. */
  source: 'live' | 'mirror' | 'redis';
}

/** One job's workers and the share of each worker's time it gets. */
export interface JobAssignment {
  jobId: string;
  workers: { workerId: string; address: string; weight: number }[];
}

export class JobViews {
  constructor(
    private readonly term: Term,
    private readonly store: StateStore,
    private readonly mirror: StateMirror,
    private readonly pool: WorkerPool,
    private readonly clock: Clock,
  ) {}

  /** Jobs with live stats where this coordinator tracks them (primary), stored counts otherwise. */
  async jobs(jobId?: string): Promise<JobView[]> {
    const records = jobId ? [await this.store.getJob(jobId)] : await this.store.listJobs();
    const now = this.clock.monotonic();
    return records.map((job): JobView => {
      const tracker = this.term.trackers.get(job.jobId);
      if (tracker) {
        return {
          job: { ...job, done: tracker.doneCount },
          stats: tracker.stats(now),
          workers: job.state === 'running' ? this.workersOf(job.jobId) : [],
          source: 'live',
        };
      }
      const m = this.mirror.jobs.get(job.jobId);
      if (!m || this.term.isPrimary) return { job, stats: undefined, workers: [], source: 'redis' };
      // A standby's view: counts and the rate of outcomes as seen in the change stream.
      const done = Math.max(job.done, m.outcomes.size);
      // The stream's times come from the Redis clock: wall time, not this process's monotonic clock.
      const rateQps = job.state === 'running' ? m.rate.rate(this.clock.wall(), job.startedAt ?? 0) : 0;
      const remaining = Math.max(0, job.totalQueries - done);
      return {
        job: { ...job, done },
        stats: {
          total: job.totalQueries,
          done,
          errors: Math.max(job.errors, m.errors),
          pending: remaining,
          inFlight: 0,
          rateQps,
          processing: { meanMs: 0, stddevMs: 0, medianMs: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0 },
          etaS: rateQps > 0 ? remaining / rateQps : 0,
          redispatched: 0,
        },
        workers: [],
        source: 'mirror',
      };
    });
  }

  workersOf(jobId: string): string[] {
    return this.term.scheduler.workersOf(jobId);
  }

  assignment(): JobAssignment[] {
    const out = new Map<string, JobAssignment['workers']>();
    for (const [workerId, jobs] of this.term.scheduler.assignment()) {
      for (const [jobId, weight] of jobs) {
        if (weight <= 0) continue;
        const list = out.get(jobId) ?? [];
        list.push({ workerId, address: this.pool.address(workerId), weight });
        out.set(jobId, list);
      }
    }
    return [...out].map(([jobId, workers]) => ({ jobId, workers }));
  }

  /** A page of recorded outcomes, in recording order. */
  async results(
    jobId: string,
    offset: number,
    limit: number,
  ): Promise<{ queryId: string; uri: string; kind: string; payload: string }[]> {
    await this.store.getJob(jobId); // JobNotFoundError for an unknown job
    return this.store.getResults(jobId, { offset, limit });
  }

  workerList(): WorkerInfo[] {
    return this.pool.workers();
  }
}
