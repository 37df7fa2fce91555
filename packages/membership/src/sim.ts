import { mulberry32 } from '@idunno/random';
import type { Cancel, Clock, Random, Transport } from './clock.js';
import { Codec, ObjectCodec, type PacketCodec } from './codec.js';
import { defaultMeta } from './meta.js';
import { type MembershipOptions, type ProfileName, resolveOptions } from './profiles.js';
import { Swim } from './swim.js';
import type { MemberMeta, MemberState } from './types.js';

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A fake clock: timers run only when the test advances time, in (time, creation) order. */
export class SimClock implements Clock {
  private time = 0;
  private seq = 0;
  private readonly heap: Scheduled[] = [];

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, fn: () => void): Cancel {
    const item: Scheduled = { at: this.time + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.push(item);
    return () => {
      item.cancelled = true;
    };
  }

  /** Runs every timer due up to `until` (inclusive) and sets the time to `until`. */
  runUntil(until: number): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > until) break;
      this.pop();
      if (top.cancelled) continue;
      this.time = top.at;
      top.fn();
    }
    this.time = Math.max(this.time, until);
  }

  advance(ms: number): void {
    this.runUntil(this.time + ms);
  }

  private less(a: Scheduled, b: Scheduled): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(item: Scheduled): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as Scheduled;
      if (!this.less(item, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = item;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Scheduled;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && this.less(h[r] as Scheduled, h[l] as Scheduled) ? r : l;
      if (!this.less(h[c] as Scheduled, last)) break;
      h[i] = h[c] as Scheduled;
      i = c;
    }
    h[i] = last;
  }
}

export interface SimulationOptions {
  /** @default 1 */
  seed?: number;
  /** Probability that any datagram is lost. @default 0 */
  loss?: number;
  /** One-way delay is uniform in [minDelayMs, maxDelayMs]. @default 0.2 ms */
  minDelayMs?: number;
  /** @default 2 ms */
  maxDelayMs?: number;
  /** @default 'lan' */
  profile?: ProfileName;
  overrides?: Partial<MembershipOptions>;
  clusterKey?: string;
  /**
   * 'bytes' runs the real protobuf codec (and measures real sizes); 'objects' passes packet
   * objects through the network, several times faster, for long simulations. @default 'bytes'
   */
  wire?: 'bytes' | 'objects';
}

/** One simulated process: a Swim core, its transport, and whether it is paused or crashed. */
export interface SimNode {
  id: string;
  address: string;
  swim: Swim;
  crashed: boolean;
  paused: boolean;
  /** Work that came due while paused, run in order on resume (timers first, like Node after SIGCONT). */
  backlog: (() => void)[];
  handler: ((bytes: Uint8Array, from: string) => void) | undefined;
}

/**
 * A deterministic cluster in one process: a fake clock, an in-memory lossy network with delays,
 * partitions, crashes and pauses (SIGSTOP: timers and datagrams wait until resume).
 */
export class Simulation {
  readonly clock = new SimClock();
  readonly nodes = new Map<string, SimNode>();
  readonly options: MembershipOptions;
  readonly random: Random;
  loss: number;
  messages = 0;
  bytes = 0;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly codec: PacketCodec;
  private groups: Map<string, number> | undefined;

  constructor(options: SimulationOptions = {}) {
    this.random = mulberry32(options.seed ?? 1);
    this.loss = options.loss ?? 0;
    this.minDelay = options.minDelayMs ?? 0.2;
    this.maxDelay = options.maxDelayMs ?? 2;
    this.options = resolveOptions(options.profile ?? 'lan', options.overrides ?? {});
    this.codec =
      options.wire === 'objects'
        ? new ObjectCodec()
        : new Codec({ clusterKey: options.clusterKey, maxDatagramBytes: this.options.maxDatagramBytes });
  }

  static addressOf(id: string): string {
    return `${id}:7946`;
  }

