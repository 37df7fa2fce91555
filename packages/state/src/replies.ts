import { parseInputs } from './changes.js';
import { StaleEpochError, StateStoreError, StoreReplyError, StoreUnavailableError } from './errors.js';
import type { JobRecord, JobState } from './types.js';

// Redis error replies that mean "not now" rather than "wrong".
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|READONLY|CLUSTERDOWN|NOREPLICAS)\b/;

/** Maps what ioredis threw to the store's errors; the store's own errors pass through unchanged. */
export function toStoreError(operation: string, err: unknown): Error {
  if (err instanceof StateStoreError || err instanceof StaleEpochError) return err;
  if (err instanceof Error && err.name === 'ReplyError' && !TRANSIENT_REPLY.test(err.message)) {
    return new StoreReplyError(operation, err.message, { cause: err });
  }
  // Connection refused/closed, offline queue disabled, command timeout, max retries, transient replies.
  return new StoreUnavailableError(operation, { cause: err });
}

/** Unwraps pipeline/multi results, throwing the first command error. */
export function execReplies(results: [Error | null, unknown][] | null, operation: string): unknown[] {
  if (results === null)
    throw new StoreUnavailableError(operation, { cause: new Error('transaction aborted') });
  return results.map(([err, value]) => {
    if (err) throw toStoreError(operation, err);
    return value;
  });
}

/**
 * An HMGET reply as numbers keyed by the fields asked for (pass the same list to HMGET); a field
 * that is absent counts 0 (the scripts create the counters hash lazily, with HINCRBY).
 */
export function numbers<const F extends string>(
  fields: readonly F[],
  values: readonly (string | null | undefined)[],
): Record<F, number> {
  const out = {} as Record<F, number>;
  fields.forEach((field, i) => {
    out[field] = Number(values[i] ?? 0);
  });
  return out;
}

/** A job hash (see keys.ts) as a JobRecord; undefined when the hash is empty (no such job). */
export function parseJob(hash: Record<string, string>): JobRecord | undefined {
  if (hash.jobId === undefined) return undefined;
  const n = (field: string): number => Number(hash[field] ?? 0);
  const job: JobRecord = {
    jobId: hash.jobId,
    model: hash.model ?? '',
    inputs: parseInputs(hash.inputs),
    batchSize: n('batchSize'),
    topK: n('topK'),
    state: (hash.state ?? 'added') as JobState,
    epoch: n('epoch'),
    createdAt: n('createdAt'),
    updatedAt: n('updatedAt'),
    totalQueries: n('totalQueries'),
    done: n('done'),
    errors: n('errors'),
    duplicates: n('duplicates'),
  };
  for (const field of ['startedAt', 'stoppedAt', 'completedAt'] as const) {
    if (hash[field] !== undefined) job[field] = Number(hash[field]);
  }
  return job;
}
