import { mulberry32 } from '@idunno/random';
import { describe, expect, it } from 'vitest';
import { Awareness } from './awareness.js';
import { ProbeOrder } from './probe-order.js';

describe('the probe round-robin', () => {
  it('probes every probeable member exactly once per round, in a fresh order each round', () => {
    const members = ['a', 'b', 'c', 'd', 'e'];
    const order = new ProbeOrder(mulberry32(3));
    const rounds = [0, 1, 2].map(() =>
      Array.from({ length: members.length }, () =>
        order.next(
          () => true,
          () => members,
        ),
      ),
    );
    for (const r of rounds) expect([...r].sort()).toEqual(members);
    expect(new Set(rounds.map((r) => r.join())).size).toBeGreaterThan(1);
  });

  it('skips members that stopped being probeable and says so when none is left', () => {
    const order = new ProbeOrder(mulberry32(1));
    const live = new Set(['a', 'b', 'c']);
    const next = () =>
      order.next(
        (id) => live.has(id),
        () => ['a', 'b', 'c'],
      );
    const first = next();
    live.clear();
    if (first) live.add(first);
    expect([next(), next()].filter((x) => x !== first)).toEqual([]);
    live.clear();
    expect(next()).toBeUndefined();
  });

  it('probes a member that joins mid-round before the round ends', () => {
    const members = ['a', 'b', 'c', 'd'];
    const order = new ProbeOrder(mulberry32(9));
    const seen = [
      order.next(
        () => true,
        () => members,
      ),
    ];
    order.add('new');
    for (let i = 0; i < members.length; i++)
      seen.push(
        order.next(
          () => true,
          () => members,
        ),
      );
    expect(seen).toContain('new');
  });
});

describe('local health (awareness)', () => {
  it('stays within [0, max - 1], scales timeouts by score + 1, and reports only changes', () => {
    const a = new Awareness(4);
    expect(a.scale(100)).toBe(100);
    expect(a.apply(-1)).toBeUndefined();
    expect(a.apply(2)).toBe(2);
    expect(a.scale(100)).toBe(300);
    expect(a.apply(5)).toBe(3);
    expect(a.apply(1)).toBeUndefined();
    expect(a.apply(-10)).toBe(0);
  });
});
