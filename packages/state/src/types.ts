/** Job life cycle: added → running ⇄ stopped, running → completed (final). */
export type JobState = 'added' | 'running' | 'stopped' | 'completed';
export const JOB_STATES: readonly JobState[] = ['added', 'running', 'stopped', 'completed'];

/** What the user asked for. */
export interface JobSpec {
  jobId: string;
  model: string;
  /** The input as given (directories, list files, URLs); the queries derived from it are stored apart. */
  inputs: readonly string[];
  batchSize: number;
  topK: number;
}

/** A job as stored. Times are milliseconds since the epoch on the Redis clock. */
export interface JobRecord extends JobSpec {
  state: JobState;
  /** Epoch of the leader that wrote the spec or state last. */
  epoch: number;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  stoppedAt?: number;
  completedAt?: number;
  totalQueries: number;
  done: number;
  errors: number;
  /** Outcomes refused because the query had one already (duplicates and result/error conflicts). */
  duplicates: number;
}

/** One query: an id unique within its job and the URI of its input. */
export interface Query {
  id: string;
  uri: string;
}

/**
 * One item's answer from `recordOutcomes`: 'recorded' (the only one that wrote anything),
 * 'duplicate' (an outcome of the same kind was recorded before) or 'conflict' (one of the other kind was).
 */
export type RecordOutcome = 'recorded' | 'duplicate' | 'conflict';

/** A recorded result or error, as `getResults` pages them (in recording order). */
export interface RecordedOutcome {
  queryId: string;
  uri: string;
  kind: 'result' | 'error';
  /** Opaque to the store (the coordinator stores JSON: top-k and timings, or the error). */
  payload: string;
}

export interface JobCounts {
  total: number;
  done: number;
  errors: number;
  duplicates: number;
}

export type AcquireResult =
  | { acquired: true; epoch: number }
  | { acquired: false; holder: string; epoch: number; ttlMs: number };

export interface LeaseInfo {
  holder: string;
  epoch: number;
  /** Remaining time to live, as Redis counts it. */
  ttlMs: number;
}

/** Writes refused by the scripts since Redis last started empty. */
export interface RejectedWrites {
  /** Fenced writes with an old epoch (a deposed leader). */
  staleEpoch: number;
  /** Fenced writes with an epoch newer than Redis's (Redis lost data). */
  storeBehind: number;
  /** Second results (or second errors) for a query. */
  duplicates: number;
  /** A result for a query with an error, or the reverse. */
  conflicts: number;
}

/** Everything the primary knows about a job, to write back after Redis lost data. */
export interface JobSnapshot {
  job: Pick<JobRecord, 'jobId' | 'model' | 'inputs' | 'batchSize' | 'topK' | 'state' | 'createdAt'> &
    Partial<Pick<JobRecord, 'startedAt' | 'stoppedAt' | 'completedAt'>>;
  queries: readonly Query[];
  results: readonly { queryId: string; payload: string }[];
  errors: readonly { queryId: string; payload: string }[];
}

interface ChangeBase {
  /** Stream entry id; pass the last one seen to `readChanges` to continue after it. */
  id: string;
  /** Gap-free sequence number: a follower that sees seq ≠ previous + 1 missed changes (stream trimmed,
   *  or Redis restarted: seq restarts at 1) and must reload. */
  seq: number;
  /** Epoch of the writer. */
  epoch: number;
  /** Redis clock, ms. */
  at: number;
}

/** One outcome inside an 'outcomes-recorded' change. */
export interface RecordedItem {
  queryId: string;
  kind: 'result' | 'error';
  payload: string;
}

/** One entry of the change stream. */
export type ChangeEvent = ChangeBase &
  (
    | { type: 'lease-acquired'; holder: string }
    | { type: 'lease-released'; holder: string }
    | { type: 'job-added'; jobId: string; model: string; inputs: string[]; batchSize: number; topK: number }
    | { type: 'job-state'; jobId: string; from: JobState; state: JobState }
    | { type: 'batch-size'; jobId: string; batchSize: number }
    /** Queries at list positions [from, from + count) were appended; read them with listQueries. */
    | { type: 'queries-appended'; jobId: string; from: number; count: number }
    /** Several outcomes recorded by one call (one task's reply), in recording order. */
    | { type: 'outcomes-recorded'; jobId: string; items: RecordedItem[] }
    /** The job was written back from a primary's memory: reload it. */
    | { type: 'job-restored'; jobId: string; total: number; done: number; errors: number }
    /** Written by a newer version of this code; skip it. */
    | { type: 'unknown'; fields: Record<string, string> }
  );
