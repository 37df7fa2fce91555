import type { JobRecord, Query } from '@idunno/state';
import { ProcessingStats, type ProcessingSummary, RateWindow } from './stats.js';

/** A batch of one job's queries sent to one worker. */
export interface Task {
  taskId: string;
  jobId: string;
  workerId: string;
  queries: Query[];
  sentAt: number;
  deadline: number;
}

export interface TrackerStats {
  total: number;
  done: number;
  errors: number;
  pending: number;
  inFlight: number;
  rateQps: number;
  processing: ProcessingSummary;
  etaS: number;
  redispatched: number;
}

/**
 * One job's bookkeeping on the primary: which queries wait, which are in flight on which worker,
 * which have an outcome. Pure: no I/O, no clock (callers pass `now`).
 *
 * Invariants:
 * - every query of the job is in exactly one of: recorded, in flight (in some task), or waiting;
 *   a query whose task failed or expired goes back to waiting, ahead of queries never sent;
 * - a query is counted done once, whatever number of replies arrive for it (the store's
 *   record-once script is the authority; `markRecorded` is only called for its 'recorded').
 */
export class Tracker {
  readonly jobId: string;
  private record: JobRecord;
  private readonly queries = new Map<string, Query>();
  private readonly recorded = new Set<string>();
  private readonly waiting: Query[] = [];
  private waitHead = 0;
  private readonly retry: Query[] = [];
  private readonly inFlightQuery = new Map<string, string>(); // queryId → taskId
  private readonly tasks = new Map<string, Task>();
  private errors = 0;
  private redispatched = 0;
  private readonly rate = new RateWindow(10_000);
  private readonly processing = new ProcessingStats();
  private startedAt: number;
  /** Outcomes this Tracker recorded itself (since start-job or takeover). */
  private recordedHere = 0;

  constructor(
    job: JobRecord,
    queries: readonly Query[],
    recorded: Iterable<string>,
    errorCount: number,
    now: number,
  ) {
    this.jobId = job.jobId;
    this.record = job;
    this.startedAt = now;
    for (const id of recorded) this.recorded.add(id);
    this.errors = errorCount;
    for (const q of queries) {
      this.queries.set(q.id, q);
      if (!this.recorded.has(q.id)) this.waiting.push(q);
    }
  }

  /** The job as this Tracker knows it (state and batch size change through the methods below). */
  get job(): JobRecord {
    return this.record;
  }

  /** Takes effect on the next batch; batches in flight keep their size. */
  setBatchSize(batchSize: number): void {
    this.record = { ...this.record, batchSize };
  }

  /** The job's last outcome is recorded and the store says so; `at` is wall-clock ms. */
  complete(at: number): void {
    this.record = { ...this.record, state: 'completed', completedAt: at };
  }

  get total(): number {
    return this.queries.size;
  }

  get doneCount(): number {
    return this.recorded.size;
  }

  isComplete(): boolean {
    return this.recorded.size >= this.queries.size;
  }

  hasWaiting(): boolean {
    return this.retry.length > 0 || this.waitHead < this.waiting.length;
  }

  /** Restarts the rate window's clock (on start-job, and on takeover). */
  markStarted(now: number): void {
    this.startedAt = now;
  }

  /**
   * Queries for the next task, given the worker slots (workers × tasks in flight each) that share
   * the job: the job's batch size, except that the very first task of a run (nothing recorded here
   * yet, nothing in flight) carries one query, so that a job that has just started, perhaps next to
   * another job's full batches, has its first result after one inference rather than a whole batch.
   */
  nextBatchSize(slots = 1): number {
    if (this.recordedHere === 0 && this.tasks.size === 0) return 1;
    // Guided self-scheduling at the tail: once fewer queries wait than would fill every worker
    // slot with a full batch, split what is left evenly over the slots, so the workers finish
    // together instead of one of them running the last whole batch alone.
    const even = Math.ceil(this.waitingCount / Math.max(1, slots));
    return Math.max(1, Math.min(this.job.batchSize, even));
  }

