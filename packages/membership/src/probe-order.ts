import type { Random } from './clock.js';

/**
 * SWIM's randomized round-robin (memberlist's probe list): every live member is probed once per
 * round, in an order shuffled at the start of each round, which bounds the time until a member
 * is probed by n probe intervals. A member that joins mid-round goes in at a random place among
 * those not yet probed.
 */
export class ProbeOrder {
  private order: string[] = [];
  private index = 0;

  constructor(private readonly random: Random) {}

  /**
   * The next member to probe: the next id in this round for which `probeable` holds; at the end
   * of a round, a fresh shuffle of `members()`. Undefined when nobody is probeable.
   */
  next(probeable: (id: string) => boolean, members: () => string[]): string | undefined {
    for (let attempts = 0; attempts < 2; attempts++) {
      while (this.index < this.order.length) {
        const id = this.order[this.index++] as string;
        if (probeable(id)) return id;
      }
      this.order = shuffle(members().filter(probeable), this.random);
      this.index = 0;
    }
    return undefined;
  }

  /** Adds a member at a random place among those not yet probed this round. */
  add(id: string): void {
    const at = this.index + Math.floor(this.random() * (this.order.length - this.index + 1));
    this.order.splice(at, 0, id);
  }
}

function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}
