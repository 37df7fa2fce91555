/**
 * Errors thrown by the Scheduler. One class per condition, each with a literal `name` and typed
 * context fields, so callers can branch on `err.name` or `instanceof` and show `err.message`.
 */

/** A {@link SchedulerOptions} field is out of range. */
export class SchedulerOptionsError extends Error {
  override readonly name = 'SchedulerOptionsError' as const;
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`scheduler option ${option} must be ${expected}, got ${String(value)}`);
  }
}

/** `addJob` was called while `maxRunningJobs` jobs already run. */
export class TooManyJobsError extends Error {
  override readonly name = 'TooManyJobsError' as const;
  constructor(
    readonly running: number,
    readonly max: number,
  ) {
    super(
      `${running} jobs already run (at most ${max} at once): stop or wait for one before starting another`,
    );
  }
}

/** `addJob` was called with the id of a job that already runs. */
export class DuplicateJobError extends Error {
  override readonly name = 'DuplicateJobError' as const;
  constructor(readonly jobId: string) {
    super(`job ${jobId} is already scheduled: remove it first or use another id`);
  }
}

/** A job's expected cost per query is not a positive finite number. */
export class InvalidCostError extends Error {
  override readonly name = 'InvalidCostError' as const;
  constructor(
    readonly jobId: string,
    readonly expectedCost: number,
  ) {
    super(`job ${jobId}: expected cost per query must be a positive finite number, got ${expectedCost}`);
  }
}

/** A completion report carries a negative or non-finite count or duration. */
export class InvalidCompletionError extends Error {
  override readonly name = 'InvalidCompletionError' as const;
  constructor(
    readonly field: 'queries' | 'busyMs',
    readonly value: number,
  ) {
    super(`completion ${field} must be a non-negative finite number, got ${value}`);
  }
}

/** `now` went backwards: the Scheduler's clock must be monotonic. */
export class ClockWentBackwardsError extends Error {
  override readonly name = 'ClockWentBackwardsError' as const;
  constructor(
    readonly now: number,
    readonly last: number,
  ) {
    super(`clock went backwards: now=${now} ms after ${last} ms; pass a monotonic clock (performance.now())`);
  }
}
