export interface WorkerServiceOptions {
  /** Identifies this worker in replies and logs. */
  workerId: string;
  /** Most queries accepted in one task; larger tasks are refused whole. @default 1024 */
  maxTaskQueries: number;
  /** Largest top-k a task may ask for. @default 100 */
  maxTopK: number;
}

import { MAX_BATCH_SIZE, MAX_TOP_K } from '@idunno/client';

/** A task is at most one batch: the contract's largest batch size. */
export const DEFAULT_MAX_TASK_QUERIES = MAX_BATCH_SIZE;
export const DEFAULT_MAX_TOP_K = MAX_TOP_K;

export function defaultWorkerServiceOptions(workerId: string): WorkerServiceOptions {
  return { workerId, maxTaskQueries: DEFAULT_MAX_TASK_QUERIES, maxTopK: DEFAULT_MAX_TOP_K };
}
