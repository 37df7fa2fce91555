export { BadTaskError } from './errors.js';
export {
  DEFAULT_MAX_TASK_QUERIES,
  DEFAULT_MAX_TOP_K,
  defaultWorkerServiceOptions,
  type WorkerServiceOptions,
} from './options.js';
export { type WorkerCounters, type WorkerEvents, WorkerService } from './service.js';
