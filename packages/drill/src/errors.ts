/**
 * Why a drill could not measure at all. One class per condition, each with a literal `name` and
 * typed fields; a measurement that merely failed (not detected, not recovered, a job not completed)
 * is no error but a line in the report's `failures`.
 */

/** A {@link DrillOptions} field is out of range; thrown before anything starts. */
export class InvalidDrillOptionError extends Error {
  override readonly name = 'InvalidDrillOptionError' as const;
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`drill option ${option} must be ${expected}, got ${JSON.stringify(value)}`);
  }
}

/** No coordinator of the drill's cluster answered `Leader()` as the leader in time. */
export class LeaderNotFoundError extends Error {
  override readonly name = 'LeaderNotFoundError' as const;
  constructor(readonly timeoutMs: number) {
    super(`no coordinator leads after ${timeoutMs / 1000} s`);
  }
}

/**
 * Jobs the drill started did not complete in time before the next step: the calibration pair
 * (its rates size every later pair) or a pair that ran low and had to finish first.
 */
export class JobsNotCompletedError extends Error {
  override readonly name = 'JobsNotCompletedError' as const;
  constructor(
    readonly phase: 'calibration' | 'pair',
    readonly jobIds: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(
      phase === 'calibration'
        ? `the calibration jobs did not complete within ${timeoutMs / 1000} s`
        : `a job pair did not complete within ${timeoutMs / 1000} s`,
    );
  }
}

/** The jobs recorded nothing during a trial's baseline: there is no throughput to compare with. */
export class NoBaselineProgressError extends Error {
  override readonly name = 'NoBaselineProgressError' as const;
  constructor(
    readonly drill: string,
    readonly trial: number,
  ) {
    super(`${drill} #${trial}: the jobs made no progress during the baseline`);
  }
}

/** The cluster has no process of the kind the drill breaks (every worker gone, no standby). */
export class NoTargetError extends Error {
  override readonly name = 'NoTargetError' as const;
  constructor(readonly role: 'worker' | 'standby') {
    super(role === 'worker' ? 'no worker left to break' : 'no standby coordinator to kill');
  }
}
