import { DEFAULT_TOP_K, MAX_BATCH_SIZE } from '@idunno/client';

export interface CoordinatorOptions {
  /** This coordinator's id (lease holder name, logs). */
  nodeId: string;
  /** Where this coordinator's control API listens (reported by Leader()). */
  controlAddress: string;
  /** Leader lease time to live. @default 2000 ms */
  leaseTtlMs: number;
  /** How often leadership is renewed or tried for. @default leaseTtlMs / 4 */
  leaseTickMs: number;
  /** Tasks in flight per worker, so a worker never idles between batches. @default 2 */
  maxInFlightPerWorker: number;
  /** Deadline of a task before it is re-dispatched elsewhere, until observed times give a better one. @default 30_000 ms */
  taskTimeoutMs: number;
  /** Deadline = max(minTaskTimeoutMs, observed time per query × batch × taskTimeoutFactor). @default 4 */
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
  /** @default 5 */
  defaultTopK: number;
}

export const DEFAULT_LEASE_TTL_MS = 2000;
export const DEFAULT_MAX_IN_FLIGHT_PER_WORKER = 2;
export const DEFAULT_TASK_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RUNNING_JOBS = 2;
export const DEFAULT_BATCH_SIZE = 8;

export function defaultCoordinatorOptions(nodeId: string, controlAddress: string): CoordinatorOptions {
  return {
    nodeId,
    controlAddress,
    leaseTtlMs: DEFAULT_LEASE_TTL_MS,
    leaseTickMs: DEFAULT_LEASE_TTL_MS / 4,
    maxInFlightPerWorker: DEFAULT_MAX_IN_FLIGHT_PER_WORKER,
    taskTimeoutMs: DEFAULT_TASK_TIMEOUT_MS,
    taskTimeoutFactor: 4,
    minTaskTimeoutMs: 2000,
    pumpIntervalMs: 100,
    probeIntervalMs: 200,
    rebalanceIntervalMs: 1000,
    maxRunningJobs: DEFAULT_MAX_RUNNING_JOBS,
    maxAttempts: 5,
    workerBackoffMs: 1000,
    defaultBatchSize: DEFAULT_BATCH_SIZE,
    maxBatchSize: MAX_BATCH_SIZE,
    defaultTopK: DEFAULT_TOP_K,
  };
}

/** Validates and fills options; throws RangeError naming the bad field. */
export function resolveCoordinatorOptions(
  partial: Partial<CoordinatorOptions> & { nodeId: string; controlAddress: string },
): CoordinatorOptions {
  const base = defaultCoordinatorOptions(partial.nodeId, partial.controlAddress);
  const ttl = partial.leaseTtlMs ?? base.leaseTtlMs;
  const o: CoordinatorOptions = { ...base, leaseTickMs: ttl / 4, ...partial };
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number' && (!Number.isFinite(v) || v <= 0))
      throw new RangeError(`coordinator option ${k} must be positive, got ${v}`);
  }
  if (o.maxBatchSize > MAX_BATCH_SIZE)
    throw new RangeError(`maxBatchSize (${o.maxBatchSize}) must be at most ${MAX_BATCH_SIZE}`);
  if (o.leaseTickMs * 2 >= o.leaseTtlMs)
    throw new RangeError(`leaseTickMs (${o.leaseTickMs}) must be under half of leaseTtlMs (${o.leaseTtlMs})`);
  return o;
}
