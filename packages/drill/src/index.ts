export {
  InvalidDrillOptionError,
  JobsNotCompletedError,
  LeaderNotFoundError,
  NoBaselineProgressError,
  NoTargetError,
} from './errors.js';
export { doneAt, lossOf, meanStd, rateBetween, recoveryMs, type Sample } from './measure.js';
export {
  BASELINE_MS,
  DEFAULT_DRILL_IMAGES_DIR,
  DEFAULT_DRILL_STATE_DIR,
  DEFAULT_DRILL_TRIALS,
  DEFAULT_DRILL_WORKERS,
  DRILL_KINDS,
  DRILL_MODELS,
  type DrillKind,
  type DrillOptions,
  defaultDrillOptions,
  isDrillKind,
  LEADER_TIMEOUT_MS,
  MAX_PAIR_MS,
  MIN_DRILL_WORKERS,
  MIN_JOB_LEFT_MS,
  POLL_INTERVAL_MS,
  RECOVERY_CAP_MS,
  RECOVERY_FRACTION,
  RECOVERY_WINDOW_MS,
  resolveDrillOptions,
  SAMPLE_INTERVAL_MS,
  SETTLE_TIMEOUT_MS,
  TRIAL_GUESS_MS,
} from './options.js';
export type { DrillReport, DrillResult, JobRecord, TrialResult } from './report.js';
export { type Drill, launchDrill } from './run.js';
