// The public surface: the StateStore port, its Redis implementation and options, the typed errors,
// and the stored types. Key layout (keys.ts) and script plumbing (scripts.ts, replies.ts,
// connection.ts) stay internal, so they can change without touching the coordinator.
export {
  InvalidArgumentError,
  InvalidJobStateError,
  JobExistsError,
  JobNotFoundError,
  LeaseLostError,
  StaleEpochError,
  StateStoreError,
  StoreBehindError,
  StoreRefusedError,
  StoreReplyError,
  StoreUnavailableError,
} from './errors.js';
export { DEFAULT_KEY_PREFIX } from './keys.js';
export {
  DEFAULT_CHANGE_STREAM_MAX_LEN,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_RECONNECT_DELAY_MS,
  defaultRedisStateStoreOptions,
  type RedisStateStoreOptions,
  type ResolvedRedisStateStoreOptions,
} from './options.js';
export { createRedisStateStore } from './redis-store.js';
export { parseRedisUrl, type RedisTarget, redactRedisUrl } from './redis-url.js';
export type { Page, StateStore } from './store.js';
export {
  type AcquireResult,
  type ChangeEvent,
  JOB_STATES,
  type JobCounts,
  type JobRecord,
  type JobSnapshot,
  type JobSpec,
  type JobState,
  type LeaseInfo,
  type Query,
  type RecordedItem,
  type RecordedOutcome,
  type RecordOutcome,
  type RejectedWrites,
} from './types.js';
