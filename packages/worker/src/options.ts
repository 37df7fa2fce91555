export interface WorkerServiceOptions {
  /** Identifies this worker in replies and logs. */
  workerId: string;
  /** Most queries accepted in one task; larger tasks are refused whole. @default 1024 */
  maxTaskQueries: number;
  /** Largest top-k a task may ask for. @default 100 */
  maxTopK: number;
}

export const DEFAULT_MAX_TASK_QUERIES = 1024;
export const DEFAULT_MAX_TOP_K = 100;

export function defaultWorkerServiceOptions(workerId: string): WorkerServiceOptions {
  return { workerId, maxTaskQueries: DEFAULT_MAX_TASK_QUERIES, maxTopK: DEFAULT_MAX_TOP_K };
}
