import { type Logger, silentLogger } from '@idunno/log';
import type { ChangeEvent, JobRecord, JobSnapshot, Query, StateStore } from '@idunno/state';
import { RateWindow } from './stats.js';

/** One job as the mirror knows it. */
export interface MirroredJob {
  job: JobRecord;
  queries: Query[];
  /** queryId → recorded outcome (the store's record-once guarantee carries over). */
  outcomes: Map<string, { kind: 'result' | 'error'; payload: string }>;
  errors: number;
  /** Outcomes per second seen in the stream (Redis clock), for a standby's live stats. */
  rate: RateWindow;
}

/**
 * A warm copy of the shared state, kept by following Redis's change stream (not by periodic
 * snapshots). Every coordinator runs one: a standby serves reads from it and takes over without
 * re-reading everything; a primary uses it to write its state back if Redis comes back empty.
 *
 * Applying an event is idempotent, so a resync may start from a stream position slightly older
 * than the data it read. A gap in the gap-free `seq`, or a stream that moved backwards (Redis
 * restarted), triggers a resync from Redis — except that a Redis that came back *empty* never
 * wipes the mirror: its jobs are kept and marked for restore.
 */
export class StateMirror {
  readonly jobs = new Map<string, MirroredJob>();
  private lastId = '0-0';
  private lastSeq = 0;
  /** True once a resync completed and every event since has been applied in order. */
  synced = false;
  /** Jobs the mirror holds that Redis lost (it came back empty): the next primary restores them. */
  readonly lost = new Set<string>();
  private running = false;
  private stopped = false;

  constructor(
    private readonly store: StateStore,
    private readonly log: Logger = silentLogger,
  ) {}

  /** Follows the stream until stop(); survives Redis restarts. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.synced) await this.resync();
        const events = await this.store.readChanges(this.lastId, { blockMs: 500, count: 1000 });
        if (events.length === 0) await this.checkRewound();
        for (const e of events) await this.apply(e);
      } catch (err) {
        this.synced = false;
        this.log.debug('mirror_follow_failed', { error: err });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** The stream's newest id is older than ours: Redis restarted and lost entries. */
  private async checkRewound(): Promise<void> {
    const latest = await this.store.latestChangeId();
    if (compareIds(latest, this.lastId) < 0) {
      this.log.warn('mirror_stream_rewound', { latest, last: this.lastId });
      this.synced = false;
    }
  }

  /** Loads everything from Redis, then follows from the stream position read first. */
  async resync(): Promise<void> {
    const from = await this.store.latestChangeId();
    const records = await this.store.listJobs();
    const present = new Set(records.map((r) => r.jobId));
    for (const [jobId] of this.jobs) {
      // Redis forgot a job we know: keep it for restore rather than lose it.
      if (!present.has(jobId)) this.lost.add(jobId);
    }
    for (const job of records) {
      const queries = await this.store.listQueries(job.jobId);
      const outcomes = new Map<string, { kind: 'result' | 'error'; payload: string }>();
      for (let offset = 0; ; offset += 5000) {
        const page = await this.store.getResults(job.jobId, { offset, limit: 5000 });
        for (const o of page) outcomes.set(o.queryId, { kind: o.kind, payload: o.payload });
        if (page.length < 5000) break;
      }
      const prev = this.jobs.get(job.jobId);
      const errors = [...outcomes.values()].filter((o) => o.kind === 'error').length;
      this.jobs.set(job.jobId, { job, queries, outcomes, errors, rate: prev?.rate ?? new RateWindow() });
      this.lost.delete(job.jobId);
    }
    this.lastId = from;
    this.lastSeq = 0; // unknown until the next event
    this.synced = true;
    this.log.info('mirror_synced', { jobs: this.jobs.size, lost: this.lost.size });
  }

  private async apply(e: ChangeEvent): Promise<void> {
    if (this.lastSeq !== 0 && e.seq !== this.lastSeq + 1) {
      this.log.warn('mirror_gap', { expected: this.lastSeq + 1, got: e.seq });
      this.synced = false;
      return;
    }
    this.lastSeq = e.seq;
    this.lastId = e.id;
    switch (e.type) {
      case 'job-added': {
        const now = e.at;
        const job: JobRecord = {
          jobId: e.jobId,
          model: e.model,
          inputs: e.inputs,
          batchSize: e.batchSize,
          topK: e.topK,
          state: 'added',
          epoch: e.epoch,
          createdAt: now,
          updatedAt: now,
          totalQueries: 0,
          done: 0,
          errors: 0,
          duplicates: 0,
        };
        this.jobs.set(e.jobId, { job, queries: [], outcomes: new Map(), errors: 0, rate: new RateWindow() });
        return;
      }
      case 'job-state': {
        const j = this.jobs.get(e.jobId);
        if (!j) return;
        j.job = {
          ...j.job,
          state: e.state,
          updatedAt: e.at,
          ...(e.state === 'running' ? { startedAt: e.at } : {}),
          ...(e.state === 'completed' ? { completedAt: e.at } : {}),
        };
        return;
      }
      case 'batch-size': {
        const j = this.jobs.get(e.jobId);
        if (j) j.job = { ...j.job, batchSize: e.batchSize };
        return;
      }
      case 'queries-appended': {
        const j = this.jobs.get(e.jobId);
        if (!j) return;
        const added = await this.store.listQueries(e.jobId, { offset: e.from, limit: e.count });
        for (const [i, q] of added.entries()) j.queries[e.from + i] = q;
        j.job = { ...j.job, totalQueries: j.queries.length };
        return;
      }
      case 'outcomes-recorded': {
        const j = this.jobs.get(e.jobId);
        if (!j) return;
        for (const it of e.items) this.addOutcome(j, it.queryId, it.kind, it.payload, e.at);
        j.job = { ...j.job, done: j.outcomes.size, errors: j.errors };
        return;
      }
      case 'job-restored':
        this.synced = false; // reload it with everything else
        return;
      default:
        return;
    }
  }

  private addOutcome(
    j: MirroredJob,
    queryId: string,
    kind: 'result' | 'error',
    payload: string,
    at: number,
  ): void {
    if (j.outcomes.has(queryId)) return;
    j.outcomes.set(queryId, { kind, payload });
    if (kind === 'error') j.errors++;
    j.rate.add(at);
  }

  /** What a primary writes back for a job Redis lost. */
  snapshot(jobId: string): JobSnapshot | undefined {
    const j = this.jobs.get(jobId);
    if (!j) return undefined;
    const results: { queryId: string; payload: string }[] = [];
    const errors: { queryId: string; payload: string }[] = [];
    for (const [queryId, o] of j.outcomes)
      (o.kind === 'result' ? results : errors).push({ queryId, payload: o.payload });
    const { job } = j;
    return {
      job: {
        jobId: job.jobId,
        model: job.model,
        inputs: job.inputs,
        batchSize: job.batchSize,
        topK: job.topK,
        state: job.state,
        createdAt: job.createdAt,
        ...(job.startedAt !== undefined ? { startedAt: job.startedAt } : {}),
        ...(job.completedAt !== undefined ? { completedAt: job.completedAt } : {}),
      },
      queries: j.queries,
      results,
      errors,
    };
  }
}

/** Orders Redis stream ids "<ms>-<seq>". */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am === bm ? as - bs : am - bm;
}
