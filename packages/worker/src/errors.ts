/** A task that cannot run as a whole: empty, too large, malformed. */
export class BadTaskError extends Error {
  override readonly name = 'BadTaskError';
  readonly taskId: string;
  constructor(taskId: string, message: string) {
    super(message);
    this.taskId = taskId;
  }
}
