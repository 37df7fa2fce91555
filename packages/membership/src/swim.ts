import { type Logger, silentLogger } from '@idunno/log';
import { Awareness } from './awareness.js';
import { BroadcastQueue } from './broadcast.js';
import type { Cancel, Clock, Random, Transport } from './clock.js';
import type { DropReason, Packet, PacketBody, PacketCodec, WireUpdate } from './codec.js';
import { MembershipStoppedError } from './errors.js';
import { MembershipEvents, type MembershipListener } from './events.js';
import { cloneMeta, metaEqual, validateMeta } from './meta.js';
import { ProbeOrder } from './probe-order.js';
import type { MembershipOptions } from './profiles.js';
import { minSuspicionMs, Suspicion } from './suspicion.js';
import {
  emptyCounters,
  type Member,
  type MemberMeta,
  type MemberState,
  type MembershipCounters,
  type MembershipEventKind,
  type ViewFreshness,
} from './types.js';

export interface SwimConfig {
  id: string;
  /** Address other members reach this node at, `host:port`. */
  address: string;
  meta: MemberMeta;
  /** Addresses contacted to join (and again whenever no other member is alive). */
  seeds?: readonly string[];
  options: MembershipOptions;
  clock: Clock;
  transport: Transport;
  random: Random;
  codec: PacketCodec;
  logger?: Logger;
  /** First incarnation of this node. @default 0 */
  incarnation?: number;
}

interface MemberRecord {
  id: string;
  address: string;
  state: MemberState;
  incarnation: number;
  meta: MemberMeta;
  since: number;
  suspicion: Suspicion | undefined;
  cancelSuspicion: Cancel | undefined;
}

interface AckHandler {
  onAck(): void;
  onNack(): void;
}

/** Estimated bytes of a packet besides its piggybacked updates (envelope, HMAC, ids). */
const PACKET_OVERHEAD_BYTES = 160;
/** memberlist: push-pull slows down logarithmically above this many members. */
const PUSH_PULL_SCALE_THRESHOLD = 32;
/** Most corrections (newer states) sent back for one received packet. */
const MAX_CORRECTIONS = 8;
/**
 * Reconnect ticks after a heal at which a node that still holds members dead since before the
 * heal exchanges full state with a live member. More than one: the first may come while its
 * partner is itself still catching up.
 */
const POST_HEAL_EXCHANGES = 3;

const DROP_COUNTER: Record<DropReason, keyof MembershipCounters> = {
  malformed: 'droppedMalformed',
  version: 'droppedVersion',
  unauthenticated: 'droppedUnauthenticated',
  oversized: 'droppedOversized',
};

/**
 * The SWIM protocol with Lifeguard, as a state machine over an injected clock, transport and
 * random source (memberlist's design). It owns no socket and no real timer, so a test can run a
 * hundred of them in one process on a fake clock.
 *
 * Invariants:
 * - updates about a member are ordered by incarnation; only the member itself raises its
 *   incarnation (to refute a suspicion or publish new metadata);
 * - at equal incarnation, dead/left beat suspect, which beats alive;
 * - `left` is final until the member comes back with a higher incarnation;
 * - a node that hears it is suspect or dead (piggybacked, in an ack or in a push-pull) refutes at
 *   once with a higher incarnation, so after a partition heals every dead verdict on either side
 *   is overridden by the member's own `alive`, and a stale `dead` (lower incarnation) is ignored.
 */
export class Swim {
  readonly id: string;
  readonly address: string;
  private readonly options: MembershipOptions;
  private readonly clock: Clock;
  private readonly transport: Transport;
  private readonly random: Random;
  private readonly codec: PacketCodec;
  private readonly logger: Logger;
  private readonly seeds: string[];
  private readonly view = new Map<string, MemberRecord>();
  private readonly self: MemberRecord;
  private readonly queue: BroadcastQueue;
  private readonly handlers = new Map<number, AckHandler>();
  private readonly events: MembershipEvents;
  private readonly loopTimers = new Set<Cancel>();
  private readonly counters = emptyCounters();
  private readonly probeOrder: ProbeOrder;
  private readonly suspectProbes = new Set<string>();
  private seq = 0;
  private readonly awareness: Awareness;
  private liveCountCache = -1;
  private heals = 0;
  private lastHealAt: number | undefined;
  /** `heals` at the previous reconnect tick. */
  private healsSeenByReconnect = 0;
  /** Post-heal exchanges left (see POST_HEAL_EXCHANGES). */
  private postHealExchanges = 0;
  /** Highest incarnation at which we heard we were declared dead; -1 before the first. */
  private deathHeardAt = -1;
  private running = false;
  private stopped = false;
  private leaving = false;

