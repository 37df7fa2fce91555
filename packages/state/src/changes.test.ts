import { type RedisServer, startRedis } from '@idunno/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStateStore } from './redis-store.js';
import type { ChangeEvent } from './types.js';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis({ appendOnly: false });
});
afterAll(async () => {
  await redis.stop();
});

describe('change stream', () => {
  it('lets a reader following from an id see every later change in order', async () => {
    const primary = await createRedisStateStore({ url: redis.url, prefix: 'c1:' });
    const standby = await createRedisStateStore({ url: redis.url, prefix: 'c1:' });
    try {
      const lease = await primary.acquireLease('coord-a', 10_000);
      if (!lease.acquired) throw new Error('not acquired');
      const epoch = lease.epoch;
      const from = await standby.latestChangeId();

      // The standby blocks on the stream while the primary writes.
      const seen: ChangeEvent[] = [];
      let cursor = from;
      const follow = (async () => {
        while (seen.length < 7) {
          const batch = await standby.readChanges(cursor, { blockMs: 2000, count: 3 });
          for (const change of batch) {
            seen.push(change);
            cursor = change.id;
          }
          if (batch.length === 0) break;
        }
      })();

      await primary.addJob(
        { jobId: 'j1', model: 'resnet18', inputs: ['a', 'b'], batchSize: 4, topK: 3 },
        epoch,
      );
      await primary.appendQueries(
        'j1',
        [
          { id: 'q0', uri: 'file:///a' },
          { id: 'q1', uri: 'file:///b' },
        ],
        epoch,
      );
      await primary.setJobState('j1', 'running', epoch);
      await primary.recordOutcomes('j1', [{ queryId: 'q0', kind: 'result', payload: '{"top":[7]}' }], epoch);
      await primary.recordOutcomes('j1', [{ queryId: 'q0', kind: 'result', payload: '{"top":[7]}' }], epoch); // duplicate: no change
      await primary.recordOutcomes('j1', [{ queryId: 'q1', kind: 'error', payload: 'bad image' }], epoch);
      await primary.setBatchSize('j1', 16, epoch);
      await primary.releaseLease('coord-a', epoch);
      await follow;

      expect(seen.map((c) => c.type)).toEqual([
        'job-added',
        'queries-appended',
        'job-state',
        'outcomes-recorded',
        'outcomes-recorded',
        'batch-size',
        'lease-released',
      ]);
      const seqs = seen.map((c) => c.seq);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i)); // gap-free
      expect(seen.every((c) => c.epoch === epoch && c.at > 0)).toBe(true);
      expect(seen[0]).toMatchObject({
        jobId: 'j1',
        model: 'resnet18',
        inputs: ['a', 'b'],
        batchSize: 4,
        topK: 3,
      });
      expect(seen[1]).toMatchObject({ from: 0, count: 2 });
      expect(seen[2]).toMatchObject({ from: 'added', state: 'running' });
      expect(seen[3]).toMatchObject({ items: [{ queryId: 'q0', kind: 'result', payload: '{"top":[7]}' }] });
      expect(seen[4]).toMatchObject({ items: [{ queryId: 'q1', kind: 'error', payload: 'bad image' }] });
      expect(await standby.latestChangeId()).toBe(seen[6]?.id);
      expect(await standby.readChanges(from, { count: 100 })).toEqual(seen);
    } finally {
      await primary.close();
      await standby.close();
    }
  });

  it('writes one entry per recordOutcomes call, holding only the outcomes recorded by it', async () => {
    const store = await createRedisStateStore({ url: redis.url, prefix: 'c3:' });
    try {
      const lease = await store.acquireLease('coord-a', 10_000);
      if (!lease.acquired) throw new Error('not acquired');
      const epoch = lease.epoch;
      await store.addJob({ jobId: 'j', model: 'tiny', inputs: ['x'], batchSize: 8, topK: 1 }, epoch);
      const n = 2500; // more than one RPUSH slice in the script
      await store.appendQueries(
        'j',
        Array.from({ length: n }, (_, i) => ({ id: `q${i}`, uri: `file:///${i}` })),
        epoch,
      );
      await store.recordOutcomes(
        'j',
        [{ queryId: 'q0', kind: 'result', payload: '{"earlier":true}' }],
        epoch,
      );
      const from = await store.latestChangeId();
      // Payloads with quotes, slashes, escapes and non-ASCII survive the script's JSON encoding.
      const odd = '{"label":"a \\"quoted\\" / slash \\\\ back","ü":"日本"}';
      const items = [
        { queryId: 'q0', kind: 'result' as const, payload: '{"again":true}' }, // duplicate
        { queryId: 'q1', kind: 'result' as const, payload: odd },
        { queryId: 'q2', kind: 'error' as const, payload: 'bad image' },
        { queryId: 'nope', kind: 'result' as const, payload: '{}' }, // unknown query
        ...Array.from({ length: n - 3 }, (_, i) => ({
          queryId: `q${i + 3}`,
          kind: 'result' as const,
          payload: `{"i":${i + 3}}`,
        })),
      ];
      const outcomes = await store.recordOutcomes('j', items, epoch);
      expect(outcomes.slice(0, 4)).toEqual(['duplicate', 'recorded', 'recorded', 'unknown-query']);
      const changes = await store.readChanges(from, { count: 100 });
      expect(changes).toHaveLength(1);
      const change = changes[0]!;
      if (change.type !== 'outcomes-recorded') throw new Error(`got ${change.type}`);
      expect(change.jobId).toBe('j');
      expect(change.items).toHaveLength(n - 1);
      expect(change.items[0]).toEqual({ queryId: 'q1', kind: 'result', payload: odd });
      expect(change.items[1]).toEqual({ queryId: 'q2', kind: 'error', payload: 'bad image' });
      expect(change.items.at(-1)).toEqual({
        queryId: `q${n - 1}`,
        kind: 'result',
        payload: `{"i":${n - 1}}`,
      });
      const page = await store.getResults('j', { offset: 0, limit: n + 10 });
      expect(page.map((o) => o.queryId)).toEqual(Array.from({ length: n }, (_, i) => `q${i}`));
    } finally {
      await store.close();
    }
  });

  it('returns nothing when a blocking read times out', async () => {
    const store = await createRedisStateStore({ url: redis.url, prefix: 'c2:' });
    try {
      const started = performance.now();
      expect(await store.readChanges('0-0', { blockMs: 100 })).toEqual([]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    } finally {
      await store.close();
    }
  });
});
