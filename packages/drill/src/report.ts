/**
 * What a drill run reports. `idunno drill --json` prints a {@link DrillReport} as it is, so these
 * field names are a contract (docs, tests and scripts read them).
 */
import type { DrillKind } from './options.js';

export interface TrialResult {
  trial: number;
  baselineQps: number;
  /** null: not detected within the cap. */
  detectionMs: number | null;
  /** null: not recovered within the cap. */
  recoveryMs: number | null;
  target: string;
  notes: string[];
}

export interface DrillResult {
  drill: DrillKind;
  trials: TrialResult[];
  detection: { mean: number | null; stddev: number | null };
  recovery: { mean: number | null; stddev: number | null };
}

/** One job the drill started, counted from its recorded results. */
export interface JobRecord {
  jobId: string;
  model: string;
  totalQueries: number;
  rows: number;
  distinct: number;
  errors: number;
  lost: number;
  duplicated: number;
  completed: boolean;
}

export interface DrillReport {
  drills: DrillResult[];
  jobs: JobRecord[];
  totalQueries: number;
  lost: number;
  duplicated: number;
  failures: string[];
  workers: number;
  coordinators: number;
  /** Every trial measured, every job completed, and no query lost or duplicated. */
  ok: boolean;
}
