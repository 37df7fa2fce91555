/**
 * Lifeguard's local health ("awareness", memberlist's awareness.go): a score from 0 (healthy) to
 * max - 1 that rises when this node misses its own deadlines (a stalled timer, a probe nobody
 * nacked) and falls with every timely ack. Probe intervals and timeouts are multiplied by
 * (score + 1), so a starved node slows down instead of declaring healthy peers dead.
 */
export class Awareness {
  private value = 0;

  constructor(private readonly max: number) {}

  get score(): number {
    return this.value;
  }

  /** Moves the score by `delta` within [0, max - 1]; returns the new score if it changed. */
  apply(delta: number): number | undefined {
    const next = Math.min(this.max - 1, Math.max(0, this.value + delta));
    if (next === this.value) return undefined;
    this.value = next;
    return next;
  }

  /** `ms` stretched by the current score. */
  scale(ms: number): number {
    return ms * (this.value + 1);
  }
}
