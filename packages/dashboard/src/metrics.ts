import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SourceState } from './snapshot.js';
import type { DashboardProcessing } from './source.js';

const QUANTILES: [string, keyof DashboardProcessing][] = [
  ['0.5', 'medianMs'],
  ['0.9', 'p90Ms'],
  ['0.95', 'p95Ms'],
  ['0.99', 'p99Ms'],
];

/**
 * One Prometheus registry per dashboard (never prom-client's global one, so two dashboards in one
 * process, as in tests, do not share series).
 *
 * Query counters: the coordinator exposes per-job totals, not each outcome, so `update` turns
 * totals into increments. A Counter never goes down: a total lower than the last one seen (which
 * would be a bug upstream) adds nothing. The counters start at the job's total when this process
 * first sees the job, which Prometheus' rate() reads as a counter reset, as it should.
 *
 * Processing time: a histogram fed by the coordinator's `recorded` events, plus the Tracker's own
 * quantiles as gauges (they cover the job since its start on this primary).
 */
export class DashboardMetrics {
  readonly registry = new Registry();
  private readonly seen = new Map<string, number>();
  private readonly queries: Counter<'job' | 'outcome'>;
  private readonly processing: Gauge<'job' | 'quantile'>;
  private readonly processingMean: Gauge<'job'>;
  private readonly rate: Gauge<'job'>;
  private readonly jobQueries: Gauge<'job' | 'state'>;
  private readonly assigned: Gauge<'job'>;
  private readonly members: Gauge<'role' | 'state'>;
  private readonly epoch: Gauge;
  private readonly isLeader: Gauge;
  readonly takeovers: Counter;
  readonly redispatched: Counter<'job'>;
  readonly workersLost: Counter;
  /** C2 per query (dispatch → recorded), observed as each task's outcomes are recorded on the primary. */
  readonly processingTime: Histogram<'job'>;

  constructor() {
    const registers = [this.registry];
    this.queries = new Counter({
      name: 'idunno_queries_total',
      help: 'Queries with a recorded outcome, by job and outcome (result|error).',
      labelNames: ['job', 'outcome'],
      registers,
    });
    this.processing = new Gauge({
      name: 'idunno_query_processing_seconds',
      help: 'C2 processing time quantiles per job, from the primary tracker (summary-style gauges: individual times are not observable here).',
      labelNames: ['job', 'quantile'],
      registers,
    });
    this.processingMean = new Gauge({
      name: 'idunno_query_processing_mean_seconds',
      help: 'Mean C2 processing time per job, from the primary tracker.',
      labelNames: ['job'],
      registers,
    });
    this.rate = new Gauge({
      name: 'idunno_job_rate_qps',
      help: 'Queries recorded per second, per running job.',
      labelNames: ['job'],
      registers,
    });
    this.jobQueries = new Gauge({
      name: 'idunno_job_queries',
      help: 'Queries per job by state (total|done|errors).',
      labelNames: ['job', 'state'],
      registers,
    });
    this.assigned = new Gauge({
      name: 'idunno_job_assigned_workers',
      help: 'Workers the scheduler assigns to each running job (known on the primary only).',
      labelNames: ['job'],
      registers,
    });
    this.members = new Gauge({
      name: 'idunno_members',
      help: 'Gossip members by role and state, as this node sees them.',
      labelNames: ['role', 'state'],
      registers,
    });
    this.epoch = new Gauge({ name: 'idunno_leader_epoch', help: 'Leader epoch this node knows.', registers });
    this.isLeader = new Gauge({
      name: 'idunno_is_leader',
      help: '1 while this coordinator is primary, else 0.',
      registers,
    });
    this.takeovers = new Counter({
      name: 'idunno_takeovers_total',
      help: 'Times this coordinator became primary (its first election included).',
      registers,
    });
    this.redispatched = new Counter({
      name: 'idunno_redispatched_queries_total',
      help: 'Queries this coordinator sent again after a task failed or timed out.',
      labelNames: ['job'],
      registers,
    });
    this.workersLost = new Counter({
      name: 'idunno_workers_lost_total',
      help: 'Workers this coordinator declared lost (their in-flight queries requeued).',
      registers,
    });
    this.processingTime = new Histogram({
      name: 'idunno_query_processing_time_seconds',
      help: 'Per-query processing time (task dispatch to recorded outcome) on this primary, by job.',
      labelNames: ['job'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Brings every series up to date with one read of the coordinator (called before each scrape). */
  update(state: SourceState): void {
    for (const { job, stats } of state.jobs) {
      const done = stats?.done ?? job.done;
      const errors = stats?.errors ?? job.errors;
      this.add(job.jobId, 'result', done - errors);
      this.add(job.jobId, 'error', errors);
    }
    // Gauges describe now: drop series of jobs and member states that no longer exist.
    for (const g of [this.processing, this.processingMean, this.rate, this.jobQueries, this.assigned])
      g.reset();
    for (const { job, stats, workers } of state.jobs) {
      const labels = { job: job.jobId };
      this.jobQueries.set({ ...labels, state: 'total' }, stats?.total ?? job.totalQueries);
      this.jobQueries.set({ ...labels, state: 'done' }, stats?.done ?? job.done);
      this.jobQueries.set({ ...labels, state: 'errors' }, stats?.errors ?? job.errors);
      if (job.state !== 'running') continue;
      if (stats) {
        this.rate.set(labels, stats.rateQps);
        for (const [q, key] of QUANTILES)
          this.processing.set({ ...labels, quantile: q }, stats.processing[key] / 1000);
        this.processingMean.set(labels, stats.processing.meanMs / 1000);
      }
      this.assigned.set(labels, workers.length);
    }
    this.members.reset();
    const counts = new Map<string, { role: string; state: string; n: number }>();
    for (const m of state.members) {
      const key = `${m.role}\u0000${m.state}`;
      const c = counts.get(key) ?? { role: m.role, state: m.state, n: 0 };
      c.n++;
      counts.set(key, c);
    }
    for (const c of counts.values()) this.members.set({ role: c.role, state: c.state }, c.n);
    this.epoch.set(state.epoch);
    this.isLeader.set(state.role === 'primary' ? 1 : 0);
  }

  /** Rate per job from a standby's derived rates (the primary's come with its stats). */
  setDerivedRate(jobId: string, qps: number): void {
    this.rate.set({ job: jobId }, qps);
  }

  private add(job: string, outcome: 'result' | 'error', total: number): void {
    const key = `${job}\u0000${outcome}`;
    const last = this.seen.get(key) ?? 0;
    if (total > last) {
      this.queries.inc({ job, outcome }, total - last);
      this.seen.set(key, total);
    } else if (!this.seen.has(key)) {
      this.queries.inc({ job, outcome }, 0); // the series exists from the first scrape, at 0
      this.seen.set(key, 0);
    }
  }
}
