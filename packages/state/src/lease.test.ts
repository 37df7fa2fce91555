import { type RedisServer, startRedis, waitFor } from '@idunno/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from './errors.js';
import { createRedisStateStore } from './redis-store.js';

let redis: RedisServer;
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis({ appendOnly: false });
});
afterAll(async () => {
  await redis.stop();
});

async function freshStore(url = redis.url) {
  return createRedisStateStore({ url, prefix: `l${prefixes++}:` });
}

describe('lease', () => {
  it('lets a second acquirer fail while held, and succeed with a higher epoch after the TTL', async () => {
    const store = await freshStore();
    try {
      const a = await store.acquireLease('coord-a', 300);
      expect(a).toEqual({ acquired: true, epoch: 1 });
      const b = await store.acquireLease('coord-b', 300);
      expect(b).toMatchObject({ acquired: false, holder: 'coord-a', epoch: 1 });
      if (b.acquired) throw new Error('unreachable');
      expect(b.ttlMs).toBeGreaterThan(0);
      expect(b.ttlMs).toBeLessThanOrEqual(300);
      const taken = await waitFor(
        async () => {
          const r = await store.acquireLease('coord-b', 10_000);
          return r.acquired ? r : undefined;
        },
        { timeoutMs: 5000, message: 'lease to expire' },
      );
      expect(taken.epoch).toBe(2);
      expect(await store.readLease()).toMatchObject({ holder: 'coord-b', epoch: 2 });
      expect(await store.currentEpoch()).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('renews for the holder and refuses the old holder after a takeover with LeaseLostError', async () => {
    const store = await freshStore();
    try {
      const a = await store.acquireLease('coord-a', 200);
      if (!a.acquired) throw new Error('not acquired');
      await store.renewLease('coord-a', a.epoch, 10_000);
      expect((await store.readLease())?.ttlMs).toBeGreaterThan(5000);
      await expect(store.renewLease('coord-a', a.epoch + 1, 10_000)).rejects.toBeInstanceOf(LeaseLostError);

      expect(await store.releaseLease('coord-a', a.epoch)).toBe(true);
      const b = await store.acquireLease('coord-b', 10_000);
      if (!b.acquired) throw new Error('not acquired');
      const error = await store.renewLease('coord-a', a.epoch, 10_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LeaseLostError);
      expect(error).toMatchObject({
        nodeId: 'coord-a',
        epoch: a.epoch,
        holder: { nodeId: 'coord-b', epoch: b.epoch },
      });
      expect(await store.releaseLease('coord-a', a.epoch)).toBe(false);
      expect(await store.readLease()).toMatchObject({ holder: 'coord-b', epoch: b.epoch });
    } finally {
      await store.close();
    }
  });

  it('reports an expired lease as lost with no holder', async () => {
    const store = await freshStore();
    try {
      const a = await store.acquireLease('coord-a', 50);
      if (!a.acquired) throw new Error('not acquired');
      await waitFor(async () => (await store.readLease()) === null, { timeoutMs: 5000, message: 'expiry' });
      await expect(store.renewLease('coord-a', a.epoch, 1000)).rejects.toMatchObject({
        name: 'LeaseLostError',
        holder: null,
      });
    } finally {
      await store.close();
    }
  });

  it('takes over only the exact lease it saw, under a new epoch, and announces it', async () => {
    const store = await freshStore();
    try {
      const a = await store.acquireLease('coord-a', 10_000);
      if (!a.acquired) throw new Error('not acquired');
      const from = await store.latestChangeId();
      // A lease other than the one the caller saw (here: another epoch) is left alone.
      const stale = { holder: 'coord-a', epoch: a.epoch - 1 };
      expect(await store.takeOverLease('coord-b', 10_000, stale)).toMatchObject({
        acquired: false,
        holder: 'coord-a',
        epoch: a.epoch,
      });
      const b = await store.takeOverLease('coord-b', 10_000, { holder: 'coord-a', epoch: a.epoch });
      expect(b).toEqual({ acquired: true, epoch: a.epoch + 1 });
      expect(await store.readLease()).toMatchObject({ holder: 'coord-b', epoch: a.epoch + 1 });
      await expect(store.renewLease('coord-a', a.epoch, 10_000)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await store.readChanges(from)).toMatchObject([
        { type: 'lease-acquired', holder: 'coord-b', epoch: a.epoch + 1 },
      ]);
      // As with acquireLease, the new epoch is above the caller's minEpoch.
      const seen = { holder: 'coord-b', epoch: b.epoch };
      expect(await store.takeOverLease('coord-c', 10_000, seen, 40)).toEqual({ acquired: true, epoch: 41 });
    } finally {
      await store.close();
    }
  });

  it('never moves the epoch backwards across a Redis restart without data', async () => {
    const own = await startRedis({ appendOnly: true });
    try {
      const store = await freshStoreAt(own.url);
      let last = 0;
      for (let i = 0; i < 3; i++) {
        const r = await store.acquireLease(`coord-${i}`, 10_000);
        if (!r.acquired) throw new Error('not acquired');
        expect(r.epoch).toBeGreaterThan(last);
        last = r.epoch;
        await store.releaseLease(`coord-${i}`, r.epoch);
      }
      await own.restart({ keepData: false });
      const after = await waitFor(
        async () => {
          const r = await store.acquireLease('coord-x', 10_000, last);
          return r.acquired ? r : undefined;
        },
        { timeoutMs: 10_000, message: 'acquire after restart' },
      );
      expect(after.epoch).toBe(last + 1);
      await store.close();
    } finally {
      await own.stop();
    }
  });
});

async function freshStoreAt(url: string) {
  return createRedisStateStore({ url, prefix: 'restart:' });
}
