/**
 * Dispatch: fills every free worker slot with a batch of the job the Scheduler picks, and owns
 * each task from send to recorded or requeued: what is in flight where, how many times each
 * query has failed, the deadline of each task. A reply's outcomes are recorded in one fenced call;
 * whatever is not recorded (missing from the reply, refused by the store, a failed or expired
 * task) goes back to its Tracker, so every query ends with exactly one recorded outcome.
 */
import * as grpc from '@grpc/grpc-js';
import { encodeError, fromServiceError, StaleEpochError } from '@idunno/client';
import type { Logger } from '@idunno/log';
import type { QueryResult__Output } from '@idunno/proto';
import type { StateStore } from '@idunno/state';
import type { Clock } from './ports.js';
import { outcomesOf, workerServiceMs } from './task-reply.js';
import type { Term } from './term.js';
import type { Task, Tracker } from './tracker.js';
import type { WorkerPool, WorkerSlot } from './worker-pool.js';

export interface DispatcherOptions {
  /** Tasks in flight per worker, so that a worker never idles between batches. */
  maxInFlightPerWorker: number;
  /** A task's deadline until observed times give a better one. */
  taskTimeoutMs: number;
  /** Deadline = max(minTaskTimeoutMs, observed time per query × batch × factor × in flight). */
  taskTimeoutFactor: number;
  minTaskTimeoutMs: number;
  /** Failed attempts of one query before it is recorded as an error. */
  maxAttempts: number;
}

/** Whether the lease may still be relied on (leadership's conservative monotonic check). */
export interface LeaseCheck {
  holdsLease(): boolean;
}

export class Dispatcher {
  /** Tasks in flight per slot (by slot identity: a worker that rejoins starts from zero). */
  private readonly inFlight = new Map<WorkerSlot, number>();
  /** Per job, replies whose outcomes are being written to the store right now. */
  private readonly recording = new Map<string, number>();
  /** `${jobId}\u0000${queryId}` → failed attempts. */
  private readonly attempts = new Map<string, number>();
  /** jobId → EWMA of the round trip per query, for deadlines. */
  private readonly observedMsPerQuery = new Map<string, number>();
  private taskSeq = 0;
  private pumping = false;
  private firstDispatchPending = false;

  constructor(
    private readonly term: Term,
    private readonly pool: WorkerPool,
    private readonly store: StateStore,
    private readonly lease: LeaseCheck,
    private readonly clock: Clock,
    private readonly options: DispatcherOptions,
    private readonly log: Logger,
  ) {}

  /** The next dispatch of this term emits `first-dispatch` (takeover measurements). */
  expectFirstDispatch(): void {
    this.firstDispatchPending = true;
  }