  constructor(config: SwimConfig) {
    validateMeta(config.meta);
    this.id = config.id;
    this.address = config.address;
    this.options = config.options;
    this.clock = config.clock;
    this.transport = config.transport;
    this.random = config.random;
    this.probeOrder = new ProbeOrder(this.random);
    this.awareness = new Awareness(this.options.awarenessMax);
    this.codec = config.codec;
    this.logger = config.logger ?? silentLogger;
    this.seeds = (config.seeds ?? []).filter((s) => s !== config.address);
    this.queue = new BroadcastQueue(this.options.retransmitMult);
    this.events = new MembershipEvents((err) =>
      this.logger.error('membership_listener_failed', { error: err, nodeId: this.id }),
    );
    this.self = {
      id: this.id,
      address: this.address,
      state: 'alive',
      incarnation: config.incarnation ?? 0,
      meta: cloneMeta(config.meta),
      since: this.clock.now(),
      suspicion: undefined,
      cancelSuspicion: undefined,
    };
    this.view.set(this.id, this.self);
  }

  // ---- public API -------------------------------------------------------------------------

  /** Starts probing, gossiping and joining through the seeds. */
  start(): void {
    if (this.stopped) throw new MembershipStoppedError(this.id, 'start');
    if (this.running) return;
    this.running = true;
    this.transport.onReceive((bytes, from) => this.receive(bytes, from));
    // Random phase so that nodes started together do not probe in lockstep.
    this.loop(this.random() * this.options.probeIntervalMs, () => this.probeTick());
    this.loop(this.random() * this.options.gossipIntervalMs, () => this.gossipTick());
    // The reconnect loop shares the push-pull's draw, so that the random sequence, and with it
    // every seeded simulation of a cluster where nobody is dead, does not depend on it.
    const phase = this.random();
    this.loop(this.pushPullInterval() * (0.5 + phase * 0.5), () => this.pushPullTick());
    this.loop(phase * this.options.reconnectIntervalMs, () => this.reconnectTick());
    this.joinTick();
  }

  /** Stops every timer; the node no longer sends or answers. Idempotent. */
  stop(): void {
    this.running = false;
    this.stopped = true;
    for (const cancel of this.loopTimers) cancel();
    this.loopTimers.clear();
    this.handlers.clear();
    for (const m of this.view.values()) this.clearSuspicion(m);
  }

  /**
   * Announces a graceful leave: members mark this node `left` rather than `dead`. Probing stops,
   * gossip continues until `stop()` so the announcement spreads.
   */
  leave(): void {
    if (!this.running || this.leaving) return;
    this.leaving = true;
    this.setState(this.self, 'left');
    const update = this.toUpdate(this.self, this.id);
    this.enqueue(update);
    for (const peer of this.randomMembers(this.options.gossipNodes * 2, isLive)) {
      this.send(peer.address, { type: 'gossip' }, [update]);
    }
  }

  /** Publishes new metadata (merged into the current one); spreads with a higher incarnation. */
  updateMeta(partial: Partial<MemberMeta>): void {
    if (this.stopped) throw new MembershipStoppedError(this.id, 'updateMeta');
    const next: MemberMeta = cloneMeta({ ...this.self.meta, ...partial });
    validateMeta(next);
    if (metaEqual(next, this.self.meta)) return;
    this.self.meta = next;
    this.self.incarnation++;
    this.enqueue(this.toUpdate(this.self, this.id));
  }

  on(kind: MembershipEventKind | 'change', listener: MembershipListener): () => void {
    return this.events.on(kind, listener);
  }

  off(kind: MembershipEventKind | 'change', listener: MembershipListener): void {
    this.events.off(kind, listener);
  }

