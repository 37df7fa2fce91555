/** A task whose epoch is lower than the highest this worker has seen: sent by a deposed leader. */
export class StaleEpochError extends Error {
  override readonly name = 'StaleEpochError';
  readonly epoch: number;
  readonly current: number;
  constructor(epoch: number, current: number) {
    super(
      `task epoch ${epoch} is older than this worker's highest seen epoch ${current}: the sender is no longer the leader`,
    );
    this.epoch = epoch;
    this.current = current;
  }
}

/** A task that cannot run as a whole: empty, too large, malformed. */
export class BadTaskError extends Error {
  override readonly name = 'BadTaskError';
  readonly taskId: string;
  constructor(taskId: string, message: string) {
    super(message);
    this.taskId = taskId;
  }
}
