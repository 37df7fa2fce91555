export { controlHandlers, type MemberView, serveControl, toStatus } from './control.js';
export {
  Coordinator,
  type CoordinatorEvents,
  type JobView,
  type PeerView,
  type Role,
} from './coordinator.js';
export {
  BadListFileError,
  InvalidJobRequestError,
  JobCompletedError,
  JobInputError,
} from './errors.js';
export { expandJobInputs, IMAGE_EXTENSIONS, MAX_JOB_QUERIES } from './job-input.js';
export { compareIds, type MirroredJob, StateMirror } from './mirror.js';
export {
  type CoordinatorOptions,
  DEFAULT_BATCH_SIZE,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_MAX_IN_FLIGHT_PER_WORKER,
  DEFAULT_MAX_RUNNING_JOBS,
  DEFAULT_TASK_TIMEOUT_MS,
  defaultCoordinatorOptions,
  resolveCoordinatorOptions,
} from './options.js';
export { ProcessingStats, type ProcessingSummary, RateWindow } from './stats.js';
export { type Task, Tracker, type TrackerStats } from './tracker.js';
export { StaticWorkerDirectory, type WorkerDirectory, type WorkerInfo } from './workers.js';
