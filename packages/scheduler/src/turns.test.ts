import { describe, expect, it } from 'vitest';
import { WeightedTurns } from './turns.js';

describe('WeightedTurns', () => {
  it('splits busy time by the weights even when batches differ in length', () => {
    const turns = new WeightedTurns();
    turns.setWeights(
      new Map([
        ['cheap', 0.25],
        ['costly', 0.75],
      ]),
    );
    const batchMs: Record<string, number> = { cheap: 10, costly: 95 };
    const busy: Record<string, number> = { cheap: 0, costly: 0 };
    for (let i = 0; i < 4000; i++) {
      const job = turns.next((j) => batchMs[j]!)!;
      turns.complete(job, batchMs[job]!);
      busy[job]! += batchMs[job]!;
    }
    const share = busy.cheap! / (busy.cheap! + busy.costly!);
    expect(share).toBeGreaterThan(0.245);
    expect(share).toBeLessThan(0.255);
  });

  it('hands out nothing without active jobs and never a job of weight zero', () => {
    const turns = new WeightedTurns();
    expect(turns.next(() => 1)).toBeUndefined();
    turns.setWeights(
      new Map([
        ['a', 1],
        ['b', 0],
      ]),
    );
    for (let i = 0; i < 10; i++) expect(turns.next(() => 1)).toBe('a');
  });

  it('lets a job that becomes active start level with the others rather than with stale credit', () => {
    const turns = new WeightedTurns();
    turns.setWeights(new Map([['a', 1]]));
    for (let i = 0; i < 100; i++) turns.complete(turns.next(() => 1)!, 1);
    turns.setWeights(
      new Map([
        ['a', 0.5],
        ['b', 0.5],
      ]),
    );
    const picks = Array.from({ length: 10 }, () => {
      const j = turns.next(() => 1)!;
      turns.complete(j, 1);
      return j;
    });
    expect(picks.filter((j) => j === 'b').length).toBe(5);
  });
});
