import { mulberry32 } from '@idunno/random';
import { describe, expect, it } from 'vitest';
import type { Transport } from './clock.js';
import { ObjectCodec, type Packet, type WireUpdate } from './codec.js';
import { defaultMeta } from './meta.js';
import { healBoundMs, type MembershipOptions, resolveOptions } from './profiles.js';
import { SimClock, Simulation } from './sim.js';
import { Swim } from './swim.js';
import type { MemberState, MembershipEvent } from './types.js';

const addr = (id: string) => `${id}:7946`;

function update(id: string, state: MemberState, incarnation: number, from = id): WireUpdate {
  return {
    id,
    address: addr(id),
    state,
    incarnation,
    meta: state === 'alive' ? defaultMeta() : undefined,
    from,
  };
}

/**
 * One Swim core driven by hand: packets go in through its transport's receive handler, and what
 * it sends is decoded and recorded, so a test can state exactly what it heard.
 */
class Harness {
  readonly clock = new SimClock();
  readonly codec = new ObjectCodec();
  readonly sent: { to: string; packet: Packet }[] = [];
  readonly events: MembershipEvent[] = [];
  readonly swim: Swim;
  private handler: ((bytes: Uint8Array, from: string) => void) | undefined;

  constructor(overrides: Partial<MembershipOptions> = {}) {
    const transport: Transport = {
      send: (to, bytes) => {
        const r = this.codec.decode(bytes);
        if (r.ok) this.sent.push({ to, packet: r.packet });
      },
      onReceive: (h) => {
        this.handler = h;
      },
    };
    this.swim = new Swim({
      id: 'a',
      address: addr('a'),
      meta: defaultMeta(),
      options: resolveOptions('lan', overrides),
      clock: this.clock,
      transport,
      random: mulberry32(7),
      codec: this.codec,
    });
    this.swim.on('change', (e) => this.events.push(e));
    this.swim.start();
  }

  /** `from` gossips `updates` to us. */
  gossip(from: string, ...updates: WireUpdate[]): void {
    this.deliver({ from, body: { type: 'gossip' }, updates });
  }

  /** `from` sends us its full state. */
  pushPull(from: string, ...members: WireUpdate[]): void {
    this.deliver({ from, body: { type: 'pushPull', join: false, reply: false, members }, updates: [] });
  }

  deliver(packet: Packet): void {
    this.handler?.(this.codec.encode(packet), addr(packet.from));
  }

  state(id: string): { state: MemberState; incarnation: number } | undefined {
    const m = this.swim.member(id);
    return m && { state: m.state, incarnation: m.incarnation };
  }

  /** Push-pulls sent to `id` since `since` (an index into `sent`). */
  pushPullsTo(id: string, since = 0): Extract<Packet['body'], { type: 'pushPull' }>[] {
    const out: Extract<Packet['body'], { type: 'pushPull' }>[] = [];
    for (const { to, packet } of this.sent.slice(since)) {
      if (to === addr(id) && packet.body.type === 'pushPull') out.push(packet.body);
    }
    return out;
  }
}