  /** Every known member, this node included, sorted by id. */
  members(): Member[] {
    return [...this.view.values()].map(toMember).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  member(id: string): Member | undefined {
    const m = this.view.get(id);
    return m ? toMember(m) : undefined;
  }

  snapshotCounters(): MembershipCounters {
    return { ...this.counters };
  }

  /** Lifeguard local health score: 0 is healthy; timeouts are scaled by (score + 1). */
  get healthScore(): number {
    return this.awareness.score;
  }

  get incarnation(): number {
    return this.self.incarnation;
  }

  /** Heals seen so far and when the latest was, on this node's clock (see ViewFreshness). */
  freshness(): ViewFreshness {
    return { generation: this.heals, lastHealAt: this.lastHealAt, now: this.clock.now() };
  }

  get isRunning(): boolean {
    return this.running;
  }

  // ---- timers -----------------------------------------------------------------------------

  /** A self-rescheduling loop; `body` returns the next delay. */
  private loop(firstDelay: number, body: () => number): void {
    let cancel: Cancel = () => {};
    const stop: Cancel = () => cancel();
    const run = () => {
      this.loopTimers.delete(stop);
      if (!this.running) return;
      let next: number;
      try {
        next = body();
      } catch (err) {
        this.logger.error('membership_timer_failed', { error: err, nodeId: this.id });
        next = this.options.probeIntervalMs;
      }
      if (!this.running) return;
      cancel = this.clock.setTimer(next, run);
      this.loopTimers.add(stop);
    };
    cancel = this.clock.setTimer(firstDelay, run);
    this.loopTimers.add(stop);
  }

  /**
   * A one-shot protocol timer that notices stalls: if it fires more than stallThresholdMs late,
   * the process was paused or starved, and the acks or refutations that would change the
   * decision may still sit in the socket buffer (timers run before I/O after a stall). It then
   * defers once by stallThresholdMs and raises the local health score.
   */
  private timer(delayMs: number, fn: () => void): Cancel {
    const due = this.clock.now() + delayMs;
    let deferred = false;
    let cancel: Cancel;
    const run = () => {
      this.loopTimers.delete(stop);
      if (!this.running) return;
      if (!deferred && this.clock.now() - due > this.options.stallThresholdMs) {
        deferred = true;
        this.counters.stalls++;
        this.adjustAwareness(1);
        cancel = this.clock.setTimer(this.options.stallThresholdMs, run);
        this.loopTimers.add(stop);
        return;
      }
      try {
        fn();
      } catch (err) {
        this.logger.error('membership_timer_failed', { error: err, nodeId: this.id });
      }
    };
    const stop: Cancel = () => {
      this.loopTimers.delete(stop);
      cancel();
    };
    cancel = this.clock.setTimer(delayMs, run);
    this.loopTimers.add(stop);
    return stop;
  }

  private scaled(ms: number): number {
    return this.awareness.scale(ms);
  }

  private adjustAwareness(delta: number): void {
    const next = this.awareness.apply(delta);
    if (next !== undefined) this.logger.debug('local_health_changed', { nodeId: this.id, score: next });
  }

  // ---- probing ----------------------------------------------------------------------------

  private probeTick(): number {
    if (!this.leaving) {
      const target = this.nextProbeTarget();
      if (target) this.probe(target);
      const suspect = this.nextSuspectProbe(target);
      if (suspect) this.probe(suspect);
    }
    return this.scaled(this.options.probeIntervalMs);
  }

  private nextProbeTarget(): MemberRecord | undefined {
    const probeable = (id: string) => {
      const m = this.view.get(id);
      return m !== undefined && m !== this.self && isLive(m);
    };
    const id = this.probeOrder.next(probeable, () => [...this.view.keys()]);
    return id === undefined ? undefined : this.view.get(id);
  }

  /**
   * Besides the round-robin probe, each tick re-probes one member we hold suspect, until the
   * suspicion resolves. Our ping carries the suspicion (Lifeguard's buddy system) and the ack
   * carries the refutation, so a live member clears it with us directly instead of through a
   * refutation wave we may have missed; a dead one fails again, which confirms the suspicion.
   */
  private nextSuspectProbe(exclude: MemberRecord | undefined): MemberRecord | undefined {
    for (const id of this.suspectProbes) {
      this.suspectProbes.delete(id);
      const m = this.view.get(id);
      if (m && m.state === 'suspect' && m !== exclude) return m;
    }
    return undefined;
  }

  private probe(target: MemberRecord): void {
    this.counters.probes++;
    const seq = this.nextSeq();
    let done = false;
    let nacks = 0;
    let expectedNacks = 0;
    const timers: Cancel[] = [];
    const finish = () => {
      done = true;
      this.handlers.delete(seq);
      for (const cancel of timers) cancel();
      if (this.view.get(target.id)?.state === 'suspect') this.suspectProbes.add(target.id);
    };
    this.handlers.set(seq, {
      onAck: () => {
        if (done) return;
        finish();
        this.adjustAwareness(-1);
      },
      onNack: () => {
        nacks++;
      },
    });
    // Lifeguard buddy system: a suspect target hears about its suspicion first hand.
    const extra = target.state === 'suspect' ? [this.toUpdate(target, this.id)] : [];
    this.send(target.address, { type: 'ping', seq, target: target.id }, extra);
    timers.push(
      this.timer(this.scaled(this.options.probeTimeoutMs), () => {
        if (done) return;
        const peers = this.randomMembers(
          this.options.indirectChecks,
          (m) => m.state === 'alive' && m.id !== target.id,
        );
        expectedNacks = peers.length;
        if (peers.length > 0) this.counters.indirectProbes++;
        for (const peer of peers) {
          this.send(peer.address, {
            type: 'pingReq',
            seq,
            target: target.id,
            targetAddress: target.address,
          });
        }
      }),
    );
    timers.push(
      this.timer(this.scaled(this.options.probeIntervalMs), () => {
        if (done) return;
        finish();
        this.counters.probesFailed++;
        // Lifeguard local health: peers that did not even nack mean our own network or
        // process is the likely problem; without peers any failure counts against us.
        this.adjustAwareness(expectedNacks > 0 ? Math.max(0, expectedNacks - nacks) : 1);
        const current = this.view.get(target.id);
        if (current && isLive(current) && !this.leaving) {
          this.suspectNode(current.id, current.incarnation, this.id);
        }
      }),
    );
  }

  private handlePingReq(seq: number, target: string, targetAddress: string, requester: string): void {
    const ourSeq = this.nextSeq();
    let acked = false;
    const cancelNack = this.timer(this.options.probeTimeoutMs, () => {
      if (!acked) this.send(requester, { type: 'nack', seq });
    });
    const cancelExpiry = this.timer(this.options.probeIntervalMs, () => this.handlers.delete(ourSeq));
    this.handlers.set(ourSeq, {
      onAck: () => {
        if (acked) return;
        acked = true;
        cancelNack();
        cancelExpiry();
        this.handlers.delete(ourSeq);
        this.send(requester, { type: 'ack', seq });
      },
      onNack: () => {},
    });
    this.send(targetAddress, { type: 'ping', seq: ourSeq, target });
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    return this.seq;
  }

  // ---- dissemination ----------------------------------------------------------------------

  private gossipTick(): number {
    if (this.queue.length > 0) {
      for (const peer of this.randomMembers(this.options.gossipNodes, isLive)) {
        this.send(peer.address, { type: 'gossip' });
        if (this.queue.length === 0) break;
      }
    }
    return this.options.gossipIntervalMs;
  }

  private pushPullInterval(): number {
    const n = this.liveCount();
    const base = this.options.pushPullIntervalMs;
    if (n <= PUSH_PULL_SCALE_THRESHOLD) return base;
    return base * (Math.ceil(Math.log2(n) - Math.log2(PUSH_PULL_SCALE_THRESHOLD)) + 1);
  }

  private pushPullTick(): number {
    this.reap();
    if (!this.leaving) {
      for (const peer of this.randomMembers(1, isLive)) this.sendPushPull(peer.address, true, false);
    }
    return this.pushPullInterval();
  }

  /**
   * Serf's reconnect: a member we hold dead may be alive on the far side of a healed partition,
   * where it holds us dead too, and neither side probes or gossips to a dead member. A full-state
   * exchange tells it (and us, in its reply) who was declared dead, and each refutes. Tried with
   * probability dead/live so that the cluster as a whole sends about one per dead member per
   * interval: a node that really died costs little, while on a healed partition the smaller
   * side (dead ≥ live) tries on every tick.
   *
   * After a heal, while we still hold members dead since before it, a full exchange with a live
   * member as well, on each of the next few ticks: the refutations of the far side spread first
   * among its own members, who do not gossip to us while they still hold us dead, so by the time
   * they do, the rumours may be spent and a few of our dead verdicts outlive the heal. Any member
   * of the merged cluster holds the newer incarnations. (A single member coming back leaves no
   * such verdict: no exchange.)
   */
  private reconnectTick(): number {
    if (this.heals !== this.healsSeenByReconnect) {
      this.healsSeenByReconnect = this.heals;
      this.postHealExchanges = POST_HEAL_EXCHANGES;
    }
    if (!this.leaving && this.postHealExchanges > 0) {
      const healedAt = this.lastHealAt ?? 0;
      if ([...this.view.values()].some((m) => m.state === 'dead' && m.since < healedAt)) {
        this.postHealExchanges--;
        for (const peer of this.randomMembers(1, (m) => m.state === 'alive')) {
          this.sendPushPull(peer.address, true, false);
        }
      } else {
        this.postHealExchanges = 0;
      }
    }
    if (!this.leaving && this.options.reconnectTimeoutMs > 0) {
      const now = this.clock.now();
      const reconnectable = (m: MemberRecord) =>
        m.state === 'dead' && now - m.since <= this.options.reconnectTimeoutMs;
      let dead = 0;
      for (const m of this.view.values()) if (reconnectable(m)) dead++;
      if (dead > 0 && this.random() < dead / this.liveCount()) {
        for (const peer of this.randomMembers(1, reconnectable)) {
          this.counters.reconnects++;
          this.sendPushPull(peer.address, true, false, peer);
        }
      }
    }
    return this.options.reconnectIntervalMs;
  }

  private joinTick(): void {
    this.loop(0, () => {
      if (!this.leaving && this.seeds.length > 0 && this.liveCount() <= 1) {
        for (const seed of this.seeds) this.sendPushPull(seed, true, true);
      }
      return this.options.joinRetryIntervalMs;
    });
  }

  /**
   * `about` (a reconnect's target) goes into the first chunk, right after us: the receiver reads
   * that it was declared dead and refutes before it answers the first chunk, so its reply already
   * carries the higher incarnation that brings it back to alive here.
   */
  private sendPushPull(address: string, reply: boolean, join: boolean, about?: MemberRecord): void {
    this.counters.pushPulls++;
    const budget = this.options.maxPacketBytes - PACKET_OVERHEAD_BYTES;
    let chunk: WireUpdate[] = [];
    let used = 0;
    let first = true;
    const flush = () => {
      this.send(address, { type: 'pushPull', join, reply: reply && first, members: chunk });
      first = false;
      chunk = [];
      used = 0;
    };
    // Self first, so that the first chunk (the one asking for a reply) introduces us.
    const head = about && about !== this.self ? [this.self, about] : [this.self];
    const all = [...head, ...[...this.view.values()].filter((m) => !head.includes(m))];
    for (const m of all) {
      const update = this.toUpdate(m, m.state === 'alive' || m.state === 'left' ? m.id : this.id);
      const size = this.codec.updateSize(update);
      if (used + size > budget && chunk.length > 0) flush();
      chunk.push(update);
      used += size;
    }
    flush();
  }

  private reap(): void {
    const now = this.clock.now();
    for (const m of this.view.values()) {
      if ((m.state === 'dead' || m.state === 'left') && now - m.since > this.options.deadRetentionMs) {
        this.view.delete(m.id);
      }
    }
  }

  private enqueue(update: WireUpdate): void {
    this.queue.enqueue(update, this.codec.updateSize(update));
  }

  private send(address: string, body: PacketBody, extra: WireUpdate[] = []): void {
    let updates = extra;
    if (body.type !== 'pushPull') {
      let budget = this.options.maxPacketBytes - PACKET_OVERHEAD_BYTES;
      for (const u of extra) budget -= this.codec.updateSize(u);
      const skip = extra.length === 1 ? extra[0]?.id : undefined;
      const piggyback = this.queue.take(budget, this.liveCount(), skip);
      if (piggyback.length > 0) updates = extra.length > 0 ? [...extra, ...piggyback] : piggyback;
    }
    const packet: Packet = { from: this.id, body, updates };
    const bytes = this.codec.encode(packet);
    this.counters.messagesOut++;
    this.counters.bytesOut += bytes.length;
    try {
      this.transport.send(address, bytes);
    } catch (err) {
      this.logger.warn('gossip_send_failed', { nodeId: this.id, address, error: err });
    }
  }

  // ---- receiving --------------------------------------------------------------------------

  private receive(bytes: Uint8Array, from: string): void {
    this.counters.messagesIn++;
    this.counters.bytesIn += bytes.length;
    if (!this.running) return;
    const result = this.codec.decode(bytes);
    if (!result.ok) {
      this.counters.dropped++;
      this.counters[DROP_COUNTER[result.reason]]++;
      this.logger.debug('datagram_dropped', {
        nodeId: this.id,
        from,
        reason: result.reason,
        detail: result.detail,
      });
      return;
    }
    const packet = result.packet;
    if (packet.from === this.id) return; // our own datagram (a seed list naming ourselves)
    try {
      // Updates first: a suspicion about us is refuted before we answer, so the refutation
      // rides on the ack.
      const corrections: WireUpdate[] = [];
      for (const u of packet.updates) {
        this.apply(u, false);
        const newer = this.newerThan(u);
        if (newer && corrections.length < MAX_CORRECTIONS) corrections.push(newer);
      }
      this.handleBody(packet, from, corrections);
    } catch (err) {
      this.logger.error('datagram_handling_failed', { nodeId: this.id, from, error: err });
    }
  }

  private handleBody(packet: Packet, from: string, corrections: WireUpdate[]): void {
    const body = packet.body;
    if (body.type === 'ping') {
      if (body.target !== this.id) {
        this.counters.droppedMisdirected++;
        return;
      }
      const correction = this.correctionFor(packet.from);
      this.send(from, { type: 'ack', seq: body.seq }, [...correction, ...corrections]);
      return;
    }
    if (corrections.length > 0) this.send(from, { type: 'gossip' }, corrections);
    switch (body.type) {
      case 'ack':
        this.handlers.get(body.seq)?.onAck();
        return;
      case 'nack':
        this.handlers.get(body.seq)?.onNack();
        return;
      case 'pingReq':
        this.handlePingReq(body.seq, body.target, body.targetAddress, from);
        return;
      case 'pushPull':
        for (const u of body.members) this.apply(u, true);
        if (body.reply) this.sendPushPull(from, false, false);
        return;
      case 'gossip':
        return;
    }
  }

  /**
   * What we believe about a sender we consider suspect, dead or left, so that it refutes at once
   * (a resumed process learns it was declared dead from the first ack it gets).
   */
  private correctionFor(senderId: string): WireUpdate[] {
    const m = this.view.get(senderId);
    if (!m || m.state === 'alive') return [];
    return [this.toUpdate(m, this.id)];
  }

  /**
   * Our record of `u`'s member when it is strictly newer than `u`. A sender still spreading a
   * superseded rumour (typically a suspicion already refuted) gets the newer state straight back:
   * without it, a node that heard the suspicion late would miss the refutation wave, whose
   * retransmissions are spent, and declare a live member dead.
   */
  private newerThan(u: WireUpdate): WireUpdate | undefined {
    const m = this.view.get(u.id);
    if (!m || m.incarnation <= u.incarnation) return undefined;
    return this.toUpdate(m, m.state === 'alive' || m.state === 'left' ? m.id : this.id);
  }

  private apply(u: WireUpdate, fromPushPull: boolean): void {
    // Others declared us dead: whatever we hold dead ourselves may be the far side of the same,
    // now healed, partition. Counted once per verdict, even when a suspicion heard first (a
    // paused process reads its backlog in order) already made us refute past its incarnation.
    const declaredDead =
      u.id === this.id && u.state === 'dead' && u.incarnation > this.deathHeardAt && !this.leaving;
    if (declaredDead) {
      this.deathHeardAt = u.incarnation;
      this.markHeal();
    }
    switch (u.state) {
      case 'alive':
        if (u.meta) this.aliveNode(u.id, u.address, u.incarnation, u.meta);
        break;
      case 'suspect':
        this.suspectNode(u.id, u.incarnation, u.from);
        break;
      case 'dead':
        // memberlist: a remote full state saying dead only makes us suspect, so one node's stale
        // view cannot kill a member we see alive.
        if (fromPushPull) this.suspectNode(u.id, u.incarnation, u.from);
        else this.deadNode(u.id, u.incarnation, u.from, false);
        break;
      case 'left':
        this.deadNode(u.id, u.incarnation, u.from, true);
        break;
    }
    if (declaredDead) this.announceSelf();
  }

  /**
   * Sends our (just refuted) state straight to every member we know, dead ones included, once per
   * death verdict. Gossip alone would leave some holding us dead: we gossip only to members we
   * hold alive, and the members that hold us dead gossip our refutation among themselves with a
   * bounded number of retransmissions, which now and then misses one of them (a few in a
   * hundred heals of 50 nodes), leaving it to probing or anti-entropy, tens of seconds away.
   */
  private announceSelf(): void {
    const update = this.toUpdate(this.self, this.id);
    for (const m of this.view.values()) {
      if (m !== this.self && m.state !== 'left') this.send(m.address, { type: 'gossip' }, [update]);
    }
  }

  // ---- state transitions ------------------------------------------------------------------

  private aliveNode(id: string, address: string, incarnation: number, meta: MemberMeta): void {
    if (id === this.id) {
      if (this.leaving || incarnation < this.self.incarnation) return;
      if (
        incarnation === this.self.incarnation &&
        address === this.self.address &&
        metaEqual(meta, this.self.meta)
      ) {
        return;
      }
      // Someone spreads another version of us (a previous run of this id): override it.
      this.refute(incarnation, false);
      return;
    }
    const m = this.view.get(id);
    if (!m) {
      const record: MemberRecord = {
        id,
        address,
        state: 'alive',
        incarnation,
        meta: cloneMeta(meta),
        since: this.clock.now(),
        suspicion: undefined,
        cancelSuspicion: undefined,
      };
      this.view.set(id, record);
      this.liveCountCache = -1;
      this.probeOrder.add(id);
      this.enqueue(this.toUpdate(record, id));
      this.emit('joined', record, undefined);
      return;
    }
    if (incarnation <= m.incarnation) return;
    const previous = m.state;
    const changed = m.address !== address || !metaEqual(m.meta, meta);
    m.incarnation = incarnation;
    m.address = address;
    m.meta = cloneMeta(meta);
    this.clearSuspicion(m);
    if (previous !== 'alive') this.setState(m, 'alive');
    this.enqueue(this.toUpdate(m, id));
    if (previous === 'suspect') this.emit('alive', m, previous);
    else if (previous === 'dead' || previous === 'left') {
      if (previous === 'dead') this.markHeal();
      this.probeOrder.add(id);
      this.emit('joined', m, previous);
      return;
    }
    if (changed) this.emit('updated', m, previous);
  }

  private suspectNode(id: string, incarnation: number, from: string): void {
    const m = this.view.get(id);
    if (!m || incarnation < m.incarnation || m.state === 'dead' || m.state === 'left') return;
    if (id === this.id) {
      if (this.leaving) return;
      this.refute(incarnation, true);
      // Lifeguard: being suspected hints that we are the slow one.
      this.adjustAwareness(1);
      return;
    }
    if (m.state === 'suspect') {
      m.incarnation = incarnation;
      const s = m.suspicion;
      if (s?.confirm(from)) {
        this.scheduleSuspicion(m, s);
        this.enqueue({ id, address: m.address, state: 'suspect', incarnation, meta: undefined, from });
      }
      return;
    }
    m.incarnation = incarnation;
    this.setState(m, 'suspect');
    const n = this.liveCount();
    const k = n - 2 < this.options.suspicionConfirmations ? 0 : this.options.suspicionConfirmations;
    const min = minSuspicionMs(this.options.suspicionMult, n, this.options.probeIntervalMs);
    const s = new Suspicion(this.clock.now(), k, min, min * this.options.suspicionMaxTimeoutMult, from);
    m.suspicion = s;
    this.scheduleSuspicion(m, s);
    if (from === this.id) this.counters.suspicionsRaised++;
    this.suspectProbes.add(id);
    this.enqueue({ id, address: m.address, state: 'suspect', incarnation, meta: undefined, from });
    this.emit('suspect', m, 'alive');
  }

  private scheduleSuspicion(m: MemberRecord, s: Suspicion): void {
    m.cancelSuspicion?.();
    m.cancelSuspicion = this.timer(Math.max(0, s.deadline() - this.clock.now()), () => {
      if (m.suspicion === s && m.state === 'suspect') this.deadNode(m.id, m.incarnation, this.id, false);
    });
  }

  private clearSuspicion(m: MemberRecord): void {
    m.cancelSuspicion?.();
    m.cancelSuspicion = undefined;
    m.suspicion = undefined;
  }

  private deadNode(id: string, incarnation: number, from: string, left: boolean): void {
    const m = this.view.get(id);
    if (!m || incarnation < m.incarnation || m.state === 'left') return;
    if (m.state === 'dead' && !left) return;
    if (id === this.id) {
      if (!this.leaving) this.refute(incarnation, true);
      return;
    }
    const previous = m.state;
    this.clearSuspicion(m);
    m.incarnation = incarnation;
    this.setState(m, left ? 'left' : 'dead');
    this.enqueue({ id, address: m.address, state: m.state, incarnation, meta: undefined, from });
    this.emit(left ? 'left' : 'dead', m, previous);
  }

  /** Overrides a suspicion (or a stale version) of ourselves with a higher incarnation. */
  private refute(accused: number, falseSuspicion: boolean): void {
    this.self.incarnation = Math.max(this.self.incarnation, accused) + 1;
    if (falseSuspicion) this.counters.refutes++;
    this.enqueue(this.toUpdate(this.self, this.id));
    this.logger.debug('refuted', { nodeId: this.id, incarnation: this.self.incarnation });
  }

  private markHeal(): void {
    this.heals++;
    this.lastHealAt = this.clock.now();
  }

  private setState(m: MemberRecord, state: MemberState): void {
    m.state = state;
    m.since = this.clock.now();
    this.liveCountCache = -1;
  }

  private emit(kind: MembershipEventKind, m: MemberRecord, previous: MemberState | undefined): void {
    this.events.emit({ kind, member: toMember(m), previous });
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Alive and suspect members, this node included (n in every log(n) formula). */
  private liveCount(): number {
    if (this.liveCountCache < 0) {
      let n = 0;
      for (const m of this.view.values()) if (isLive(m)) n++;
      this.liveCountCache = Math.max(1, n);
    }
    return this.liveCountCache;
  }

  private randomMembers(k: number, filter: (m: MemberRecord) => boolean): MemberRecord[] {
    if (k <= 0) return [];
    const candidates: MemberRecord[] = [];
    for (const m of this.view.values()) if (m !== this.self && filter(m)) candidates.push(m);
    // Partial Fisher–Yates: the first k are a uniform sample.
    const take = Math.min(k, candidates.length);
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(this.random() * (candidates.length - i));
      const a = candidates[i] as MemberRecord;
      candidates[i] = candidates[j] as MemberRecord;
      candidates[j] = a;
    }
    return candidates.slice(0, take);
  }

  private toUpdate(m: MemberRecord, from: string): WireUpdate {
    return {
      id: m.id,
      address: m.address,
      state: m.state,
      incarnation: m.incarnation,
      meta: m.state === 'alive' ? m.meta : undefined,
      from,
    };
  }
}

function isLive(m: MemberRecord): boolean {
  return m.state === 'alive' || m.state === 'suspect';
}

function toMember(m: MemberRecord): Member {
  return {
    id: m.id,
    address: m.address,
    state: m.state,
    incarnation: m.incarnation,
    meta: cloneMeta(m.meta),
    since: m.since,
  };
}
