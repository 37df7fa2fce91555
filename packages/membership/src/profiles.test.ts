import { describe, expect, it } from 'vitest';
import { BroadcastQueue } from './broadcast.js';
import { InvalidOptionsError } from './errors.js';
import {
  DEFAULT_PROBE_INTERVAL_MS,
  DEFAULT_RECONNECT_INTERVAL_MS,
  DEFAULT_RECONNECT_TIMEOUT_MS,
  defaultOptions,
  healBoundMs,
  profileOptions,
  resolveOptions,
} from './profiles.js';
import { minSuspicionMs, Suspicion, suspicionTimeout } from './suspicion.js';

describe('options', () => {
  it('defaultOptions returns a fresh lan object each time', () => {
    const a = defaultOptions();
    a.probeIntervalMs = 1;
    expect(defaultOptions().probeIntervalMs).toBe(DEFAULT_PROBE_INTERVAL_MS);
    expect(profileOptions('lan')).toEqual(defaultOptions());
  });

  it('local profile probes faster than lan', () => {
    expect(profileOptions('local').probeIntervalMs).toBeLessThan(profileOptions('lan').probeIntervalMs);
  });

  it('both profiles reconnect to dead members, local faster, within the dead retention', () => {
    for (const profile of ['lan', 'local'] as const) {
      const o = profileOptions(profile);
      expect(o.reconnectIntervalMs).toBeGreaterThan(0);
      expect(o.reconnectTimeoutMs).toBeGreaterThan(0);
      expect(o.reconnectTimeoutMs).toBeLessThanOrEqual(o.deadRetentionMs);
    }
    expect(profileOptions('lan').reconnectIntervalMs).toBe(DEFAULT_RECONNECT_INTERVAL_MS);
    expect(profileOptions('lan').reconnectTimeoutMs).toBe(DEFAULT_RECONNECT_TIMEOUT_MS);
    expect(profileOptions('local').reconnectIntervalMs).toBeLessThan(DEFAULT_RECONNECT_INTERVAL_MS);
    expect(healBoundMs(profileOptions('lan'))).toBe(3000);
    expect(healBoundMs(profileOptions('local'))).toBe(1500);
  });

  it('reconnect options are validated', () => {
    expect(() => resolveOptions('lan', { reconnectIntervalMs: 0 })).toThrow(/reconnectIntervalMs=0/);
    expect(() => resolveOptions('lan', { reconnectTimeoutMs: -1 })).toThrow(/reconnectTimeoutMs=-1/);
    expect(() => resolveOptions('lan', { deadRetentionMs: 60_000 })).toThrow(
      /must not exceed deadRetentionMs/,
    );
    expect(
      resolveOptions('lan', { deadRetentionMs: 60_000, reconnectTimeoutMs: 60_000 }).reconnectTimeoutMs,
    ).toBe(60_000);
    expect(resolveOptions('local', { reconnectTimeoutMs: 0 }).reconnectTimeoutMs).toBe(0);
  });

  it('validation names the offending field', () => {
    expect(() => resolveOptions('lan', { probeIntervalMs: 0 })).toThrow(/probeIntervalMs=0/);
    expect(() => resolveOptions('lan', { probeTimeoutMs: 500 })).toThrow(/shorter than probeIntervalMs/);
    expect(() => resolveOptions('lan', { nope: 1 } as never)).toThrow(InvalidOptionsError);
    expect(() => resolveOptions('wan' as never)).toThrow(/profile/);
    try {
      resolveOptions('lan', { gossipNodes: 1.5 });
    } catch (err) {
      expect(err).toMatchObject({ name: 'InvalidOptionsError', field: 'gossipNodes', value: 1.5 });
    }
  });
});

describe('suspicion', () => {
  it('timeout scales with log n and shrinks with confirmations down to the minimum', () => {
    expect(minSuspicionMs(3, 10, 200)).toBe(600);
    expect(minSuspicionMs(3, 100, 200)).toBe(1200);
    expect(minSuspicionMs(3, 1, 200)).toBe(600);
    const min = 600;
    const max = 2400;
    expect(suspicionTimeout(0, 2, min, max)).toBe(max);
    const one = suspicionTimeout(1, 2, min, max);
    expect(one).toBeLessThan(max);
    expect(one).toBeGreaterThan(min);
    expect(suspicionTimeout(2, 2, min, max)).toBe(min);
    expect(suspicionTimeout(0, 0, min, max)).toBe(min);
  });

  it('counts each confirmer once and never the originator', () => {
    const s = new Suspicion(1000, 2, 600, 2400, 'a');
    expect(s.confirm('a')).toBe(false);
    expect(s.confirm('b')).toBe(true);
    expect(s.confirm('b')).toBe(false);
    expect(s.confirm('c')).toBe(true);
    expect(s.confirm('d')).toBe(false);
    expect(s.deadline()).toBe(1600);
  });
});

describe('broadcast queue', () => {
  const update = (id: string, incarnation = 0) => ({
    id,
    address: `${id}:1`,
    state: 'suspect' as const,
    incarnation,
    meta: undefined,
    from: 'x',
  });

  it('keeps one entry per member and stops after the retransmit limit', () => {
    const q = new BroadcastQueue(2);
    expect(q.limit(9)).toBe(2);
    expect(q.limit(10)).toBe(4);
    q.enqueue(update('a'), 10);
    q.enqueue(update('a', 1), 10);
    expect(q.length).toBe(1);
    expect(q.take(100, 5)).toEqual([update('a', 1)]);
    expect(q.take(100, 5)).toEqual([update('a', 1)]);
    expect(q.take(100, 5)).toEqual([]);
  });

  it('respects the byte budget, least-sent first', () => {
    const q = new BroadcastQueue(4);
    q.enqueue(update('a'), 60);
    q.take(100, 5);
    q.enqueue(update('b'), 60);
    expect(q.take(100, 5).map((u) => u.id)).toEqual(['b']);
  });
});