  /** Re-dispatches tasks past their deadline, then fills free slots. Runs on a timer. */
  housekeeping(): void {
    if (!this.term.isPrimary) return;
    const now = this.clock.monotonic();
    for (const tracker of this.term.trackers.values()) {
      for (const task of tracker.expire(now)) {
        this.log.warn('task_expired', { taskId: task.taskId, workerId: task.workerId, jobId: task.jobId });
        this.term.events.emit('redispatch', {
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
    const preferred = this.term.scheduler.nextJob(workerId, this.clock.monotonic());
    const first = preferred !== undefined ? this.term.trackers.get(preferred) : undefined;
    if (first?.hasWaiting() && first.job.state === 'running') return first;
    // The scheduler's job has nothing waiting (all in flight or done): keep the worker busy.
    for (const t of this.term.trackers.values()) if (t.job.state === 'running' && t.hasWaiting()) return t;
    return undefined;
  }

  /** Fills every free worker slot. Cheap when nothing is waiting; called on every event. */
  pump(): void {
    if (!this.term.isPrimary || this.pumping) return;
    // Never dispatch on a lease that may have lapsed (a pause, a slow Redis): fencing would
    // reject the work anyway, but a deposed leader should not even try.
    if (!this.lease.holdsLease()) {
      this.term.demote('lease not renewed in time');
      return;
    }
    this.pumping = true;
    try {
      const mono = this.clock.monotonic();
      const max = this.options.maxInFlightPerWorker;
      for (const slot of this.pool.all()) {
        if (slot.backoffUntil > mono) continue;
        while (this.inFlightOn(slot) < max) {
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
      for (const tracker of this.term.trackers.values()) {
        if (
          tracker.job.state !== 'running' ||
          !tracker.hasWaiting() ||
          tracker.inFlightTaskCount + (this.recording.get(tracker.jobId) ?? 0) > 0
        )
          continue;
        let best: WorkerSlot | undefined;
        for (const slot of this.pool.all()) {
          if (slot.backoffUntil > mono || this.inFlightOn(slot) > max) continue;
          if (!best || this.inFlightOn(slot) < this.inFlightOn(best)) best = slot;
        }
        if (!best) break;
        const batch = tracker.takeBatch(tracker.nextBatchSize(this.slotCount()));
        if (batch.length > 0) this.send(best, tracker, batch);
      }
    } finally {
      this.pumping = false;
    }
  }

  private inFlightOn(slot: WorkerSlot): number {
    return this.inFlight.get(slot) ?? 0;
  }

  /** Task slots over all workers: where a job's remaining queries can be spread. */
  private slotCount(): number {
    return this.pool.size * this.options.maxInFlightPerWorker;
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
    const now = this.clock.monotonic();
    const epoch = this.term.epoch;
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
    this.inFlight.set(slot, this.inFlightOn(slot) + 1);
    if (this.firstDispatchPending) {
      this.firstDispatchPending = false;
      this.term.events.emit('first-dispatch', { epoch });
    }
    const job = tracker.job;
    // The worker's slot frees as soon as its reply is in (onReply calls this before writing the
    // outcomes to Redis), so the next task is on its way while this one's outcomes are recorded.
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const n = this.inFlightOn(slot) - 1;
      if (n > 0) this.inFlight.set(slot, n);
      else this.inFlight.delete(slot);
      this.pump();
    };
    slot.link
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
      .catch((err: unknown) => this.log.error('task_handling_failed', { taskId: task.taskId, error: err }))
      .finally(release);
  }

  private async onReply(
    tracker: Tracker,
    task: Task,
    results: QueryResult__Output[],
    epoch: number,
    releaseSlot: () => void,
  ): Promise<void> {
    const now = this.clock.monotonic();
    const busyMs = Math.max(1, now - task.sentAt);
    // What the worker spent on this task itself: the batch's fetch+preprocess wall time plus its
    // inference, not the time it queued behind the other job's batch. The Scheduler charges turns
    // with it; the round trip (busyMs) would charge each job for the other's work.
    const serviceMs = Math.max(1, workerServiceMs(results) ?? busyMs);
    tracker.end(task.taskId);
    // Record even if this coordinator has been deposed meanwhile: the store's epoch check is the
    // authority (a stale write is refused and counted), and if nobody newer leads the work is kept.
    if (this.term.isCurrent(epoch)) {
      this.term.scheduler.recordCompletion(
        { jobId: task.jobId, workerId: task.workerId, queries: results.length, busyMs: serviceMs },
        now,
      );
      this.observe(task.jobId, busyMs / Math.max(1, results.length)); // deadlines: round trip
    }
    this.recording.set(task.jobId, (this.recording.get(task.jobId) ?? 0) + 1);
    releaseSlot();
    try {
      await this.recordAll(tracker, task, results, epoch, busyMs);
    } finally {
      const n = (this.recording.get(task.jobId) ?? 1) - 1;
      if (n > 0) this.recording.set(task.jobId, n);
      else this.recording.delete(task.jobId);
    }
    if (!this.term.isCurrent(epoch)) return;
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
    // Wall-clock time the reply arrived, at 0.01-ms resolution.
    const items = outcomesOf(task, results, { ms: busyMs, at: Math.round(this.clock.wall() * 100) / 100 });
    let outcomes: Awaited<ReturnType<StateStore['recordOutcomes']>>;
    try {
      outcomes = await this.store.recordOutcomes(task.jobId, items, epoch);
    } catch (err) {
      if (this.term.fence(err)) return;
      this.log.warn('record_failed', { jobId: task.jobId, taskId: task.taskId, error: err });
      return; // the caller requeues whatever is not recorded
    }
    const now = this.clock.monotonic();
    let count = 0;
    for (const [i, outcome] of outcomes.entries()) {
      const it = items[i]!;
      if (outcome === 'recorded') {
        tracker.markRecorded(it.queryId, it.kind, busyMs, now);
        count++;
      } else if (outcome !== 'unknown-query') tracker.markKnownDone(it.queryId);
    }
    if (count > 0) this.term.events.emit('recorded', { jobId: task.jobId, processingMs: busyMs, count });
  }

  private async onTaskFailed(
    tracker: Tracker,
    task: Task,
    err: grpc.ServiceError,
    epoch: number,
  ): Promise<void> {
    const live = tracker.end(task.taskId) !== undefined;
    if (!this.term.isCurrent(epoch)) return;
    const reason = `${grpc.status[err.code] ?? err.code}: ${err.details ?? err.message}`;
    this.log.warn('task_failed', { taskId: task.taskId, workerId: task.workerId, reason });
    if (fromServiceError(err) instanceof StaleEpochError) {
      // The worker has seen a newer epoch: another coordinator leads.
      this.term.demote('worker reports a newer epoch');
      return;
    }
    if (err.code === grpc.status.UNAVAILABLE) this.pool.unreachable(task.workerId);
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
      const message = `failed ${this.options.maxAttempts} times; last: ${reason}`;
      const items = failedForGood.map((q) => encodeError(q.id, { code: 'TASK_FAILED', message }));
      try {
        const outcomes = await this.store.recordOutcomes(task.jobId, items, epoch);
        const now = this.clock.monotonic();
        for (const [i, outcome] of outcomes.entries()) {
          const id = items[i]!.queryId;
          if (outcome === 'recorded') tracker.markRecorded(id, 'error', now - task.sentAt, now);
          else if (outcome !== 'unknown-query') tracker.markKnownDone(id);
        }
      } catch (e) {
        if (this.term.fence(e)) return;
      }
    }
    const n = tracker.requeue(task);
    if (n > 0)
      this.term.events.emit('redispatch', {
        jobId: task.jobId,
        taskId: task.taskId,
        workerId: task.workerId,
        queries: n,
        reason,
      });
    if (tracker.isComplete()) await this.completeJob(tracker);
  }

  /** Marks a job whose every query has an outcome completed (retried on the next reply or takeover). */
  async completeJob(tracker: Tracker): Promise<void> {
    if (tracker.job.state === 'completed') return;
    try {
      await this.store.setJobState(tracker.jobId, 'completed', this.term.epoch);
    } catch (err) {
      if (this.term.fence(err)) return;
      this.log.warn('complete_failed', { jobId: tracker.jobId, error: err });
      return;
    }
    tracker.complete(Math.round(this.clock.wall()));
    this.term.scheduler.removeJob(tracker.jobId, this.clock.monotonic());
    this.log.info('job_completed', { jobId: tracker.jobId, total: tracker.total });
    this.term.events.emit('job-completed', { jobId: tracker.jobId });
    this.pump();
  }
}
