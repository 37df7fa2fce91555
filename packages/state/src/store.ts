import type {
  AcquireResult,
  ChangeEvent,
  JobCounts,
  JobRecord,
  JobSnapshot,
  JobSpec,
  JobState,
  LeaseInfo,
  Query,
  RecordedOutcome,
  RecordOutcome,
  RejectedWrites,
} from './types.js';

/** Paging for list reads. */
export interface Page {
  /** @default 0 */
  offset?: number;
  /** @default all */
  limit?: number;
}

/**
 * The operations idunno needs from its shared state, and nothing more (a narrow port in the manner of
 * BullMQ's IRedisClient). Implemented once, with ioredis, by `createRedisStateStore`.
 *
 * Every write that a coordinator makes takes its `epoch` and is applied only if that epoch is the
 * current one: otherwise it rejects with StaleEpochError (a newer leader exists) or StoreBehindError
 * (Redis lost data). Every operation rejects with StoreUnavailableError when Redis cannot be reached.
 */
export interface StateStore {
  /** Creates a job in state 'added'. @throws JobExistsError */
  addJob(spec: JobSpec, epoch: number): Promise<JobRecord>;
  /** @throws JobNotFoundError */
  getJob(jobId: string): Promise<JobRecord>;
  /** All jobs, oldest first. */
  listJobs(): Promise<JobRecord[]>;
  /** Resolves true when the state changed, false when the job was in that state already.
   *  @throws JobNotFoundError, InvalidJobStateError ('completed' is final, 'added' cannot be re-entered) */
  setJobState(jobId: string, state: JobState, epoch: number): Promise<boolean>;
  /** @throws JobNotFoundError, InvalidArgumentError */
  setBatchSize(jobId: string, batchSize: number, epoch: number): Promise<void>;
  /** Appends queries in order (pipelined chunks); ids already present are skipped, so retries are safe.
   *  Resolves with how many were new and the job's total. @throws JobNotFoundError */
  appendQueries(
    jobId: string,
    queries: readonly Query[],
    epoch: number,
  ): Promise<{ added: number; total: number }>;
  /** Queries in input order. @throws JobNotFoundError */
  listQueries(jobId: string, page?: Page): Promise<Query[]>;
  /** Results and errors in the order they were recorded. @throws JobNotFoundError */
  getResults(jobId: string, page?: Page): Promise<RecordedOutcome[]>;
  /**
   * Records a task's outcomes in one fenced call; one answer per item, in order. Each query's outcome
   * is recorded once (HSETNX keyed by query id), and a query never gets both a result and an error:
   * a second outcome answers 'duplicate' or 'conflict' and writes only a counter. An item for a query
   * the job does not have answers 'unknown-query'. A single error is a one-item call.
   * @throws JobNotFoundError
   */
  recordOutcomes(
    jobId: string,
    items: readonly { queryId: string; kind: 'result' | 'error'; payload: string }[],
    epoch: number,
  ): Promise<(RecordOutcome | 'unknown-query')[]>;
  /** Ids (in input order) of the queries with neither result nor error. @throws JobNotFoundError */
  pendingQueries(jobId: string): Promise<string[]>;
  /** @throws JobNotFoundError */
  counts(jobId: string): Promise<JobCounts>;

  /**
   * Takes the leader lease if nobody holds it; every acquisition gets a new epoch,
   * max(stored epoch, minEpoch) + 1, so the epoch never goes backwards even if Redis came back empty
   * (pass the highest epoch this node has seen as `minEpoch`).
   *
   * Contract for the holder (the coordinator's job, see its LeaseClock): renew every ttl/4 (its lease
   * tick); stop acting as leader when no renewal has succeeded within ttl of the time the last successful one was *sent*,
   * measured on the monotonic clock; on LeaseLostError demote at once.
   */
  acquireLease(nodeId: string, ttlMs: number, minEpoch?: number): Promise<AcquireResult>;
  /** Takes the lease from `seen` (a holder known to be dead) before its TTL ends; a no-op if the lease moved on. */
  takeOverLease(
    nodeId: string,
    ttlMs: number,
    seen: { holder: string; epoch: number },
    minEpoch?: number,
  ): Promise<AcquireResult>;
  /** @throws LeaseLostError when the lease expired or belongs to another node or epoch */
  renewLease(nodeId: string, epoch: number, ttlMs: number): Promise<void>;
  /** Gives the lease up; resolves false when this node did not hold it. */
  releaseLease(nodeId: string, epoch: number): Promise<boolean>;
  /** The current lease, or null when nobody holds it. */
  readLease(): Promise<LeaseInfo | null>;
  /** The current epoch (0 when none was ever issued, or Redis came back empty). */
  currentEpoch(): Promise<number>;

  /** Writes a job back from a primary's memory after Redis lost data: idempotent, merges with what is
   *  there (recorded outcomes win), then announces a 'job-restored' change. */
  restoreJob(snapshot: JobSnapshot, epoch: number): Promise<void>;

  /**
   * Changes after `fromId` (exclusive; '0-0' for all that the stream still holds), oldest first. With
   * `blockMs` waits up to that long for the first one (resolves [] on timeout). One follower per store:
   * blocking reads use a dedicated connection, so concurrent calls queue behind each other.
   */
  readChanges(fromId: string, options?: { blockMs?: number; count?: number }): Promise<ChangeEvent[]>;
  /** Id of the newest change ('0-0' when none): read a snapshot after taking it, then follow from it. */
  latestChangeId(): Promise<string>;

  /** Counters of refused writes (fencing and record-once), for tests and metrics. */
  rejectedWrites(): Promise<RejectedWrites>;
  /** Closes the connections; pending operations reject. */
  close(): Promise<void>;
}
