export {
  ClockWentBackwardsError,
  DuplicateJobError,
  InvalidCompletionError,
  InvalidCostError,
  SchedulerOptionsError,
  TooManyJobsError,
} from './errors.js';
export {
  DEFAULT_COST_HALF_LIFE_MS,
  DEFAULT_FEEDBACK_GAIN,
  DEFAULT_MAX_CORRECTION,
  DEFAULT_MAX_RUNNING_JOBS,
  DEFAULT_MIN_WEIGHT,
  DEFAULT_REBALANCE_INTERVAL_MS,
  DEFAULT_WINDOW_MS,
  defaultSchedulerOptions,
  localSchedulerOptions,
  resolveSchedulerOptions,
  type SchedulerOptions,
} from './options.js';
export {
  type Assignment,
  type Completion,
  type JobSpec,
  Scheduler,
  type SchedulerSnapshot,
} from './scheduler.js';
export {
  maxRateGap,
  rateGap,
  type SimJob,
  type SimSample,
  type SimulationConfig,
  type SimulationResult,
  type SimWorker,
  simulate,
} from './simulate.js';
export { equalRateSplit, type Split } from './split.js';
