import { describe, expect, it } from 'vitest';
import { LeaseClock } from './lease-clock.js';

describe('LeaseClock', () => {
  it('keeps a node leader until ttl after the last successful send, minus drift', () => {
    const clock = new LeaseClock({ ttlMs: 3000, driftFactor: 0.01, marginMs: 0 });
    expect(clock.isLeader(0)).toBe(false);
    clock.succeeded(1000);
    expect(clock.isLeader(3900)).toBe(true);
    expect(clock.isLeader(3970)).toBe(false);
    expect(clock.leaderUntil()).toBe(3970);
  });

  it('is not extended by a late reply to an older send, and forgets leadership when lost', () => {
    const clock = new LeaseClock({ ttlMs: 3000 });
    clock.succeeded(1000);
    clock.succeeded(500);
    expect(clock.leaderUntil()).toBe(1000 + 3000 - 30 - 2);
    clock.lost();
    expect(clock.isLeader(1001)).toBe(false);
  });

  it('rejects a ttl that leaves no validity', () => {
    expect(() => new LeaseClock({ ttlMs: 0 })).toThrow(RangeError);
  });
});