describe('state rules across a heal', () => {
  it('an alive with a higher incarnation brings a dead member back and counts as a heal', () => {
    const h = new Harness();
    h.gossip('c', update('b', 'alive', 0), update('c', 'alive', 0));
    h.gossip('c', update('b', 'dead', 0, 'c'));
    expect(h.state('b')).toEqual({ state: 'dead', incarnation: 0 });
    expect(h.swim.freshness().generation).toBe(0);

    // Same incarnation: dead beats alive, the rumour of b alive is older than its death.
    h.gossip('c', update('b', 'alive', 0));
    h.pushPull('c', update('c', 'alive', 0), update('b', 'alive', 0));
    expect(h.state('b')).toEqual({ state: 'dead', incarnation: 0 });

    h.clock.advance(1234);
    h.gossip('c', update('b', 'alive', 1));
    expect(h.state('b')).toEqual({ state: 'alive', incarnation: 1 });
    expect(h.events.at(-1)).toMatchObject({ kind: 'joined', previous: 'dead', member: { id: 'b' } });
    expect(h.swim.member('b')?.since).toBe(h.clock.now());
    expect(h.swim.freshness()).toEqual({ generation: 1, lastHealAt: h.clock.now(), now: h.clock.now() });
  });

  it('a stale dead about a member since seen alive at a higher incarnation is ignored', () => {
    const h = new Harness();
    h.gossip('c', update('b', 'alive', 0), update('c', 'alive', 0));
    h.gossip('c', update('b', 'dead', 0, 'c'));
    h.gossip('b', update('b', 'alive', 1));
    const events = h.events.length;
    // From another node that still holds the partition's verdict: piggybacked, and in full state.
    h.gossip('c', update('b', 'dead', 0, 'c'));
    h.pushPull('c', update('c', 'alive', 0), update('b', 'dead', 0, 'c'));
    h.gossip('c', update('b', 'suspect', 0, 'c'));
    expect(h.state('b')).toEqual({ state: 'alive', incarnation: 1 });
    expect(h.events.length).toBe(events);
  });

  it('the stale sender gets the newer state straight back', () => {
    const h = new Harness();
    h.gossip('c', update('b', 'alive', 0), update('c', 'alive', 0));
    h.gossip('b', update('b', 'alive', 1));
    const before = h.sent.length;
    h.gossip('c', update('b', 'dead', 0, 'c'));
    const replies = h.sent.slice(before).filter((s) => s.to === addr('c'));
    expect(replies.flatMap((s) => s.packet.updates)).toContainEqual(update('b', 'alive', 1));
  });

  it.each([
    ['piggybacked', (h: Harness, u: WireUpdate) => h.gossip('c', u)],
    ['in a push-pull', (h: Harness, u: WireUpdate) => h.pushPull('c', update('c', 'alive', 0), u)],
  ])('a node that hears it was declared dead (%s) refutes with a higher incarnation', (_, send) => {
    const h = new Harness();
    h.gossip('c', update('c', 'alive', 0), update('b', 'alive', 0), update('d', 'alive', 0));
    h.gossip('c', update('b', 'dead', 0, 'c'), update('d', 'left', 0));
    h.clock.advance(500);
    const before = h.sent.length;
    send(h, update('a', 'dead', 3, 'c'));
    expect(h.swim.incarnation).toBe(4);
    expect(h.swim.snapshotCounters().refutes).toBe(1);
    expect(h.swim.member('a')?.state).toBe('alive');
    expect(h.swim.freshness()).toMatchObject({ generation: 1, lastHealAt: 500 });
    // Told at once to every member but the one that left, the dead one included: it may hold us
    // dead as well, on the far side of the same partition.
    const told = h.sent
      .slice(before)
      .filter((s) =>
        s.packet.updates.some((u) => u.id === 'a' && u.state === 'alive' && u.incarnation === 4),
      );
    expect(new Set(told.map((s) => s.to))).toEqual(new Set([addr('b'), addr('c')]));
    // And gossiped as any refutation.
    const gossiped = h.sent.length;
    h.clock.advance(200);
    const spread = h.sent.slice(gossiped).flatMap((s) => s.packet.updates);
    expect(spread).toContainEqual(update('a', 'alive', 4));

    // The same verdict again, or an older one, changes nothing and is not announced again.
    const again = h.sent.length;
    send(h, update('a', 'dead', 3, 'c'));
    send(h, update('a', 'dead', 2, 'c'));
    expect(h.swim.incarnation).toBe(4);
    expect(h.swim.freshness().generation).toBe(1);
    expect(h.sent.slice(again).filter((s) => s.to === addr('b'))).toEqual([]);
  });
});

describe('reconnect (Serf)', () => {
  it('a dead member is sent a push-pull every reconnect interval until the reconnect timeout', () => {
    const R = 1000;
    const h = new Harness({ reconnectIntervalMs: R, reconnectTimeoutMs: 10_000 });
    h.gossip('c', update('b', 'alive', 0), update('c', 'alive', 0));
    h.gossip('c', update('b', 'dead', 0, 'c'), update('c', 'left', 0));
    // Alone among the living (dead/live = 1/1): every tick tries, until 10 s after the death.
    h.clock.advance(10_000);
    const pushes = h.pushPullsTo('b');
    expect(pushes.length).toBeGreaterThanOrEqual(10);
    expect(pushes.length).toBeLessThanOrEqual(11);
    for (const p of pushes) {
      expect(p.reply).toBe(true);
      // Its own death first, so that it refutes before it answers the first chunk.
      expect(p.members.slice(0, 2).map((m) => `${m.id}:${m.state}`)).toEqual(['a:alive', 'b:dead']);
    }
    expect(h.swim.snapshotCounters().reconnects).toBe(pushes.length);
    expect(h.pushPullsTo('c')).toEqual([]); // left gracefully: never contacted
    const sent = h.sent.length;
    h.clock.advance(5 * R);
    expect(h.pushPullsTo('b', sent)).toEqual([]);
    expect(h.state('b')?.state).toBe('dead'); // kept until deadRetentionMs
  });

  it('reconnectTimeoutMs 0 turns reconnection off', () => {
    const h = new Harness({ reconnectTimeoutMs: 0 });
    h.gossip('c', update('b', 'alive', 0));
    h.gossip('c', update('b', 'dead', 0, 'c'));
    h.clock.advance(10_000);
    expect(h.pushPullsTo('b')).toEqual([]);
  });

  it('a crashed member costs the cluster about one push-pull per reconnect interval', () => {
    const sim = new Simulation({ seed: 21, wire: 'objects' });
    sim.addNode('n0');
    for (let i = 1; i < 10; i++) sim.addNode(`n${i}`, ['n0']);
    expect(sim.runUntil(() => sim.converged(), 30_000, 50)).toBeDefined();
    sim.crash('n7');
    expect(sim.runUntil(() => sim.allSee('n7', ['dead']), 20_000)).toBeDefined();
    const count = () => sim.live().reduce((sum, n) => sum + n.swim.snapshotCounters().reconnects, 0);
    const before = count();
    const seconds = 120;
    sim.runFor(seconds * 1000);
    // 9 nodes, each trying with probability 1/9 every 1 s: 120 expected.
    const per = (count() - before) / (seconds / (sim.options.reconnectIntervalMs / 1000));
    expect(per).toBeGreaterThan(0.6);
    expect(per).toBeLessThan(1.5);
  });
});