  /** Queries waiting to be sent (an upper bound: ones recorded meanwhile are skipped when taken). */
  get waitingCount(): number {
    return this.retry.length + this.waiting.length - this.waitHead;
  }

  get inFlightTaskCount(): number {
    return this.tasks.size;
  }

  /** Takes up to `n` waiting queries (retries first) for a new task. */
  takeBatch(n: number): Query[] {
    const out: Query[] = [];
    while (out.length < n && this.retry.length > 0) {
      const q = this.retry.shift()!;
      if (!this.recorded.has(q.id) && !this.inFlightQuery.has(q.id)) out.push(q);
    }
    while (out.length < n && this.waitHead < this.waiting.length) {
      const q = this.waiting[this.waitHead++]!;
      if (!this.recorded.has(q.id) && !this.inFlightQuery.has(q.id)) out.push(q);
    }
    if (this.waitHead > 4096 && this.waitHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitHead);
      this.waitHead = 0;
    }
    return out;
  }

  begin(task: Task): void {
    this.tasks.set(task.taskId, task);
    for (const q of task.queries) this.inFlightQuery.set(q.id, task.taskId);
  }

  /** The task's reply arrived (or it failed): it is no longer in flight. Returns it, or undefined if it had already been given up on. */
  end(taskId: string): Task | undefined {
    const task = this.tasks.get(taskId);
    if (!task) return undefined;
    this.tasks.delete(taskId);
    for (const q of task.queries)
      if (this.inFlightQuery.get(q.id) === taskId) this.inFlightQuery.delete(q.id);
    return task;
  }

  /**
   * A query's outcome was recorded by the store (first write). It may still sit in another live
   * task (it was re-dispatched and the first task's reply came late): it is no longer in flight.
   */
  markRecorded(queryId: string, kind: 'result' | 'error', processingMs: number, now: number): void {
    if (this.recorded.has(queryId) || !this.queries.has(queryId)) return;
    this.recorded.add(queryId);
    this.inFlightQuery.delete(queryId);
    this.recordedHere++;
    if (kind === 'error') this.errors++;
    this.rate.add(now);
    this.processing.add(processingMs);
  }

  /** Another coordinator (or an earlier reply) recorded it: count it done without stats. */
  markKnownDone(queryId: string): void {
    if (!this.queries.has(queryId)) return;
    this.recorded.add(queryId);
    this.inFlightQuery.delete(queryId);
  }

  /** Puts the task's unrecorded queries back, ahead of the never-sent ones. */
  requeue(task: Task): number {
    let n = 0;
    for (const q of task.queries) {
      if (this.recorded.has(q.id) || this.inFlightQuery.has(q.id)) continue;
      this.retry.push(q);
      n++;
    }
    this.redispatched += n;
    return n;
  }

  /** Every in-flight task of a worker that died: ended and requeued. Returns the queries requeued. */
  workerLost(workerId: string): number {
    let n = 0;
    for (const task of [...this.tasks.values()]) {
      if (task.workerId !== workerId) continue;
      this.end(task.taskId);
      n += this.requeue(task);
    }
    return n;
  }

  /** Tasks past their deadline: ended and requeued (a late reply is still recorded, once). */
  expire(now: number): Task[] {
    const expired: Task[] = [];
    for (const task of [...this.tasks.values()]) {
      if (task.deadline > now) continue;
      this.end(task.taskId);
      this.requeue(task);
      expired.push(task);
    }
    return expired;
  }

  inFlightTasks(): Task[] {
    return [...this.tasks.values()];
  }

  query(id: string): Query | undefined {
    return this.queries.get(id);
  }

  stats(now: number): TrackerStats {
    const rateQps = this.rate.rate(now, this.startedAt);
    const remaining = this.total - this.doneCount;
    return {
      total: this.total,
      done: this.doneCount,
      errors: this.errors,
      pending: Math.max(0, remaining - this.inFlightQuery.size),
      inFlight: this.inFlightQuery.size,
      rateQps,
      processing: this.processing.summary(),
      etaS: remaining > 0 && rateQps > 0 ? remaining / rateQps : 0,
      redispatched: this.redispatched,
    };
  }
}
