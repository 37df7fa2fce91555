/**
 * Redis key layout of idunno's shared state. Every key starts with a configurable prefix
 * (default `idunno:`, written `P` below). For Redis Cluster use a hash-tagged prefix such as
 * `{idunno}:` so that the multi-key scripts stay in one slot; Sentinel/standalone need nothing.
 *
 * | key                       | type   | contents                                                        |
 * | ------------------------- | ------ | --------------------------------------------------------------- |
 * | `P epoch`                 | string | current epoch (fencing token); only `grantLease` (in            |
 * |                           |        | lua/includes/common.lua, for acquireLease and takeOverLease)    |
 * |                           |        | writes it, always upwards: max(stored, minEpoch) + 1, never     |
 * |                           |        | reused                                                          |
 * | `P lease`                 | string | `"<epoch> <nodeId>"` of the leader, with a PX TTL               |
 * | `P counters`              | hash   | `rejectedStale`, `rejectedBehind` (fenced writes refused),      |
 * |                           |        | `duplicates`, `conflicts` (record-once refusals), `changeSeq`   |
 * | `P changes`               | stream | one entry per state change (XADD MAXLEN ~), see `changes.ts`;   |
 * |                           |        | fields: `seq` (from `changeSeq`), `type`, `epoch`, `at`, …      |
 * | `P jobs`                  | zset   | job ids scored by creation time (ms, Redis clock)               |
 * | `P job:<id>`              | hash   | spec: `jobId model inputs(JSON) batchSize topK state epoch`,    |
 * |                           |        | times: `createdAt updatedAt startedAt stoppedAt completedAt`,   |
 * |                           |        | counters: `totalQueries done errors duplicates`                 |
 * | `P job:<id>:queries`      | list   | query ids in input order (append-only)                          |
 * | `P job:<id>:uris`         | hash   | query id → input URI (also the "is this a query of the job" set) |
 * | `P job:<id>:results`      | hash   | query id → result payload (HSETNX: recorded once)               |
 * | `P job:<id>:errors`       | hash   | query id → error payload (HSETNX; never alongside a result)     |
 * | `P job:<id>:outcomes`     | list   | query ids in the order their result or error was recorded       |
 *
 * Invariants kept by the Lua scripts (src/lua):
 * - every coordinator write carries an epoch and is applied only if it equals `P epoch`;
 * - a query id is in at most one of `results` / `errors`, and in `outcomes` exactly when it is in one;
 * - `done` = HLEN results, `errors` = HLEN errors, `totalQueries` = LLEN queries (same script updates both);
 * - times are taken from the Redis clock (TIME), so every node agrees on them.
 * Counters in `P counters` live in Redis: a restart without data resets them.
 */
export interface StateKeys {
  readonly epoch: string;
  readonly lease: string;
  readonly counters: string;
  readonly changes: string;
  readonly jobs: string;
  job(jobId: string): string;
  queries(jobId: string): string;
  uris(jobId: string): string;
  results(jobId: string): string;
  errors(jobId: string): string;
  outcomes(jobId: string): string;
}

export const DEFAULT_KEY_PREFIX = 'idunno:';

export function stateKeys(prefix: string = DEFAULT_KEY_PREFIX): StateKeys {
  const job = (jobId: string): string => `${prefix}job:${jobId}`;
  return {
    epoch: `${prefix}epoch`,
    lease: `${prefix}lease`,
    counters: `${prefix}counters`,
    changes: `${prefix}changes`,
    jobs: `${prefix}jobs`,
    job,
    queries: (jobId) => `${job(jobId)}:queries`,
    uris: (jobId) => `${job(jobId)}:uris`,
    results: (jobId) => `${job(jobId)}:results`,
    errors: (jobId) => `${job(jobId)}:errors`,
    outcomes: (jobId) => `${job(jobId)}:outcomes`,
  };
}
