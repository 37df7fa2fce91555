import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import {
  CoordinatorConnection,
  encodeError,
  encodeResult,
  fromServiceError,
  invalidJobIdMessage,
  isValidJobId,
  MAX_TOP_K,
  NotLeaderError,
  StaleEpochError,
  WorkerConnection,
} from '@idunno/client';
import { type Logger, silentLogger } from '@idunno/log';
import { getModel } from '@idunno/models';
import type { QueryResult__Output } from '@idunno/proto';
import { DuplicateJobError, Scheduler, TooManyJobsError } from '@idunno/scheduler';
import {
  JobExistsError,
  type JobRecord,
  type JobSpec,
  LeaseClock,
  LeaseLostError,
  type StateStore,
  StoreBehindError,
} from '@idunno/state';
import { InvalidJobRequestError, JobCompletedError } from './errors.js';
import { expandJobInputs } from './job-input.js';
import { StateMirror } from './mirror.js';
import { type CoordinatorOptions, resolveCoordinatorOptions } from './options.js';
import { type Task, Tracker, type TrackerStats } from './tracker.js';
import type { WorkerDirectory, WorkerInfo } from './workers.js';

export type Role = 'primary' | 'standby';

/**
 * What a standby knows about its peers from gossip: where a coordinator's control API listens,
 * and whether gossip has declared it dead. Either is strong evidence for an early takeover.
 */
export interface PeerView {
  controlAddress(nodeId: string): string | undefined;
  isDead(nodeId: string): boolean;
}

/** Events for logs, the dashboard and tests. */
export interface CoordinatorEvents {
  role: [{ role: Role; epoch: number }];
  'job-started': [{ jobId: string }];
  'job-completed': [{ jobId: string }];
  'worker-lost': [{ workerId: string; requeued: number; reason: string }];
  'worker-joined': [{ workerId: string }];
  redispatch: [{ jobId: string; taskId: string; workerId: string; queries: number; reason: string }];
  'first-dispatch': [{ epoch: number }];
  /** Outcomes of one task recorded for the first time, with each query's processing time. */
  recorded: [{ jobId: string; processingMs: number; count: number }];
}

export interface JobView {
  job: JobRecord;
  stats: TrackerStats | undefined;
  workers: string[];
  /** live: the primary's Trackers; mirror: a standby's copy of the change stream; redis: stored counts. */
  source: 'live' | 'mirror' | 'redis';
}

interface WorkerSlot {
  info: WorkerInfo;
  conn: WorkerConnection;
  inFlight: number;
  backoffUntil: number;
}

/**
 * One coordinator process's brain. Whether it is primary or standby is decided by the lease in
 * Redis, never by configuration: it tries for the lease every tick while standby, renews it while
 * primary, and stops dispatching on its own (monotonic clock) when a renewal has not succeeded in
 * time. As primary it keeps a Tracker per running job, asks the Scheduler which job each free
 * worker slot serves, dispatches batches with the epoch, and records each outcome once through
 * the store's fenced scripts.
 */
export class Coordinator extends EventEmitter<CoordinatorEvents> {
  readonly options: CoordinatorOptions & { controlAddress: string };
  private roleNow: Role = 'standby';
  private epochNow = 0;
  private lastKnownEpoch = 0;
  private readonly leaseClock: LeaseClock;
  private readonly scheduler: Scheduler;
  private readonly trackers = new Map<string, Tracker>();
  private readonly slots = new Map<string, WorkerSlot>();
  private readonly attempts = new Map<string, number>(); // `${jobId}\u0000${queryId}` → failed attempts
  private readonly observedMsPerQuery = new Map<string, number>(); // jobId → EWMA
  private timers: NodeJS.Timeout[] = [];
  private taskSeq = 0;
  private leaseBusy = false;
  private pumping = false;
  private firstDispatchPending = false;
  private stopped = false;
  private leaderId: string | null = null;
  private seenLease: { holder: string; epoch: number } | undefined;
  private probe:
    | { address: string; conn: CoordinatorConnection; refusals: number; busy: boolean }
    | undefined;
  /** Warm copy of the shared state, following Redis's change stream. */
  readonly mirror: StateMirror;
  /** Set by the app: gossip's view of the other coordinators. */
  peers: PeerView | undefined;
  private readonly log: Logger;
  private readonly monotonic = () => performance.now();

