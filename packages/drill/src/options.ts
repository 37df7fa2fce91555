import { join } from 'node:path';
import { REPO_ROOT } from '@idunno/launcher';
import { InvalidDrillOptionError } from './errors.js';

export const DRILL_KINDS = [
  'kill-worker',
  'hang-worker',
  'kill-primary',
  'hang-primary',
  'kill-standby',
  'restart-redis',
] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

export function isDrillKind(name: string): name is DrillKind {
  return (DRILL_KINDS as readonly string[]).includes(name);
}

// ---- the measurement's definitions (the help text and docs/BENCHMARKS.md quote them) ----

/** Throughput is sampled this often (GetJobStats on every live coordinator). */
export const SAMPLE_INTERVAL_MS = 250;
/** The baseline: combined throughput over this long before the failure. */
export const BASELINE_MS = 3_000;
/** Recovery: the first window of this length, after the failure, at ≥ RECOVERY_FRACTION of the baseline. */
export const RECOVERY_WINDOW_MS = 2_000;
export const RECOVERY_FRACTION = 0.9;
/** Recovery (and detection) not reached within this long is reported as "not recovered". */
export const RECOVERY_CAP_MS = 60_000;

// ---- how the drill sizes its work and paces its checks ----

/** A job pair is replaced before a trial when either job has less than this much work left. */
export const MIN_JOB_LEFT_MS = RECOVERY_CAP_MS + BASELINE_MS + 15_000;
/** First guess at one trial's length, refined with every trial; sizes the job pairs. */
export const TRIAL_GUESS_MS = 30_000;
/** At most this much work per job pair (bounds the final wait for completion). */
export const MAX_PAIR_MS = 240_000;
/** Pause between two checks of a condition (detection, a member alive, a leader). */
export const POLL_INTERVAL_MS = 100;
/** How long a leader lookup keeps trying (a takeover in progress). */
export const LEADER_TIMEOUT_MS = 30_000;
/**
 * Bound on the wait for a settled cluster before a baseline (see `DrillCluster.settle`); past it
 * the baseline is taken anyway, and a trial that then sees no progress fails on its own.
 */
export const SETTLE_TIMEOUT_MS = 10_000;

/**
 * The two jobs of every pair: a costly model and a near-free one, so that a failure shows in both
 * an inference-bound and a control-plane-bound rate. `calibration` is the calibration pair's size.
 */
export const DRILL_MODELS = [
  { name: 'vit', model: 'vit-tiny-untrained', batchSize: 8, calibration: 48 },
  { name: 'tiny', model: 'tiny', batchSize: 16, calibration: 192 },
] as const;

// ---- options ----

/** Trials per drill. */
export const DEFAULT_DRILL_TRIALS = 3;
/** Workers in the drill's cluster. */
export const DEFAULT_DRILL_WORKERS = 3;
/** A drill breaks one worker and measures the rest, so it needs at least two. */
export const MIN_DRILL_WORKERS = 2;
/** The cluster's folder, relative to the working directory (its Redis data is wiped first). */
export const DEFAULT_DRILL_STATE_DIR = '.idunno/drill';
/** The synthetic images the jobs classify, kept across runs (the demo uses the same folder). */
export const DEFAULT_DRILL_IMAGES_DIR = join(REPO_ROOT, '.idunno/demo-images');

/** What {@link launchDrill} runs. Every field but `kinds` has a default; see `DEFAULT_*`. */
export interface DrillOptions {
  /** The drills, in order, each run `trials` times. At least one. */
  kinds: readonly DrillKind[];
  /** Trials per drill, an integer ≥ 1. @default 3 */
  trials: number;
  /** Workers in the cluster, an integer ≥ 2. @default 3 */
  workers: number;
  /**
   * Folder of the cluster (Redis data, logs, cluster.json, the jobs' input lists), resolved
   * against the working directory. Its Redis data is wiped first.
   * @default '.idunno/drill'
   */
  stateDir: string;
  /** Folder of the synthetic input images (written when missing). @default <repo>/.idunno/demo-images */
  imagesDir: string;
  /** Receives one line per step, for a human watching (the CLI writes them to stderr). @default discards them */
  onProgress: (line: string) => void;
}

/** A fresh object holding every default (`kinds` has none: the caller names the drills). */
export function defaultDrillOptions(): Omit<DrillOptions, 'kinds'> {
  return {
    trials: DEFAULT_DRILL_TRIALS,
    workers: DEFAULT_DRILL_WORKERS,
    stateDir: DEFAULT_DRILL_STATE_DIR,
    imagesDir: DEFAULT_DRILL_IMAGES_DIR,
    onProgress: () => {},
  };
}

/** Merges `options` over the defaults and validates; throws {@link InvalidDrillOptionError}. */
export function resolveDrillOptions(
  options: Pick<DrillOptions, 'kinds'> & Partial<Omit<DrillOptions, 'kinds'>>,
): DrillOptions {
  const d = defaultDrillOptions();
  const o: DrillOptions = {
    kinds: options.kinds,
    trials: options.trials ?? d.trials,
    workers: options.workers ?? d.workers,
    stateDir: options.stateDir ?? d.stateDir,
    imagesDir: options.imagesDir ?? d.imagesDir,
    onProgress: options.onProgress ?? d.onProgress,
  };
  if (o.kinds.length === 0) throw new InvalidDrillOptionError('kinds', o.kinds, 'at least one drill');
  for (const k of o.kinds)
    if (!isDrillKind(k)) throw new InvalidDrillOptionError('kinds', k, `one of ${DRILL_KINDS.join(', ')}`);
  if (!Number.isInteger(o.trials) || o.trials < 1)
    throw new InvalidDrillOptionError('trials', o.trials, 'an integer ≥ 1');
  if (!Number.isInteger(o.workers) || o.workers < MIN_DRILL_WORKERS)
    throw new InvalidDrillOptionError('workers', o.workers, `an integer ≥ ${MIN_DRILL_WORKERS}`);
  return o;
}
