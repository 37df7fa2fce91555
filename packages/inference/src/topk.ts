/** One class of a top-k answer. */
export interface Classification {
  index: number;
  label: string;
  /** Softmax probability, computed in double precision. */
  probability: number;
}

/**
 * Softmax over one row of logits, then the k most probable classes, most probable first; ties go
 * to the lower index so that every process returns the same order.
 */
export function topK(
  logits: Float32Array,
  row: number,
  classes: number,
  k: number,
  labels: readonly string[],
): Classification[] {
  const base = row * classes;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < classes; i++) max = Math.max(max, logits[base + i]!);
  let sum = 0;
  for (let i = 0; i < classes; i++) sum += Math.exp(logits[base + i]! - max);
  const n = Math.max(0, Math.min(k, classes));
  // Selection by insertion into a short sorted list: k is small (≤ 20), classes ~1000.
  const best: number[] = [];
  for (let i = 0; i < classes; i++) {
    const v = logits[base + i]!;
    if (best.length === n && v <= logits[base + best[n - 1]!]!) continue;
    let at = best.length;
    while (at > 0 && logits[base + best[at - 1]!]! < v) at--;
    best.splice(at, 0, i);
    if (best.length > n) best.pop();
  }
  return best.map((index) => ({
    index,
    label: labels[index] ?? `class-${index}`,
    probability: Math.exp(logits[base + index]! - max) / sum,
  }));
}