  constructor(
    private readonly store: StateStore,
    private readonly directory: WorkerDirectory,
    options: Partial<CoordinatorOptions> & { nodeId: string; controlAddress: string },
    logger: Logger = silentLogger,
    /** Monotonic clock (ms) for the Scheduler, deadlines and rate windows. */
    private readonly now: () => number = () => performance.now(),
  ) {
    super();
    this.options = resolveCoordinatorOptions(options);
    this.log = logger;
    this.leaseClock = new LeaseClock({ ttlMs: this.options.leaseTtlMs });
    this.mirror = new StateMirror(store, logger.child({ part: 'mirror' }));
    this.scheduler = new Scheduler({
      maxRunningJobs: this.options.maxRunningJobs,
      rebalanceIntervalMs: this.options.rebalanceIntervalMs,
    });
    directory.onChange(() => this.syncWorkers());
  }

  /** Where this coordinator's control API listens, once bound (reported by Leader()). */
  setControlAddress(address: string): void {
    this.options.controlAddress = address;
  }

  get role(): Role {
    return this.roleNow;
  }

  get epoch(): number {
    return this.epochNow;
  }

  get leader(): string | null {
    return this.roleNow === 'primary' ? this.options.nodeId : this.leaderId;
  }

  /** Starts the leadership loop (and, once leading, dispatching). */
  start(): void {
    this.mirror.start();
    this.timers.push(setInterval(() => void this.leaseTick(), this.options.leaseTickMs));
    this.timers.push(setInterval(() => this.housekeeping(), this.options.pumpIntervalMs));
    this.timers.push(setInterval(() => void this.probeLeader(), this.options.probeIntervalMs));
    this.timers.push(
      setInterval(() => {
        if (this.roleNow === 'primary') this.scheduler.rebalance(this.now());
      }, this.options.rebalanceIntervalMs),
    );
    void this.leaseTick();
  }

