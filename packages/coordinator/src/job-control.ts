/**
 * Job control: the changes a user asks for (add, start, stop, set batch size), each validated
 * against the wire contract's limits, and the loading of the running jobs when a term begins.
 * Changes are the primary's only, and every write carries its epoch: a refusal by the store's
 * fencing ends the term (Term.fence) before the error reaches the caller.
 */
import { invalidJobIdMessage, isValidJobId, MAX_TOP_K } from '@idunno/client';
import type { Logger } from '@idunno/log';
import { getModel } from '@idunno/models';
import { DuplicateJobError, TooManyJobsError } from '@idunno/scheduler';
import { JobExistsError, type JobRecord, type JobSpec, type StateStore } from '@idunno/state';
import type { Dispatcher } from './dispatcher.js';
import { InvalidJobRequestError, JobCompletedError } from './errors.js';
import { remoteWorkers, type ThisMachine, thisMachine, unreachableInputs } from './input-reach.js';
import { expandJobInputs } from './job-input.js';
import type { StateMirror } from './mirror.js';
import type { Clock } from './ports.js';
import type { Term } from './term.js';
import { Tracker } from './tracker.js';
import type { WorkerPool } from './worker-pool.js';

export interface JobControlOptions {
  maxRunningJobs: number;
  defaultBatchSize: number;
  maxBatchSize: number;
  defaultTopK: number;
}

/** What add-job asks for; unset numbers take the coordinator's defaults. */
export interface AddJobRequest {
  jobId: string;
  model: string;
  inputs: readonly string[];
  batchSize?: number;
  topK?: number;
  /** Local paths are mounted on every worker: no refusal when workers run on other hosts. @default false */
  sharedFilesystem?: boolean;
}

export class JobControl {
  constructor(
    private readonly term: Term,
    private readonly store: StateStore,
    private readonly mirror: StateMirror,
    private readonly pool: WorkerPool,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    private readonly options: JobControlOptions,
    private readonly log: Logger,
    /** Which worker addresses are on this machine (tests pass their own). */
    private readonly isThisMachine: ThisMachine = thisMachine(),
  ) {}

