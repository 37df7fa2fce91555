import { StaleEpochError } from '@idunno/client';
import { silentLogger } from '@idunno/log';
import { createRedisStateStore, type StateStore } from '@idunno/state';
import { type RedisServer, startRedis, waitFor } from '@idunno/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Coordinator } from './coordinator.js';
import { FakeLeaderProbe, FakeTime, FakeWorkerLinks } from './fake-ports.js';
import type { PeerView } from './leadership.js';
import { localCoordinatorOptions } from './options.js';
import { StaticWorkerDirectory } from './workers.js';

// Leadership through the Coordinator facade: the lease lives in a real Redis (its scripts and
// TTLs are the authority), while the coordinator's own clock, its timers and its probe of the
// leader are fakes the test drives. No idunno process is started.

let redis: RedisServer;
let prefixes = 0;
beforeAll(async () => {
  redis = await startRedis({ appendOnly: false });
});
afterAll(async () => {
  await redis.stop();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function freshStore(options: { commandTimeoutMs?: number } = {}): Promise<StateStore> {
  const store = await createRedisStateStore({ url: redis.url, prefix: `l${prefixes++}:`, ...options });
  cleanups.push(() => store.close());
  return store;
}

/** A coordinator on `store` with fake time and probe; started, not yet necessarily leading. */
function coordinator(store: StateStore, nodeId: string, peers?: PeerView) {
  const time = new FakeTime();
  const probe = new FakeLeaderProbe();
  const c = new Coordinator(
    store,
    new StaticWorkerDirectory(),
    localCoordinatorOptions(nodeId, ''),
    silentLogger,
    { clock: time, timers: time, workerLinks: new FakeWorkerLinks(), leaderProbe: probe },
  );
  if (peers) c.peers = peers;
  const roles: string[] = [];
  c.on('role', (e) => roles.push(e.role));
  cleanups.push(() => c.stop());
  c.start();
  return { c, time, probe, roles };
}

/** The lease is held by `holder` (a leader that is not in this test's process) for a minute. */
async function heldBy(store: StateStore, holder: string): Promise<number> {
  const r = await store.acquireLease(holder, 60_000);
  if (!r.acquired) throw new Error('lease was not free');
  return r.epoch;
}

/**
 * Moves the fake clock on in probe-interval steps until `cond` holds. Rounds that overlap a lease
 * tick (which waits on the real Redis) are skipped by the coordinator, so tests count what
 * happened rather than how much fake time passed.
 */
async function advanceUntil(time: FakeTime, cond: () => boolean, what: string): Promise<void> {
  await waitFor(
    async () => {
      if (cond()) return true;
      await time.advance(200);
      return cond();
    },
    { intervalMs: 1, message: what },
  );
}

/** Gossip's view of the leader: its control address, and since when it is held dead (if it is). */
function peersOf(leader: string): PeerView & { deadAt: number | undefined } {
  const view = {
    deadAt: undefined as number | undefined,
    controlAddress: (id: string) => (id === leader ? `${leader}.test:7000` : undefined),
    deadSince: (id: string) => (id === leader ? view.deadAt : undefined),
  };
  return view;
}

describe('leadership', () => {
  it('takes the lease over early when the leader’s control API refuses connections twice', async () => {
    const store = await freshStore();
    const old = await heldBy(store, 'old');
    const { c, time, probe } = coordinator(store, 'b', peersOf('old'));
    await waitFor(() => c.leader === 'old', { message: 'the standby to see the lease' });
    probe.answer = 'refused';
    await advanceUntil(time, () => probe.probes >= 1, 'one refused probe');
    expect(c.role).toBe('standby'); // one refusal is not yet evidence
    await advanceUntil(time, () => c.role === 'primary', 'the early takeover');
    expect(c.epoch).toBeGreaterThan(old);
    expect(await store.readLease()).toMatchObject({ holder: 'b', epoch: c.epoch });
    expect(probe.probes).toBeGreaterThanOrEqual(2);
  });

  it('leaves a hung leader (connections accepted, no answer) to its lease TTL', async () => {
    const store = await freshStore();
    await heldBy(store, 'old');
    const { c, time, probe } = coordinator(store, 'b', peersOf('old'));
    await waitFor(() => c.leader === 'old', { message: 'the standby to see the lease' });
    probe.answer = 'silent';
    await advanceUntil(time, () => probe.probes >= 10, 'ten unanswered probes');
    expect(c.role).toBe('standby');
    expect(await store.readLease()).toMatchObject({ holder: 'old' });
  });

  it('takes over at once when gossip declares the leader dead, without probing it', async () => {
    const store = await freshStore();
    await heldBy(store, 'old');
    const peers = peersOf('old');
    const { c, time, probe } = coordinator(store, 'b', peers);
    await waitFor(() => c.leader === 'old', { message: 'the standby to see the lease' });
    peers.deadAt = time.monotonic(); // declared dead while holding the lease this node saw
    await advanceUntil(time, () => c.role === 'primary', 'the takeover');
    expect(probe.probes).toBe(0);
  });

  it('ignores a dead verdict older than the lease it would take over (a healed partition)', async () => {
    const store = await freshStore();
    await heldBy(store, 'old');
    const peers = peersOf('old');
    // Gossip gave 'old' up before this node saw it hold the lease: 'old' took or renewed it since.
    peers.deadAt = 0;
    const { c, time, probe } = coordinator(store, 'b', peers);
    await waitFor(() => c.leader === 'old', { message: 'the standby to see the lease' });
    probe.answer = 'answered';
    await advanceUntil(time, () => probe.probes >= 10, 'ten probes of a leader that answers');
    expect(c.role).toBe('standby');
    expect(await store.readLease()).toMatchObject({ holder: 'old' });
  });

  it('stops acting by its own clock when renewals cannot reach Redis, before the lease lapses there', async () => {
    const store = await freshStore({ commandTimeoutMs: 200 });
    const { c, time, roles } = coordinator(store, 'a');
    await waitFor(() => c.role === 'primary', { message: 'the coordinator to lead' });
    redis.kill('SIGSTOP');
    try {
      // Every renewal hangs and times out; by the time the TTL has passed on this node's clock it
      // must have given up, whatever Redis would say.
      await time.advance(2_000);
      await waitFor(() => c.role === 'standby', { message: 'the primary to demote itself' });
    } finally {
      redis.kill('SIGCONT');
    }
    expect(roles).toEqual(['primary', 'standby']);
  });

  it('demotes when the store refuses its write as fenced, and the refusal reaches the caller', async () => {
    const store = await freshStore();
    const { c } = coordinator(store, 'a');
    await waitFor(() => c.role === 'primary', { message: 'the coordinator to lead' });
    // Someone else leads now (this node has not noticed: its clock has not moved).
    expect(await store.releaseLease('a', c.epoch)).toBe(true);
    const newer = await heldBy(store, 'other');
    const err = await c
      .addJob({ jobId: 'late', model: 'tiny', inputs: ['synthetic://1'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleEpochError);
    expect(err).toMatchObject({ current: newer });
    expect(c.role).toBe('standby');
  });

  it('releases its lease on stop, so that the standby leads on its next tick', async () => {
    const store = await freshStore();
    const a = coordinator(store, 'a');
    await waitFor(() => a.c.role === 'primary', { message: 'a to lead' });
    const b = coordinator(store, 'b');
    await waitFor(() => b.c.leader === 'a', { message: 'b to see a lead' });
    await a.c.stop();
    expect(await store.readLease()).toBeNull();
    await advanceUntil(b.time, () => b.c.role === 'primary', 'b to lead');
    expect(b.c.epoch).toBeGreaterThan(a.c.epoch);
  });
});