  /** Stops timers; a primary releases its lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.mirror.stop();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const wasPrimary = this.roleNow === 'primary';
    const epoch = this.epochNow;
    this.demote('shutdown');
    if (wasPrimary) await this.store.releaseLease(this.options.nodeId, epoch).catch(() => false);
    for (const s of this.slots.values()) s.conn.close();
    this.slots.clear();
  }

  // ---- leadership ---------------------------------------------------------------------------

  private async leaseTick(): Promise<void> {
    if (this.leaseBusy || this.stopped) return;
    this.leaseBusy = true;
    try {
      if (this.roleNow === 'primary') await this.renew();
      else await this.tryAcquire();
    } finally {
      this.leaseBusy = false;
    }
  }

  private async renew(): Promise<void> {
    const sentAt = this.monotonic();
    try {
      await this.store.renewLease(this.options.nodeId, this.epochNow, this.options.leaseTtlMs);
      this.leaseClock.succeeded(sentAt);
    } catch (err) {
      if (err instanceof LeaseLostError) {
        this.leaseClock.lost();
        this.demote('lease lost');
        return;
      }
      this.log.warn('lease_renew_failed', { error: err });
    }
    if (!this.leaseClock.isLeader(this.monotonic())) this.demote('lease not renewed in time');
  }

  private async tryAcquire(): Promise<void> {
    const sentAt = this.monotonic();
    let result: Awaited<ReturnType<StateStore['acquireLease']>>;
    try {
      result = await this.store.acquireLease(
        this.options.nodeId,
        this.options.leaseTtlMs,
        this.lastKnownEpoch,
      );
    } catch (err) {
      this.log.debug('lease_acquire_failed', { error: err });
      return;
    }
    if (!result.acquired && result.holder === this.options.nodeId && result.epoch === this.epochNow) {
      // We demoted ourselves (a renewal came late) but Redis still has our lease: renew it and
      // lead again at the same epoch rather than leave the cluster leaderless until it expires.
      try {
        await this.store.renewLease(this.options.nodeId, result.epoch, this.options.leaseTtlMs);
        await this.won(result.epoch, sentAt);
        return;
      } catch (err) {
        this.log.debug('lease_reclaim_failed', { error: err });
      }
    }
    if (!result.acquired) {
      this.leaderId = result.holder;
      this.seenLease = { holder: result.holder, epoch: result.epoch };
      this.lastKnownEpoch = Math.max(this.lastKnownEpoch, result.epoch);
      return;
    }
    await this.won(result.epoch, sentAt);
  }

  private async won(epoch: number, sentAt: number): Promise<void> {
    const result = { epoch };
    this.leaseClock.succeeded(sentAt);
    try {
      await this.promote(result.epoch);
    } catch (err) {
      this.log.error('promotion_failed', { error: err, epoch: result.epoch });
      this.demote('promotion failed');
      await this.store.releaseLease(this.options.nodeId, result.epoch).catch(() => false);
    }
  }

  /**
   * While standby: ask the leader's control API whether it is there. A refused connection (twice
   * in a row) or a gossip `dead` is strong evidence that it is gone, so take the lease over at
   * once instead of waiting out its TTL; a hung leader (no answer) is left to the TTL.
   */
  private async probeLeader(): Promise<void> {
    if (this.roleNow !== 'standby' || this.stopped || this.leaseBusy || !this.seenLease || !this.peers)
      return;
    const seen = this.seenLease;
    if (seen.holder === this.options.nodeId) return;
    let evidence = this.peers.isDead(seen.holder) ? 'gossip declared it dead' : '';
    if (!evidence) {
      const address = this.peers.controlAddress(seen.holder);
      if (!address) return;
      if (this.probe?.address !== address) {
        this.probe?.conn.close();
        this.probe = { address, conn: new CoordinatorConnection(address), refusals: 0, busy: false };
      }
      const probe = this.probe;
      if (probe.busy) return;
      probe.busy = true;
      try {
        await probe.conn.leader(Math.min(500, this.options.probeIntervalMs * 3));
        probe.refusals = 0;
      } catch (err) {
        if ((err as grpc.ServiceError).code === grpc.status.UNAVAILABLE) probe.refusals++;
        if (probe.refusals >= 2) evidence = 'its control API refuses connections';
      } finally {
        probe.busy = false;
      }
    }
    if (!evidence || this.roleNow !== 'standby' || this.leaseBusy) return;
    this.leaseBusy = true;
    try {
      const sentAt = this.monotonic();
      const result = await this.store.takeOverLease(
        this.options.nodeId,
        this.options.leaseTtlMs,
        seen,
        this.lastKnownEpoch,
      );
      if (!result.acquired) {
        this.seenLease = { holder: result.holder, epoch: result.epoch };
        return;
      }
      this.log.warn('takeover', { from: seen.holder, fromEpoch: seen.epoch, epoch: result.epoch, evidence });
      await this.won(result.epoch, sentAt);
    } catch (err) {
      this.log.warn('takeover_failed', { error: err });
    } finally {
      this.leaseBusy = false;
    }
  }

  /** Becomes primary at `epoch`: loads running jobs, re-dispatches every query without an outcome. */
  private async promote(epoch: number): Promise<void> {
    this.epochNow = epoch;
    this.lastKnownEpoch = epoch;
    this.firstDispatchPending = true;
    const now = this.now();
    let jobs = await this.store.listJobs();
    // Redis came back without jobs this coordinator still mirrors: write them back first.
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
    this.trackers.clear();
    for (const job of jobs) {
      if (job.state !== 'running') continue;
      const tracker = await this.loadTracker(job, now);
      this.trackers.set(job.jobId, tracker);
    }
    this.roleNow = 'primary';
    this.leaderId = this.options.nodeId;
    this.syncWorkers();
    for (const tracker of this.trackers.values()) {
      if (tracker.isComplete()) await this.completeJob(tracker);
      else this.addToScheduler(tracker.job);
    }
    this.log.info('promoted', { epoch, runningJobs: this.trackers.size });
    this.emit('role', { role: 'primary', epoch });
    this.pump();
  }

