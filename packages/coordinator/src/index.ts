export { controlHandlers, serveControl, toStatus } from './control-service.js';
export { Coordinator } from './coordinator.js';
export {
  BadListFileError,
  CoordinatorOptionsError,
  InvalidJobRequestError,
  JobCompletedError,
  JobInputError,
} from './errors.js';
export {
  gossipPeerView,
  gossipWorkerDirectory,
  isDispatchable,
  type MembershipView,
  type MemberView,
  memberViews,
} from './gossip-directory.js';
export type { AddJobRequest } from './job-control.js';
export { expandJobInputs, MAX_JOB_QUERIES } from './job-input.js';
export type { JobAssignment, JobView } from './job-views.js';
export type { PeerView } from './leadership.js';
export { compareIds, type MirroredJob, StateMirror } from './mirror.js';
export {
  type CoordinatorNode,
  type CoordinatorNodeOptions,
  createCoordinatorNode,
  type DashboardStarter,
} from './node.js';
export {
  type CoordinatorOptions,
  DEFAULT_BATCH_SIZE,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_MAX_IN_FLIGHT_PER_WORKER,
  DEFAULT_MAX_RUNNING_JOBS,
  DEFAULT_TASK_TIMEOUT_MS,
  defaultCoordinatorOptions,
  localCoordinatorOptions,
  resolveCoordinatorOptions,
} from './options.js';
export {
  type Cancel,
  type Clock,
  type CoordinatorPorts,
  GrpcLeaderProbe,
  grpcWorkerLinks,
  type LeaderProbe,
  type ProbeAnswer,
  realClock,
  realPorts,
  realTimers,
  type Timers,
  type WorkerLink,
  type WorkerLinks,
} from './ports.js';
export { ProcessingStats, type ProcessingSummary, RateWindow } from './stats.js';
export type { CoordinatorEvents, Role } from './term.js';
export { type Task, Tracker, type TrackerStats } from './tracker.js';
export { StaticWorkerDirectory, type WorkerDirectory, type WorkerInfo } from './workers.js';
