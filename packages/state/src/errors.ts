import type { JobState } from './types.js';

/** Base class of every error the state store raises, so callers can catch them as a family. */
export abstract class StateStoreError extends Error {
  abstract override readonly name: string;
}

/**
 * A fenced write carried an epoch older than the current one: the writer is no longer the leader.
 * It is the contract's StaleEpochError (workers refuse stale tasks with the same class), so it
 * crosses gRPC as itself; it is not a StateStoreError.
 */
export { StaleEpochError } from '@idunno/client';

/**
 * A fenced write carried an epoch newer than the stored one (0 when Redis has none): Redis lost data
 * (it restarted empty, or from an append-only file older than the last lease). Re-acquire the lease
 * with `minEpoch` = your epoch and write your state back with `restoreJob` before writing again.
 */
export class StoreBehindError extends StateStoreError {
  override readonly name = 'StoreBehindError';
  constructor(
    readonly epoch: number,
    readonly current: number,
    options?: ErrorOptions,
  ) {
    super(
      `write with epoch ${epoch} refused: Redis is at epoch ${current}, it lost data; ` +
        're-acquire the lease with minEpoch and restore the jobs',
      options,
    );
  }
}

export class JobExistsError extends StateStoreError {
  override readonly name = 'JobExistsError';
  constructor(
    readonly jobId: string,
    options?: ErrorOptions,
  ) {
    super(`job "${jobId}" already exists; choose another name`, options);
  }
}

export class JobNotFoundError extends StateStoreError {
  override readonly name = 'JobNotFoundError';
  constructor(
    readonly jobId: string,
    options?: ErrorOptions,
  ) {
    super(`job "${jobId}" does not exist; list jobs to see the known ones`, options);
  }
}

export class InvalidJobStateError extends StateStoreError {
  override readonly name = 'InvalidJobStateError';
  constructor(
    readonly jobId: string,
    readonly from: JobState,
    readonly to: JobState,
    options?: ErrorOptions,
  ) {
    super(`job "${jobId}" cannot go from ${from} to ${to}`, options);
  }
}

/** The lease is not (or no longer) held by this node with this epoch: stop acting as leader. */
export class LeaseLostError extends StateStoreError {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly nodeId: string,
    readonly epoch: number,
    /** Current holder and its epoch; null when nobody holds the lease. */
    readonly holder: { nodeId: string; epoch: number } | null,
    options?: ErrorOptions,
  ) {
    super(
      `lease of ${nodeId} at epoch ${epoch} is lost (${
        holder === null ? 'expired' : `held by ${holder.nodeId} at epoch ${holder.epoch}`
      }); stop dispatching and follow as standby`,
      options,
    );
  }
}

/**
 * Redis could not be reached or did not answer in time (down, restarting, loading its data, or
 * connection lost mid-command). The command may or may not have been applied: retry it; every
 * write is idempotent or fenced, so a retry is safe (a retried `addJob` may report JobExistsError).
 */
export class StoreUnavailableError extends StateStoreError {
  override readonly name = 'StoreUnavailableError';
  constructor(
    readonly operation: string,
    options?: ErrorOptions,
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`Redis unavailable during ${operation}${reason}; retry with backoff`, options);
  }
}

/**
 * Redis (or TLS) refused this client at connect: a wrong or missing password, an ACL user, a
 * certificate the client does not trust. Retrying will not help; the message says what to fix.
 */
export class StoreRefusedError extends StateStoreError {
  override readonly name = 'StoreRefusedError';
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Redis at ${url} refused this client: ${reason}`, options);
  }
}

/** Redis answered with something this store did not expect (a bug, or a foreign key layout). */
export class StoreReplyError extends StateStoreError {
  override readonly name = 'StoreReplyError';
  constructor(
    readonly operation: string,
    readonly reply: unknown,
    options?: ErrorOptions,
  ) {
    super(`unexpected reply from Redis during ${operation}: ${safeJson(reply)}`, options);
  }
}

/** An argument failed validation before anything was sent to Redis. */
export class InvalidArgumentError extends StateStoreError {
  override readonly name = 'InvalidArgumentError';
  constructor(
    readonly argument: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`invalid ${argument} ${safeJson(value)}: expected ${expected}`);
  }
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}