  private demote(reason: string): void {
    if (this.roleNow !== 'primary') return;
    this.roleNow = 'standby';
    this.leaderId = null;
    for (const jobId of this.trackers.keys()) this.scheduler.removeJob(jobId, this.now());
    this.trackers.clear();
    this.log.warn('demoted', { reason, epoch: this.epochNow });
    this.emit('role', { role: 'standby', epoch: this.epochNow });
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
      this.scheduler.addJob({ jobId: job.jobId, expectedCost: getModel(job.model).relativeCost }, this.now());
    } catch (err) {
      if (!(err instanceof DuplicateJobError)) throw err;
    }
  }

  private requirePrimary(): void {
    if (this.roleNow !== 'primary') throw new NotLeaderError(this.options.nodeId, this.leaderId);
  }

  /** A fenced write was refused: someone newer leads. */
  private onFenced(err: unknown): boolean {
    if (err instanceof StaleEpochError) {
      this.demote(`stale epoch ${err.epoch} < ${err.current}`);
      return true;
    }
    if (err instanceof StoreBehindError) {
      this.log.error('store_behind', { epoch: err.epoch, current: err.current });
      this.demote('redis lost its data; re-acquiring the lease');
      return true;
    }
    return false;
  }

  // ---- workers --------------------------------------------------------------------------------

  private syncWorkers(): void {
    const alive = new Map(this.directory.workers().map((w) => [w.id, w]));
    for (const [id, slot] of this.slots) {
      const info = alive.get(id);
      if (!info || info.address !== slot.info.address)
        this.workerLost(id, info ? 'address changed' : 'membership');
    }
    for (const [id, info] of alive) {
      if (this.slots.has(id)) continue;
      this.slots.set(id, { info, conn: new WorkerConnection(info.address), inFlight: 0, backoffUntil: 0 });
      this.emit('worker-joined', { workerId: id });
      this.log.info('worker_joined', { workerId: id, address: info.address });
    }
    this.scheduler.setWorkers([...this.slots.keys()], this.now());
    this.pump();
  }

  private workerLost(workerId: string, reason: string): void {
    const slot = this.slots.get(workerId);
    if (!slot) return;
    this.slots.delete(workerId);
    slot.conn.close();
    let requeued = 0;
    for (const t of this.trackers.values()) requeued += t.workerLost(workerId);
    this.scheduler.setWorkers([...this.slots.keys()], this.now());
    this.log.warn('worker_lost', { workerId, reason, requeued });
    this.emit('worker-lost', { workerId, requeued, reason });
  }

  /** A connect failure is strong evidence: re-dispatch that worker's tasks now and back off from it. */
  private workerUnreachable(workerId: string): void {
    const slot = this.slots.get(workerId);
    if (!slot) return;
    slot.backoffUntil = this.monotonic() + this.options.workerBackoffMs;
    let requeued = 0;
    for (const t of this.trackers.values()) requeued += t.workerLost(workerId);
    if (requeued > 0) this.emit('worker-lost', { workerId, requeued, reason: 'unreachable' });
  }

  // ---- dispatch -------------------------------------------------------------------------------

  private housekeeping(): void {
    if (this.roleNow !== 'primary') return;
    const now = this.now();
    for (const tracker of this.trackers.values()) {
      for (const task of tracker.expire(now)) {
        this.log.warn('task_expired', { taskId: task.taskId, workerId: task.workerId, jobId: task.jobId });
        this.emit('redispatch', {
          jobId: task.jobId,
          taskId: task.taskId,
          workerId: task.workerId,
          queries: task.queries.length,
          reason: 'deadline',
        });
      }
    }
    this.pump();
  }

  private pickJob(workerId: string): Tracker | undefined {
    const preferred = this.scheduler.nextJob(workerId, this.now());
    const first = preferred !== undefined ? this.trackers.get(preferred) : undefined;
    if (first?.hasWaiting() && first.job.state === 'running') return first;
    // The scheduler's job has nothing waiting (all in flight or done): keep the worker busy.
    for (const t of this.trackers.values()) if (t.job.state === 'running' && t.hasWaiting()) return t;
    return undefined;
  }

  /** Fills every free worker slot. Cheap when nothing is waiting; called on every event. */
  pump(): void {
    if (this.roleNow !== 'primary' || this.pumping) return;
    // Never dispatch on a lease that may have lapsed (a pause, a slow Redis): fencing would
    // reject the work anyway, but a deposed leader should not even try.
    if (!this.leaseClock.isLeader(this.monotonic())) {
      this.demote('lease not renewed in time');
      return;
    }
    this.pumping = true;
    try {
      const mono = this.monotonic();
      for (const slot of this.slots.values()) {
        if (slot.backoffUntil > mono) continue;
        while (slot.inFlight < this.options.maxInFlightPerWorker) {
          const tracker = this.pickJob(slot.info.id);
          if (!tracker) break;
          const batch = tracker.takeBatch(tracker.nextBatchSize(this.slotCount()));
          if (batch.length === 0) break;
          this.send(slot, tracker, batch);
        }
      }
      // A running job with work waiting and nothing in flight (just started, or squeezed out)
      // gets one extra slot on the least busy worker, so its first result never waits for the
      // other job's batches to drain.
      for (const tracker of this.trackers.values()) {
        if (
          tracker.job.state !== 'running' ||
          !tracker.hasWaiting() ||
          tracker.inFlightTaskCount + tracker.recording > 0
        )
          continue;
        let best: WorkerSlot | undefined;
        for (const slot of this.slots.values()) {
          if (slot.backoffUntil > mono || slot.inFlight > this.options.maxInFlightPerWorker) continue;
          if (!best || slot.inFlight < best.inFlight) best = slot;
        }
        if (!best) break;
        const batch = tracker.takeBatch(tracker.nextBatchSize(this.slotCount()));
        if (batch.length > 0) this.send(best, tracker, batch);
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Asks every worker to load a model now (add-job, start-job), so a job's first task does not
   * wait for a cold session. Best effort: a worker that fails still loads on its first task, where
   * a failure becomes that task's error.
   */
  private warmModel(model: string): void {
    for (const slot of this.slots.values()) {
      slot.conn.loadModel(model, 120_000).catch((err: unknown) => {
        this.log.debug('warm_model_failed', { workerId: slot.info.id, model, error: err });
      });
    }
  }

  /** Task slots over all workers: where a job's remaining queries can be spread. */
  private slotCount(): number {
    return this.slots.size * this.options.maxInFlightPerWorker;
  }

  private deadlineFor(jobId: string, n: number): number {
    const per = this.observedMsPerQuery.get(jobId);
    if (per === undefined) return this.options.taskTimeoutMs;
    return Math.max(
      this.options.minTaskTimeoutMs,
      per * n * this.options.taskTimeoutFactor * this.options.maxInFlightPerWorker,
    );
  }

  private send(slot: WorkerSlot, tracker: Tracker, batch: Task['queries']): void {
    const now = this.now();
    const epoch = this.epochNow;
    const timeout = this.deadlineFor(tracker.jobId, batch.length);
    const task: Task = {
      taskId: `${epoch}-${++this.taskSeq}`,
      jobId: tracker.jobId,
      workerId: slot.info.id,
      queries: batch,
      sentAt: now,
      deadline: now + timeout,
    };
    tracker.begin(task);
    slot.inFlight++;
    if (this.firstDispatchPending) {
      this.firstDispatchPending = false;
      this.emit('first-dispatch', { epoch });
    }
    const job = tracker.job;
    // The worker's slot frees as soon as its reply is in (onReply calls this before writing the
    // outcomes to Redis), so the next task is on its way while this one's outcomes are recorded.
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      slot.inFlight = Math.max(0, slot.inFlight - 1);
      this.pump();
    };
    slot.conn
      .runTask(
        {
          taskId: task.taskId,
          jobId: job.jobId,
          model: job.model,
          topK: job.topK,
          epoch,
          queries: batch.map((q) => ({ queryId: q.id, uri: q.uri })),
        },
        timeout + 1000,
      )
      .then(
        (reply) => this.onReply(tracker, task, reply.results, epoch, release),
        (err: unknown) => this.onTaskFailed(tracker, task, err as grpc.ServiceError, epoch),
      )
      .finally(release);
  }

  private async onReply(
    tracker: Tracker,
    task: Task,
    results: QueryResult__Output[],
    epoch: number,
    releaseSlot: () => void,
  ): Promise<void> {
    const now = this.now();
    const busyMs = Math.max(1, now - task.sentAt);
    // What the worker spent on this task itself: the batch's fetch+preprocess wall time plus its
    // inference, not the time it queued behind the other job's batch. The Scheduler charges turns
    // with it; the round trip (busyMs) would charge each job for the other's work.
    const serviceMs = Math.max(1, workerServiceMs(results) ?? busyMs);
    tracker.end(task.taskId);
    // Record even if this coordinator has been deposed meanwhile: the store's epoch check is the
    // authority (a stale write is refused and counted), and if nobody newer leads the work is kept.
    const current = this.roleNow === 'primary' && this.epochNow === epoch;
    if (current)
      this.scheduler.recordCompletion(
        { jobId: task.jobId, workerId: task.workerId, queries: results.length, busyMs: serviceMs },
        now,
      );
    if (current) this.observe(task.jobId, busyMs / Math.max(1, results.length)); // deadlines: round trip
    tracker.recording++;
    releaseSlot();
    try {
      await this.recordAll(tracker, task, results, epoch, busyMs);
    } finally {
      tracker.recording--;
    }
    if (this.roleNow !== 'primary' || this.epochNow !== epoch) return;
    // Anything not recorded (missing from the reply, or the store refused) goes round again.
    tracker.requeue(task);
    if (tracker.isComplete()) await this.completeJob(tracker);
  }

  private observe(jobId: string, per: number): void {
    const prev = this.observedMsPerQuery.get(jobId);
    this.observedMsPerQuery.set(jobId, prev === undefined ? per : prev * 0.8 + per * 0.2);
  }

  /** Records a reply's outcomes in one fenced call (one Redis round trip per task, not per query). */
  private async recordAll(
    tracker: Tracker,
    task: Task,
    results: QueryResult__Output[],
    epoch: number,
    busyMs: number,
  ): Promise<void> {
    const sent = new Set(task.queries.map((q) => q.id));
    // Wall-clock time the reply arrived (ms since the epoch, 0.01-ms resolution).
    const at = Math.round((performance.timeOrigin + performance.now()) * 100) / 100;
    const items = results
      .filter((r) => sent.has(r.queryId))
      .map((r) =>
        r.error
          ? encodeError(r.queryId, { code: r.error.code, message: r.error.message, worker: task.workerId })
          : encodeResult(r.queryId, { topK: r.topK, worker: task.workerId, ms: busyMs, at }),
      );
    let outcomes: Awaited<ReturnType<StateStore['recordOutcomes']>>;
    try {
      outcomes = await this.store.recordOutcomes(task.jobId, items, epoch);
    } catch (err) {
      if (this.onFenced(err)) return;
      this.log.warn('record_failed', { jobId: task.jobId, taskId: task.taskId, error: err });
      return; // the caller requeues whatever is not recorded
    }
    const now = this.now();
    let count = 0;
    for (const [i, outcome] of outcomes.entries()) {
      const it = items[i]!;
      if (outcome === 'recorded') {
        tracker.markRecorded(it.queryId, it.kind, busyMs, now);
        count++;
      } else if (outcome !== 'unknown-query') tracker.markKnownDone(it.queryId);
    }
    if (count > 0) this.emit('recorded', { jobId: task.jobId, processingMs: busyMs, count });
  }

  private async onTaskFailed(
    tracker: Tracker,
    task: Task,
    err: grpc.ServiceError,
    epoch: number,
  ): Promise<void> {
    const live = tracker.end(task.taskId) !== undefined;
    if (this.roleNow !== 'primary' || this.epochNow !== epoch) return;
    const reason = `${grpc.status[err.code] ?? err.code}: ${err.details ?? err.message}`;
    this.log.warn('task_failed', { taskId: task.taskId, workerId: task.workerId, reason });
    if (fromServiceError(err) instanceof StaleEpochError) {
      // The worker has seen a newer epoch: another coordinator leads.
      this.demote('worker reports a newer epoch');
      return;
    }
    if (err.code === grpc.status.UNAVAILABLE) this.workerUnreachable(task.workerId);
    if (!live) return; // already expired and requeued
    // Count attempts so that a query no worker can run ends as a recorded error, not a loop.
    const failedForGood: Task['queries'] = [];
    for (const q of task.queries) {
      const key = `${task.jobId}\u0000${q.id}`;
      const n = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, n);
      if (n >= this.options.maxAttempts) failedForGood.push(q);
    }
    if (failedForGood.length > 0) {
      // One fenced call, like a reply's outcomes: an error is recorded once, exactly as a result is.
      const items = failedForGood.map((q) =>
        encodeError(q.id, {
          code: 'TASK_FAILED',
          message: `failed ${this.options.maxAttempts} times; last: ${reason}`,
        }),
      );
      try {
        const outcomes = await this.store.recordOutcomes(task.jobId, items, epoch);
        const now = this.now();
        for (const [i, outcome] of outcomes.entries()) {
          const id = items[i]!.queryId;
          if (outcome === 'recorded') tracker.markRecorded(id, 'error', now - task.sentAt, now);
          else if (outcome !== 'unknown-query') tracker.markKnownDone(id);
        }
      } catch (e) {
        if (this.onFenced(e)) return;
      }
    }
    const n = tracker.requeue(task);
    if (n > 0)
      this.emit('redispatch', {
        jobId: task.jobId,
        taskId: task.taskId,
        workerId: task.workerId,
        queries: n,
        reason,
      });
    if (tracker.isComplete()) await this.completeJob(tracker);
  }

  private async completeJob(tracker: Tracker): Promise<void> {
    if (tracker.job.state === 'completed') return;
    try {
      await this.store.setJobState(tracker.jobId, 'completed', this.epochNow);
    } catch (err) {
      if (this.onFenced(err)) return;
      this.log.warn('complete_failed', { jobId: tracker.jobId, error: err });
      return; // retried on the next reply or takeover
    }
    tracker.job = { ...tracker.job, state: 'completed', completedAt: Date.now() };
    this.scheduler.removeJob(tracker.jobId, this.now());
    this.log.info('job_completed', { jobId: tracker.jobId, total: tracker.total });
    this.emit('job-completed', { jobId: tracker.jobId });
    this.pump();
  }

  // ---- control operations (primary only for changes) -----------------------------------------

  async addJob(req: {
    jobId: string;
    model: string;
    inputs: readonly string[];
    batchSize?: number;
    topK?: number;
  }): Promise<JobRecord> {
    this.requirePrimary();
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
    const spec: JobSpec = { jobId: req.jobId, model: req.model, inputs: [...req.inputs], batchSize, topK };
    try {
      await this.store.addJob(spec, this.epochNow);
      await this.store.appendQueries(req.jobId, queries, this.epochNow);
    } catch (err) {
      this.onFenced(err);
      throw err;
    }
    this.log.info('job_added', { jobId: req.jobId, model: req.model, queries: queries.length, batchSize });
    this.warmModel(req.model);
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
    this.requirePrimary();
    const job = await this.store.getJob(jobId);
    if (job.state === 'running' && this.trackers.has(jobId)) return job;
    if (job.state === 'completed') throw new JobCompletedError(jobId);
    const running = [...this.trackers.values()].filter((t) => t.job.state === 'running').map((t) => t.jobId);
    if (running.length >= this.options.maxRunningJobs) {
      throw new TooManyJobsError(running.length, this.options.maxRunningJobs);
    }
    try {
      await this.store.setJobState(jobId, 'running', this.epochNow);
    } catch (err) {
      this.onFenced(err);
      throw err;
    }
    const now = this.now();
    const record = await this.store.getJob(jobId);
    const tracker = await this.loadTracker(record, now);
    this.trackers.set(jobId, tracker);
    if (tracker.isComplete()) {
      await this.completeJob(tracker);
    } else {
      this.addToScheduler(record);
      this.warmModel(record.model);
      this.log.info('job_started', { jobId, pending: tracker.total - tracker.doneCount });
      this.emit('job-started', { jobId });
      this.pump();
    }
    return this.store.getJob(jobId);
  }

  async stopJob(jobId: string): Promise<JobRecord> {
    this.requirePrimary();
    const job = await this.store.getJob(jobId);
    if (job.state === 'completed') throw new JobCompletedError(jobId);
    try {
      await this.store.setJobState(jobId, 'stopped', this.epochNow);
    } catch (err) {
      this.onFenced(err);
      throw err;
    }
    this.scheduler.removeJob(jobId, this.now());
    this.trackers.delete(jobId);
    this.log.info('job_stopped', { jobId });
    return this.store.getJob(jobId);
  }

  async setBatchSize(jobId: string, batchSize: number): Promise<JobRecord> {
    this.requirePrimary();
    this.validBatchSize(batchSize);
    try {
      await this.store.setBatchSize(jobId, batchSize, this.epochNow);
    } catch (err) {
      this.onFenced(err);
      throw err;
    }
    const tracker = this.trackers.get(jobId);
    if (tracker) tracker.job = { ...tracker.job, batchSize }; // takes effect on the next batch
    return this.store.getJob(jobId);
  }

  /** Jobs with live stats where this coordinator tracks them (primary), stored counts otherwise. */
  async jobs(jobId?: string): Promise<JobView[]> {
    const records = jobId ? [await this.store.getJob(jobId)] : await this.store.listJobs();
    const now = this.now();
    return records.map((job): JobView => {
      const tracker = this.trackers.get(job.jobId);
      if (tracker) {
        return {
          job: { ...job, done: tracker.doneCount },
          stats: tracker.stats(now),
          workers: job.state === 'running' ? this.workersOf(job.jobId) : [],
          source: 'live',
        };
      }
      const m = this.mirror.jobs.get(job.jobId);
      if (!m || this.roleNow === 'primary') return { job, stats: undefined, workers: [], source: 'redis' };
      // A standby's view: counts and the rate of outcomes as seen in the change stream.
      const done = Math.max(job.done, m.outcomes.size);
      const rateQps = job.state === 'running' ? m.rate.rate(Date.now(), job.startedAt ?? 0) : 0;
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
    return this.scheduler.workersOf(jobId);
  }

  assignment(): { jobId: string; workers: { workerId: string; address: string; weight: number }[] }[] {
    const out = new Map<string, { workerId: string; address: string; weight: number }[]>();
    for (const [workerId, jobs] of this.scheduler.assignment()) {
      for (const [jobId, weight] of jobs) {
        if (weight <= 0) continue;
        const list = out.get(jobId) ?? [];
        list.push({ workerId, address: this.slots.get(workerId)?.info.address ?? '', weight });
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
    return [...this.slots.values()].map((s) => s.info);
  }
}

/** The worker-side service time of a task from its per-query timings, or undefined without any. */
function workerServiceMs(results: readonly QueryResult__Output[]): number | undefined {
  let prep = 0;
  let infer = 0;
  let seen = false;
  for (const r of results) {
    const t = r.timings;
    if (!t) continue;
    seen = true;
    prep = Math.max(prep, t.fetchMs + t.preprocessMs);
    infer += t.inferenceMs;
  }
  return seen ? prep + infer : undefined;
}
