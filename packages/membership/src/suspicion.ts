/**
 * Lifeguard suspicion timeout: starts at `max` and shrinks logarithmically towards `min` as
 * independent confirmations arrive, reaching `min` after `k` of them (memberlist's
 * remainingSuspicionTime). With k = 0 the timeout is `min`.
 */
export function suspicionTimeout(confirmations: number, k: number, minMs: number, maxMs: number): number {
  if (k < 1) return minMs;
  const frac = Math.log(confirmations + 1) / Math.log(k + 1);
  const raw = maxMs - frac * (maxMs - minMs);
  return Math.max(minMs, Math.floor(raw));
}

/** Shortest suspicion for a cluster of n members: mult × max(1, log10(n)) × probe interval. */
export function minSuspicionMs(mult: number, n: number, probeIntervalMs: number): number {
  return Math.round(mult * Math.max(1, Math.log10(Math.max(1, n))) * probeIntervalMs);
}

/** One suspicion about one member: who confirmed it, and when it times out. */
export class Suspicion {
  private readonly confirmers = new Set<string>();

  constructor(
    readonly startedAt: number,
    readonly k: number,
    readonly minMs: number,
    readonly maxMs: number,
    from: string,
  ) {
    // The originator does not count as a confirmation of its own suspicion.
    this.confirmers.add(from);
  }

  get confirmations(): number {
    return this.confirmers.size - 1;
  }

  /** Records a suspicion from `from`; true when it is new (so it is worth re-broadcasting). */
  confirm(from: string): boolean {
    if (this.confirmations >= this.k || this.confirmers.has(from)) return false;
    this.confirmers.add(from);
    return true;
  }

  /** Absolute time at which the member is declared dead. */
  deadline(): number {
    return this.startedAt + suspicionTimeout(this.confirmations, this.k, this.minMs, this.maxMs);
  }
}
