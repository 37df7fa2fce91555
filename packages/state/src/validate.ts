import { JOB_ID_PATTERN, JOB_ID_RULE, MAX_BATCH_SIZE } from '@idunno/client';
import { InvalidArgumentError } from './errors.js';
import type { Page } from './store.js';

// Checks run before anything is sent to Redis, so a bad argument never reaches a script and fails
// with an InvalidArgumentError that names the argument.

/** A page as LRANGE bounds (inclusive stop; -1 for "to the end"). */
export function range(page: Page): { start: number; stop: number } {
  const offset = page.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0)
    throw new InvalidArgumentError('offset', offset, 'an integer ≥ 0');
  if (page.limit === undefined) return { start: offset, stop: -1 };
  if (!Number.isInteger(page.limit) || page.limit < 0) {
    throw new InvalidArgumentError('limit', page.limit, 'an integer ≥ 0');
  }
  if (page.limit === 0) return { start: 1, stop: 0 }; // empty range
  return { start: offset, stop: offset + page.limit - 1 };
}

export function checkEpoch(epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 1) {
    throw new InvalidArgumentError('epoch', epoch, 'an integer ≥ 1 from acquireLease');
  }
}

export function checkJobId(jobId: string): void {
  if (typeof jobId !== 'string' || !JOB_ID_PATTERN.test(jobId)) {
    throw new InvalidArgumentError('job id', jobId, JOB_ID_RULE);
  }
}

export function checkNodeId(nodeId: string): void {
  if (typeof nodeId !== 'string' || nodeId === '' || nodeId.includes(' ')) {
    throw new InvalidArgumentError('node id', nodeId, 'a non-empty string without spaces');
  }
}

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new InvalidArgumentError('batch size', batchSize, `an integer from 1 to ${MAX_BATCH_SIZE}`);
  }
}

export function positiveInt(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new InvalidArgumentError(name, value, 'a positive integer');
}