  /** Adds and starts a node that joins through `seeds` (node ids). */
  addNode(id: string, seeds: readonly string[] = [], meta: MemberMeta = defaultMeta()): Swim {
    const address = Simulation.addressOf(id);
    const node: SimNode = {
      id,
      address,
      crashed: false,
      paused: false,
      backlog: [],
      handler: undefined,
      swim: undefined as unknown as Swim,
    };
    const sim = this;
    const clock: Clock = {
      now: () => sim.clock.now(),
      setTimer(delayMs, fn) {
        return sim.clock.setTimer(delayMs, () => {
          if (node.crashed) return;
          if (node.paused) node.backlog.push(fn);
          else fn();
        });
      },
    };
    const transport: Transport = {
      send: (to, bytes) => this.deliver(node, to, bytes),
      onReceive(handler) {
        node.handler = handler;
      },
    };
    node.swim = new Swim({
      id,
      address,
      meta,
      seeds: seeds.map(Simulation.addressOf),
      options: this.options,
      clock,
      transport,
      random: mulberry32(Math.floor(this.random() * 2 ** 32)),
      codec: this.codec,
    });
    this.nodes.set(address, node);
    node.swim.start();
    return node.swim;
  }

  node(id: string): SimNode {
    const n = this.nodes.get(Simulation.addressOf(id));
    if (!n) throw new Error(`no simulated node ${id}`);
    return n;
  }

  /** Silent failure: the node stops sending and receiving without telling anyone. */
  crash(id: string): void {
    const n = this.node(id);
    n.crashed = true;
    n.swim.stop();
  }

  pause(id: string): void {
    this.node(id).paused = true;
  }

  resume(id: string): void {
    const n = this.node(id);
    n.paused = false;
    const backlog = n.backlog;
    n.backlog = [];
    // Due timers run first, then (one loop turn later) the queued datagrams.
    const timers = backlog.filter((f) => (f as { datagram?: true }).datagram !== true);
    const datagrams = backlog.filter((f) => (f as { datagram?: true }).datagram === true);
    for (const f of timers) f();
    this.clock.setTimer(0, () => {
      for (const f of datagrams) f();
    });
  }

  /** Splits the network: datagrams between different groups are lost. Nodes in no group are in group 0. */
  partition(...groups: string[][]): void {
    this.groups = new Map();
    groups.forEach((ids, g) => {
      for (const id of ids) this.groups?.set(Simulation.addressOf(id), g + 1);
    });
  }

  heal(): void {
    this.groups = undefined;
  }

  runFor(ms: number): void {
    this.clock.advance(ms);
  }

  /** Advances time in steps until `done()` holds; returns the elapsed time, or undefined on timeout. */
  runUntil(done: () => boolean, maxMs: number, stepMs = 10): number | undefined {
    const start = this.clock.now();
    while (this.clock.now() - start < maxMs) {
      if (done()) return this.clock.now() - start;
      this.clock.advance(stepMs);
    }
    return done() ? this.clock.now() - start : undefined;
  }

  /** Running nodes (neither crashed nor stopped). */
  live(): SimNode[] {
    return [...this.nodes.values()].filter((n) => !n.crashed && n.swim.isRunning);
  }

  /** True when every live node other than `id` sees `id` in one of `states`. */
  allSee(id: string, states: readonly MemberState[], observers: SimNode[] = this.live()): boolean {
    return observers.every((o) => {
      if (o.id === id) return true;
      const m = o.swim.member(id);
      return m !== undefined && states.includes(m.state);
    });
  }

  /** True when every live node sees every live node alive. */
  converged(): boolean {
    const live = this.live();
    return live.every((o) => live.every((t) => o.swim.member(t.id)?.state === 'alive'));
  }

  private deliver(from: SimNode, to: string, bytes: Uint8Array): void {
    if (from.crashed) return;
    this.messages++;
    this.bytes += bytes.length;
    if (this.loss > 0 && this.random() < this.loss) return;
    if (this.groups && (this.groups.get(from.address) ?? 0) !== (this.groups.get(to) ?? 0)) return;
    const delay = this.minDelay + this.random() * (this.maxDelay - this.minDelay);
    this.clock.setTimer(delay, () => {
      const target = this.nodes.get(to);
      if (!target || target.crashed || !target.handler) return;
      const handler = target.handler;
      const run = Object.assign(() => handler(bytes, from.address), { datagram: true as const });
      if (target.paused) target.backlog.push(run);
      else run();
    });
  }
}
