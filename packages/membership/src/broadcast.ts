import type { WireUpdate } from './codec.js';

interface Entry {
  update: WireUpdate;
  size: number;
  transmits: number;
  /** Insertion order: among equal transmit counts, newer broadcasts go first. */
  order: number;
}

/**
 * Pending state changes to piggyback (memberlist's TransmitLimitedQueue). Invariants: at most one
 * entry per member id (a newer update replaces the older one), and each entry is sent at most
 * `limit(n)` times, least-sent first.
 */
export class BroadcastQueue {
  private readonly entries = new Map<string, Entry>();
  private order = 0;

  constructor(private readonly retransmitMult: number) {}

  /** Transmissions per broadcast for a cluster of n members: retransmitMult × ceil(log10(n + 1)). */
  limit(n: number): number {
    return this.retransmitMult * Math.max(1, Math.ceil(Math.log10(n + 1)));
  }

  enqueue(update: WireUpdate, size: number): void {
    this.entries.set(update.id, { update, size, transmits: 0, order: this.order++ });
  }

  get length(): number {
    return this.entries.size;
  }

  /** The pending update about `id`, if any. */
  peek(id: string): WireUpdate | undefined {
    return this.entries.get(id)?.update;
  }

  /**
   * Takes updates that fit in `budget` bytes, counting one transmission each and dropping those
   * that reached the limit. `skip` is excluded (e.g. already attached).
   */
  take(budget: number, n: number, skip?: string): WireUpdate[] {
    if (this.entries.size === 0 || budget <= 0) return [];
    const limit = this.limit(n);
    const sorted = [...this.entries.values()].sort((a, b) => a.transmits - b.transmits || b.order - a.order);
    const out: WireUpdate[] = [];
    let used = 0;
    for (const e of sorted) {
      if (e.update.id === skip) continue;
      if (used + e.size > budget) continue;
      used += e.size;
      out.push(e.update);
      e.transmits++;
      if (e.transmits >= limit) this.entries.delete(e.update.id);
    }
    return out;
  }

  clear(): void {
    this.entries.clear();
  }
}