/**
 * Splits `n` nodes into two halves (or `alone` from all others), waits until each side holds the
 * other dead, heals; ms to one view.
 */
function splitAndHeal(sim: Simulation, n: number, alone?: string): number | undefined {
  const ids = Array.from({ length: n }, (_, i) => `n${i}`);
  const a = alone ? [alone] : ids.filter((_, i) => i % 2 === 0);
  const b = ids.filter((id) => !a.includes(id));
  sim.partition(a, b);
  const holdsDead = (observers: string[], members: string[]) =>
    members.every((id) =>
      sim.allSee(
        id,
        ['dead'],
        observers.map((o) => sim.node(o)),
      ),
    );
  expect(sim.runUntil(() => holdsDead(a, b) && holdsDead(b, a), 60_000)).toBeDefined();
  // Past the suspicion timeout already; stay apart a little longer, at a random phase.
  sim.runFor(1000 + sim.random() * 2000);
  sim.heal();
  return sim.runUntil(() => sim.converged(), 60_000, 10);
}

function convergedCluster(n: number, seed: number, profile: 'lan' | 'local', wire: 'bytes' | 'objects') {
  const sim = new Simulation({ seed, profile, wire });
  sim.addNode('n0');
  for (let i = 1; i < n; i++) sim.addNode(`n${i}`, ['n0']);
  expect(sim.runUntil(() => sim.converged(), 60_000, 50)).toBeDefined();
  sim.runFor(2000);
  return sim;
}

describe.each([
  { n: 10, profile: 'lan', wire: 'bytes', seeds: [1, 2, 3, 4, 5] },
  { n: 10, profile: 'local', wire: 'bytes', seeds: [1, 2, 3] },
  { n: 50, profile: 'lan', wire: 'objects', seeds: [1, 2] },
] as const)(
  'two halves of $n nodes ($profile profile) split past the suspicion timeout',
  ({ n, profile, wire, seeds }) => {
    it.each(seeds)('merge into one view within the heal bound after the heal (seed %i)', (seed) => {
      const sim = convergedCluster(n, seed, profile, wire);
      const incarnations = new Map(sim.live().map((x) => [x.id, x.swim.incarnation]));
      const elapsed = splitAndHeal(sim, n);
      expect(elapsed).toBeDefined();
      expect(elapsed).toBeLessThanOrEqual(healBoundMs(sim.options));
      const healedAt = sim.clock.now() - (elapsed ?? 0);
      for (const node of sim.live()) {
        // Every node learned it had been declared dead and overrode it.
        expect(node.swim.incarnation).toBeGreaterThan(incarnations.get(node.id) ?? 0);
        const f = node.swim.freshness();
        expect(f.generation).toBeGreaterThan(0);
        expect(f.lastHealAt).toBeGreaterThanOrEqual(healedAt);
      }
    });
  },
);

describe('one node cut off from the nine others past the suspicion timeout', () => {
  it.each([1, 2, 3])('merges back into one view within the heal bound (seed %i)', (seed) => {
    const sim = convergedCluster(10, 40 + seed, 'local', 'bytes');
    const elapsed = splitAndHeal(sim, 10, 'n3');
    expect(elapsed).toBeDefined();
    expect(elapsed).toBeLessThanOrEqual(healBoundMs(sim.options));
  });
});

describe('a node declared dead that comes back', () => {
  it('refutes with a higher incarnation and every view is one again within the heal bound', () => {
    const sim = convergedCluster(10, 31, 'lan', 'bytes');
    const before = sim.node('n4').swim.incarnation;
    sim.pause('n4');
    expect(sim.runUntil(() => sim.allSee('n4', ['dead']), 20_000)).toBeDefined();
    const deadAt = sim.node('n0').swim.member('n4')?.incarnation ?? 0;
    sim.runFor(2000);
    sim.resume('n4');
    const elapsed = sim.runUntil(() => sim.converged(), 20_000, 10);
    expect(elapsed).toBeDefined();
    expect(elapsed).toBeLessThanOrEqual(healBoundMs(sim.options));
    expect(sim.node('n4').swim.incarnation).toBeGreaterThan(Math.max(before, deadAt));
    for (const node of sim.live()) {
      if (node.id !== 'n4') expect(node.swim.member('n4')?.incarnation).toBe(sim.node('n4').swim.incarnation);
    }
    expect(sim.node('n4').swim.snapshotCounters().refutes).toBeGreaterThan(0);
    expect(sim.node('n4').swim.freshness().generation).toBeGreaterThan(0);
  });
});
