import { MAX_BATCH_SIZE } from '@idunno/client';
import { describe, expect, it } from 'vitest';
import { CoordinatorOptionsError } from './errors.js';
import { defaultCoordinatorOptions, localCoordinatorOptions, resolveCoordinatorOptions } from './options.js';

const ids = { nodeId: 'c1', controlAddress: '' };

describe('coordinator options', () => {
  it('fill every default, with the lease tick a quarter of the TTL (the one renewal cadence)', () => {
    expect(resolveCoordinatorOptions(ids)).toEqual(defaultCoordinatorOptions('c1', ''));
    expect(resolveCoordinatorOptions({ ...ids, leaseTtlMs: 4000 }).leaseTickMs).toBe(1000);
    expect(resolveCoordinatorOptions({ ...ids, leaseTtlMs: 4000, leaseTickMs: 500 }).leaseTickMs).toBe(500);
  });

  it('offer a local profile that passes its own validation', () => {
    const local = localCoordinatorOptions('c1', '');
    expect(resolveCoordinatorOptions(local)).toEqual(local);
    expect(local.leaseTtlMs).toBeLessThan(defaultCoordinatorOptions('c1', '').leaseTtlMs);
  });

  it.each([
    [{ maxAttempts: 0 }, 'coordinator option maxAttempts must be a positive number, got 0'],
    [
      { maxInFlightPerWorker: 1.5 },
      'coordinator option maxInFlightPerWorker must be a positive integer, got 1.5',
    ],
    [{ leaseTtlMs: Number.NaN }, 'coordinator option leaseTtlMs must be a positive number, got NaN'],
    [
      { maxBatchSize: MAX_BATCH_SIZE + 1 },
      `coordinator option maxBatchSize must be at most ${MAX_BATCH_SIZE}, got ${MAX_BATCH_SIZE + 1}`,
    ],
    [{ maxBatchSize: 4 }, 'coordinator option defaultBatchSize must be at most maxBatchSize (4), got 8'],
    [
      { leaseTtlMs: 1000, leaseTickMs: 600 },
      'coordinator option leaseTickMs must be under half of leaseTtlMs (1000), got 600',
    ],
    [{ nodeId: 'a b' }, 'coordinator option nodeId must be a name without spaces, got a b'],
  ])('refuse %j with a message naming the field', (partial, message) => {
    const err = (() => {
      try {
        resolveCoordinatorOptions({ ...ids, ...partial });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CoordinatorOptionsError);
    expect((err as Error).message).toBe(message);
  });
});