  async addJob(req: AddJobRequest): Promise<JobRecord> {
    this.term.requirePrimary();
    if (!isValidJobId(req.jobId)) throw new InvalidJobRequestError('job_id', invalidJobIdMessage(req.jobId));
    getModel(req.model); // UnknownModelError lists the known models
    const batchSize = this.validBatchSize(req.batchSize ?? this.options.defaultBatchSize);
    const topK = req.topK ?? this.options.defaultTopK;
    if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
      throw new InvalidJobRequestError(
        'top_k',
        `top-k must be an integer from 1 to ${MAX_TOP_K}, got ${topK}`,
      );
    }
    if (req.inputs.length === 0)
      throw new InvalidJobRequestError('inputs', 'add-job needs at least one --input');
    // Refuse a taken name before expanding the inputs (which may list a directory of thousands);
    // addJob's script refuses it again atomically.
    const existing = await this.store.getJob(req.jobId).catch(() => undefined);
    if (existing) throw new JobExistsError(req.jobId);
    const queries = await expandJobInputs(req.inputs);
    if (!req.sharedFilesystem) {
      const why = unreachableInputs(queries, remoteWorkers(this.pool.workers(), this.isThisMachine));
      if (why) throw new InvalidJobRequestError('inputs', why);
    }
    const spec: JobSpec = { jobId: req.jobId, model: req.model, inputs: [...req.inputs], batchSize, topK };
    const epoch = this.term.epoch;
    try {
      await this.store.addJob(spec, epoch);
      await this.store.appendQueries(req.jobId, queries, epoch);
    } catch (err) {
      this.term.fence(err);
      throw err;
    }
    this.log.info('job_added', { jobId: req.jobId, model: req.model, queries: queries.length, batchSize });
    this.pool.warm(req.model);
    return this.store.getJob(req.jobId);
  }

  validBatchSize(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > this.options.maxBatchSize) {
      throw new InvalidJobRequestError(
        'batch_size',
        `batch size must be an integer from 1 to ${this.options.maxBatchSize}, got ${n}`,
      );
    }
    return n;
  }

  async startJob(jobId: string): Promise<JobRecord> {
    this.term.requirePrimary();
    const job = await this.store.getJob(jobId);
    if (job.state === 'running' && this.term.trackers.has(jobId)) return job;
    if (job.state === 'completed') throw new JobCompletedError(jobId);
    const running = [...this.term.trackers.values()].filter((t) => t.job.state === 'running').length;
    if (running >= this.options.maxRunningJobs)
      throw new TooManyJobsError(running, this.options.maxRunningJobs);
    try {
      await this.store.setJobState(jobId, 'running', this.term.epoch);
    } catch (err) {
      this.term.fence(err);
      throw err;
    }
    const now = this.clock.monotonic();
    const record = await this.store.getJob(jobId);
    const tracker = await this.loadTracker(record, now);
    this.term.trackers.set(jobId, tracker);
    if (tracker.isComplete()) {
      await this.dispatcher.completeJob(tracker);
    } else {
      this.addToScheduler(record);
      this.pool.warm(record.model);
      this.log.info('job_started', { jobId, pending: tracker.total - tracker.doneCount });
      this.term.events.emit('job-started', { jobId });
      this.dispatcher.pump();
    }
    return this.store.getJob(jobId);
  }

  async stopJob(jobId: string): Promise<JobRecord> {
    this.term.requirePrimary();
    const job = await this.store.getJob(jobId);
    if (job.state === 'completed') throw new JobCompletedError(jobId);
    try {
      await this.store.setJobState(jobId, 'stopped', this.term.epoch);
    } catch (err) {
      this.term.fence(err);
      throw err;
    }
    this.term.scheduler.removeJob(jobId, this.clock.monotonic());
    this.term.trackers.delete(jobId);
    this.log.info('job_stopped', { jobId });
    return this.store.getJob(jobId);
  }

  async setBatchSize(jobId: string, batchSize: number): Promise<JobRecord> {
    this.term.requirePrimary();
    this.validBatchSize(batchSize);
    try {
      await this.store.setBatchSize(jobId, batchSize, this.term.epoch);
    } catch (err) {
      this.term.fence(err);
      throw err;
    }
    this.term.trackers.get(jobId)?.setBatchSize(batchSize); // takes effect on the next batch
    return this.store.getJob(jobId);
  }

  /**
   * A new term at `epoch` loads the running jobs into Trackers. Redis that came back without jobs
   * this coordinator still mirrors gets them written back first.
   */
  async loadRunningJobs(epoch: number): Promise<void> {
    const now = this.clock.monotonic();
    let jobs = await this.store.listJobs();
    const present = new Set(jobs.map((j) => j.jobId));
    let restored = 0;
    for (const jobId of this.mirror.jobs.keys()) {
      if (present.has(jobId)) continue;
      const snapshot = this.mirror.snapshot(jobId);
      if (!snapshot) continue;
      await this.store.restoreJob(snapshot, epoch);
      restored++;
      this.log.warn('job_restored', {
        jobId,
        queries: snapshot.queries.length,
        outcomes: snapshot.results.length + snapshot.errors.length,
      });
    }
    if (restored > 0) jobs = await this.store.listJobs();
    for (const job of jobs) {
      if (job.state !== 'running') continue;
      this.term.trackers.set(job.jobId, await this.loadTracker(job, now));
    }
  }

  /** After loading: a job already complete is marked so, the others go to the Scheduler. */
  async scheduleLoadedJobs(): Promise<void> {
    for (const tracker of this.term.trackers.values()) {
      if (tracker.isComplete()) await this.dispatcher.completeJob(tracker);
      else this.addToScheduler(tracker.job);
    }
  }

  /**
   * A Tracker for a running job. The query list (the big part) comes from the warm mirror when it
   * holds all of it; which queries still lack an outcome always comes from Redis, the authority.
   */
  private async loadTracker(job: JobRecord, now: number): Promise<Tracker> {
    const mirrored = this.mirror.jobs.get(job.jobId)?.queries;
    const warm = mirrored !== undefined && mirrored.length === job.totalQueries && mirrored.every(Boolean);
    const [queries, pending] = await Promise.all([
      warm ? Promise.resolve(mirrored) : this.store.listQueries(job.jobId),
      this.store.pendingQueries(job.jobId),
    ]);
    const waiting = new Set(pending);
    const recorded = queries.filter((q) => !waiting.has(q.id)).map((q) => q.id);
    return new Tracker(job, queries, recorded, job.errors, now);
  }

  private addToScheduler(job: JobRecord): void {
    // Read the clock here, not before an await: the Scheduler refuses time that goes backwards.
    try {
      this.term.scheduler.addJob(
        { jobId: job.jobId, expectedCost: getModel(job.model).relativeCost },
        this.clock.monotonic(),
      );
    } catch (err) {
      if (!(err instanceof DuplicateJobError)) throw err;
    }
  }
}
