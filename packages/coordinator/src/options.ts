import { DEFAULT_TOP_K, MAX_BATCH_SIZE } from '@idunno/client';
import { CoordinatorOptionsError } from './errors.js';

/** Leader lease time to live. 2 s for every profile: a 1-s lease flapped on a 2-core machine saturated by inference. */
export const DEFAULT_LEASE_TTL_MS = 2000;
export const DEFAULT_MAX_IN_FLIGHT_PER_WORKER = 2;
export const DEFAULT_TASK_TIMEOUT_MS = 30_000;
export const DEFAULT_TASK_TIMEOUT_FACTOR = 4;
export const DEFAULT_MIN_TASK_TIMEOUT_MS = 2000;
export const DEFAULT_PUMP_INTERVAL_MS = 100;
export const DEFAULT_PROBE_INTERVAL_MS = 200;
export const DEFAULT_REBALANCE_INTERVAL_MS = 1000;
export const DEFAULT_MAX_RUNNING_JOBS = 2;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_WORKER_BACKOFF_MS = 1000;
export const DEFAULT_BATCH_SIZE = 8;

export interface CoordinatorOptions {
  /** This coordinator's id (lease holder name, logs). */
  nodeId: string;
  /** Where this coordinator's control API listens (reported by Leader()). */
  controlAddress: string;
  /** Leader lease time to live. @default 2000 ms */
  leaseTtlMs: number;
  /** How often leadership is renewed or tried for: the one renewal cadence. @default leaseTtlMs / 4 */
  leaseTickMs: number;
  /** Tasks in flight per worker, so a worker never idles between batches. @default 2 */
  maxInFlightPerWorker: number;
  /** Deadline of a task before it is re-dispatched elsewhere, until observed times give a better one. @default 30_000 ms */
  taskTimeoutMs: number;
  /** Deadline = max(minTaskTimeoutMs, observed time per query × batch × taskTimeoutFactor × tasks in flight). @default 4 */
  taskTimeoutFactor: number;
  /** @default 2000 ms */
  minTaskTimeoutMs: number;
  /** How often a standby probes the leader's control API for an early takeover. @default 200 ms */
  probeIntervalMs: number;
  /** How often deadlines are checked and the pump runs without an event. @default 100 ms */
  pumpIntervalMs: number;
  /** Scheduler rebalance period. @default 1000 ms */
  rebalanceIntervalMs: number;
  /** Jobs running at once; a further start-job is refused with TooManyJobsError. @default 2 */
  maxRunningJobs: number;
  /** Failed attempts of one query before it is recorded as an error. @default 5 */
  maxAttempts: number;
  /** After a call to a worker fails to connect, wait this long before sending it more. @default 1000 ms */
  workerBackoffMs: number;
  /** @default 8 */
  defaultBatchSize: number;
  /** Largest batch size this coordinator accepts (at most the contract's MAX_BATCH_SIZE). @default 1024 */
  maxBatchSize: number;
  /** @default 5 (the contract's DEFAULT_TOP_K) */
  defaultTopK: number;
}

/** A fresh object holding every default. */
export function defaultCoordinatorOptions(nodeId: string, controlAddress: string): CoordinatorOptions {
  return {
    nodeId,
    controlAddress,
    leaseTtlMs: DEFAULT_LEASE_TTL_MS,
    leaseTickMs: DEFAULT_LEASE_TTL_MS / 4,
    maxInFlightPerWorker: DEFAULT_MAX_IN_FLIGHT_PER_WORKER,
    taskTimeoutMs: DEFAULT_TASK_TIMEOUT_MS,
    taskTimeoutFactor: DEFAULT_TASK_TIMEOUT_FACTOR,
    minTaskTimeoutMs: DEFAULT_MIN_TASK_TIMEOUT_MS,
    pumpIntervalMs: DEFAULT_PUMP_INTERVAL_MS,
    probeIntervalMs: DEFAULT_PROBE_INTERVAL_MS,
    rebalanceIntervalMs: DEFAULT_REBALANCE_INTERVAL_MS,
    maxRunningJobs: DEFAULT_MAX_RUNNING_JOBS,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    workerBackoffMs: DEFAULT_WORKER_BACKOFF_MS,
    defaultBatchSize: DEFAULT_BATCH_SIZE,
    maxBatchSize: MAX_BATCH_SIZE,
    defaultTopK: DEFAULT_TOP_K,
  };
}

/**
 * Short timings for tests on one machine: a 1-s lease renewed every 250 ms, deadlines from 1 s,
 * a half-second backoff. Not for a loaded machine (a 1-s lease flaps when inference saturates the cores).
 */
export function localCoordinatorOptions(nodeId: string, controlAddress: string): CoordinatorOptions {
  return {
    ...defaultCoordinatorOptions(nodeId, controlAddress),
    leaseTtlMs: 1000,
    leaseTickMs: 250,
    taskTimeoutMs: 10_000,
    minTaskTimeoutMs: 1000,
    workerBackoffMs: 500,
  };
}

const INTEGERS = new Set<keyof CoordinatorOptions>([
  'maxInFlightPerWorker',
  'maxRunningJobs',
  'maxAttempts',
  'defaultBatchSize',
  'maxBatchSize',
  'defaultTopK',
]);

/**
 * Merges `partial` over the defaults (the lease tick follows a given TTL unless set) and
 * validates; throws {@link CoordinatorOptionsError} naming the field.
 */
export function resolveCoordinatorOptions(
  partial: Partial<CoordinatorOptions> & { nodeId: string; controlAddress: string },
): CoordinatorOptions {
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const base = defaultCoordinatorOptions(partial.nodeId, partial.controlAddress);
  const ttl = partial.leaseTtlMs ?? base.leaseTtlMs;
  const o: CoordinatorOptions = { ...base, leaseTickMs: ttl / 4, ...given };
  if (o.nodeId === '' || /\s/.test(o.nodeId))
    throw new CoordinatorOptionsError('nodeId', o.nodeId, 'a name without spaces');
  for (const [k, v] of Object.entries(o) as [keyof CoordinatorOptions, unknown][]) {
    if (typeof v !== 'number') continue;
    if (!Number.isFinite(v) || v <= 0) throw new CoordinatorOptionsError(k, v, 'a positive number');
    if (INTEGERS.has(k) && !Number.isInteger(v))
      throw new CoordinatorOptionsError(k, v, 'a positive integer');
  }
  if (o.maxBatchSize > MAX_BATCH_SIZE)
    throw new CoordinatorOptionsError('maxBatchSize', o.maxBatchSize, `at most ${MAX_BATCH_SIZE}`);
  if (o.defaultBatchSize > o.maxBatchSize)
    throw new CoordinatorOptionsError(
      'defaultBatchSize',
      o.defaultBatchSize,
      `at most maxBatchSize (${o.maxBatchSize})`,
    );
  if (o.leaseTickMs * 2 >= o.leaseTtlMs)
    throw new CoordinatorOptionsError(
      'leaseTickMs',
      o.leaseTickMs,
      `under half of leaseTtlMs (${o.leaseTtlMs})`,
    );
  return o;
}
