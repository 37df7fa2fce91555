/** Options for {@link LeaseClock}. */
export interface LeaseClockOptions {
  /** Lease time to live, as passed to acquireLease/renewLease. */
  ttlMs: number;
  /**
   * Part of the TTL given up to allow for the Redis clock running a little faster than ours
   * (Redlock's clock drift factor). @default 0.01
   */
  driftFactor?: number;
  /** Fixed safety margin subtracted from the TTL. @default 2 ms */
  marginMs?: number;
}

export const DEFAULT_LEASE_DRIFT_FACTOR = 0.01;
export const DEFAULT_LEASE_MARGIN_MS = 2;

/**
 * Pure bookkeeping of the lease contract, driven by monotonic times that the caller injects
 * (`performance.now()` in production, a fake clock in tests). Renewals are leadership's tick
 * (every `leaseTickMs`, ttl/4 by default); this clock only says how long the last success counts:
 * - the node is leader only until ttl (minus drift and margin) after the *send* time of the last
 *   successful acquisition or renewal. Measuring from the send time is conservative: Redis started its
 *   TTL later than that, so this node stops acting before Redis lets another node take over.
 */
export class LeaseClock {
  readonly ttlMs: number;
  private readonly validityMs: number;
  private lastSentAt: number | undefined;

  constructor(options: LeaseClockOptions) {
    if (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0) {
      throw new RangeError(`LeaseClock ttlMs must be a positive number, got ${options.ttlMs}`);
    }
    const drift = options.driftFactor ?? DEFAULT_LEASE_DRIFT_FACTOR;
    const margin = options.marginMs ?? DEFAULT_LEASE_MARGIN_MS;
    this.ttlMs = options.ttlMs;
    this.validityMs = options.ttlMs - options.ttlMs * drift - margin;
    if (this.validityMs <= 0) throw new RangeError(`LeaseClock ttlMs ${options.ttlMs} is too short`);
  }

  /** Call when an acquisition or renewal succeeded, with the monotonic time at which it was sent. */
  succeeded(sentAtMs: number): void {
    if (this.lastSentAt === undefined || sentAtMs > this.lastSentAt) this.lastSentAt = sentAtMs;
  }

  /** Call on LeaseLostError or on demotion. */
  lost(): void {
    this.lastSentAt = undefined;
  }

  /** Whether this node may still act as leader at monotonic time `nowMs`. */
  isLeader(nowMs: number): boolean {
    return this.lastSentAt !== undefined && nowMs - this.lastSentAt < this.validityMs;
  }

  /** Monotonic time until which this node is leader, or undefined when it is not. */
  leaderUntil(): number | undefined {
    return this.lastSentAt === undefined ? undefined : this.lastSentAt + this.validityMs;
  }
}
