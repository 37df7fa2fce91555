import { describe, expect, it } from 'vitest';
import { topK } from './topk.js';

describe('topK', () => {
  it('returns the k most probable classes in order with softmax probabilities', () => {
    const logits = new Float32Array([0, 3, 1, 3, -2, 2]);
    const top = topK(logits, 0, 6, 3, ['a', 'b', 'c', 'd', 'e', 'f']);
    expect(top.map((c) => c.index)).toEqual([1, 3, 5]); // tie 1 vs 3 goes to the lower index
    const sum = [0, 3, 1, 3, -2, 2].reduce((s, v) => s + Math.exp(v), 0);
    expect(top[0]!.probability).toBeCloseTo(Math.exp(3) / sum, 12);
    expect(top[2]!.label).toBe('f');
  });

  it('reads the requested row of a batch and clamps k', () => {
    const logits = new Float32Array([5, 0, 0, 0, 0, 5]);
    expect(topK(logits, 1, 3, 10, []).map((c) => c.index)).toEqual([2, 0, 1]);
    expect(topK(logits, 1, 3, 0, [])).toEqual([]);
  });
});
