import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { type NodeProcess, REPO_ROOT, spawnNode } from '@idunno/launcher';
import { waitFor } from './wait.js';

/**
 * The membership package's standalone node, built (`dist/bin/node.js`). Found by path: the
 * membership package's own tests import the test kit, so the test kit may not import it.
 */
export const MEMBERSHIP_NODE_BIN = resolve(REPO_ROOT, 'packages/membership/dist/bin/node.js');

/** A member's state as node.js prints it: `@idunno/membership`'s `MemberState`, restated (see above). */
export type MemberStateName = 'alive' | 'suspect' | 'dead' | 'left';

const STATES: readonly string[] = ['alive', 'suspect', 'dead', 'left'] satisfies MemberStateName[];
const isState = (s: unknown): s is MemberStateName => typeof s === 'string' && STATES.includes(s);

/** One `dist/bin/node.js` child and what it has reported. */
export class MembershipNode {
  private readonly latest = new Map<string, { state: MemberStateName; incarnation: number }>();
  /** How many of the process's events `latest` has taken in. */
  private folded = 0;

  constructor(
    readonly id: string,
    readonly process: NodeProcess,
  ) {}

  get child(): ChildProcess {
    return this.process.child;
  }

  /** Its gossip address, from its ready line. */
  get address(): string {
    return String(this.process.ready.address);
  }

  /** Every JSON line it printed ({t, id, event, member?, state?, incarnation?, address?}). */
  get lines(): readonly Record<string, unknown>[] {
    return this.process.events;
  }

  /** Latest reported view: member id → state and incarnation. */
  get view(): ReadonlyMap<string, { state: MemberStateName; incarnation: number }> {
    // Folded on read: lines arrive as the process prints them, the view is wanted only when polled.
    const { events } = this.process;
    for (; this.folded < events.length; this.folded++) {
      const line = events[this.folded]!;
      if (typeof line.member === 'string' && isState(line.state) && typeof line.incarnation === 'number') {
        this.latest.set(line.member, { state: line.state, incarnation: line.incarnation });
      }
    }
    return this.latest;
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  stderr(): string {
    return this.process.stderr();
  }

  sees(id: string): MemberStateName | undefined {
    return this.view.get(id)?.state;
  }

  signal(sig: NodeJS.Signals): void {
    this.process.kill(sig);
  }
}

export interface MembershipClusterOptions {
  /** @default 'local' */
  profile?: 'lan' | 'local';
  clusterKey?: string;
  /** Node ids are `${prefix}${i}`. @default 'n' */
  prefix?: string;
  /** @default 30000 ms */
  startTimeoutMs?: number;
}

/** A cluster of real membership node processes on 127.0.0.1. Always call `close()` (afterAll/finally). */
export class MembershipCluster {
  readonly nodes: MembershipNode[] = [];

  constructor(private readonly options: MembershipClusterOptions = {}) {}

  private spawn(id: string, seeds: readonly string[]): Promise<MembershipNode> {
    const args = ['--id', id, '--port', '0', '--profile', this.options.profile ?? 'local'];
    if (seeds.length > 0) args.push('--seeds', seeds.join(','));
    if (this.options.clusterKey) args.push('--key', this.options.clusterKey);
    return spawnNode(MEMBERSHIP_NODE_BIN, { args, readyTimeoutMs: this.startTimeoutMs() }).then(
      (p) => new MembershipNode(id, p),
    );
  }

  private startTimeoutMs(): number {
    return this.options.startTimeoutMs ?? 30_000;
  }

  /** Starts n nodes (the first is every other's seed) and waits until each sees all others alive. */
  async start(n: number): Promise<void> {
    const prefix = this.options.prefix ?? 'n';
    const first = await this.spawn(`${prefix}0`, []);
    this.nodes.push(first);
    const rest = await Promise.allSettled(
      Array.from({ length: n - 1 }, (_, i) => this.spawn(`${prefix}${i + 1}`, [first.address])),
    );
    // Listed in id order; every one that started is listed, so close() stops it even if another failed.
    for (const r of rest) if (r.status === 'fulfilled') this.nodes.push(r.value);
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    await waitFor(
      () => this.nodes.every((o) => this.nodes.every((t) => t === o || o.sees(t.id) === 'alive')),
      { timeoutMs: this.startTimeoutMs(), intervalMs: 20, message: `cluster of ${n} to converge` },
    );
  }

  node(id: string): MembershipNode {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  /** Every running node other than `id` reports `id` in one of `states`. */
  allSee(id: string, states: readonly MemberStateName[]): boolean {
    return this.nodes
      .filter((n) => n.id !== id && !n.hasExited)
      .every((n) => {
        const s = n.sees(id);
        return s !== undefined && states.includes(s);
      });
  }

  /** SIGKILLs every child and waits for them to exit. */
  async close(): Promise<void> {
    for (const n of this.nodes) {
      n.signal('SIGCONT');
      n.signal('SIGKILL');
    }
    await waitFor(() => this.nodes.every((n) => n.hasExited), {
      timeoutMs: 10_000,
      intervalMs: 20,
      message: 'children to exit',
    }).catch(() => {});
  }
}
