import { ClusterClient } from '@idunno/client';
import {
  createTestNetwork,
  type FaultHandle,
  reference,
  type TestHost,
  type TestNetwork,
  testNetworkSupport,
  waitFor,
} from '@idunno/testkit';
import { afterEach, describe, expect, it } from 'vitest';

// Issue 12, item 3, on test hosts (network namespaces, nftables faults): two jobs run while the
// network breaks around the primary; after the heal, leadership has changed at most once and then
// holds, and every query ends with exactly one recorded result, equal to `idunno classify`.
const support = testNetworkSupport();
if (!support.ok) console.warn(`[partitions] skipped: ${support.reason}`);

type Coordinator = Awaited<ReturnType<TestHost['startCoordinator']>>;

const QUERIES = 60_000;
/** After the heal, how long the leader must hold for the test to call it settled. */
const HOLD_MS = 8_000;

interface Cluster {
  net: TestNetwork;
  coordinators: Coordinator[];
  client: ClusterClient;
}

async function cluster(): Promise<Cluster> {
  const net = await createTestNetwork({ hosts: ['redis', 'c1', 'c2', 'w1', 'w2'] });
  const redis = await net.host('redis').startRedis({ appendOnly: true });
  const c1 = await net.host('c1').startCoordinator({ redisUrl: redis.url, id: 'c1' });
  const c2 = await net.host('c2').startCoordinator({ redisUrl: redis.url, id: 'c2', seeds: [c1.gossip] });
  const seeds = [c1.gossip, c2.gossip];
  await Promise.all(['w1', 'w2'].map((w) => net.host(w).startWorker({ id: w, seeds, preload: ['tiny'] })));
  const client = new ClusterClient([c1.address, c2.address], { probeTimeoutMs: 1_000, retryMs: 10_000 });
  await waitFor(
    async () => {
      const m = await client.read((c) => c.members());
      return m.members.filter((x) => x.role === 'worker' && x.state === 'alive').length === 2;
    },
    { timeoutMs: 30_000, message: 'both workers in the leader’s view' },
  );
  // Two jobs long enough to outlast the fault; batch 2 keeps the control plane busy.
  for (const jobId of ['a', 'b']) {
    const inputs = Array.from({ length: QUERIES }, (_, i) => `synthetic://${jobId}${i}`);
    await client.change((c) => c.addJob({ jobId, model: 'tiny', inputs, batchSize: 2 }));
  }
  for (const jobId of ['a', 'b']) await client.change((c) => c.startJob(jobId));
  return { net, coordinators: [c1, c2], client };
}

/** Every `role: primary` line the coordinators printed, in order of their epochs. */
function promotions(coordinators: readonly Coordinator[]): { node: string; epoch: number }[] {
  return coordinators
    .flatMap((c) => c.events.filter((e) => e.event === 'role' && e.role === 'primary'))
    .map((e) => ({ node: String(e.node), epoch: Number(e.epoch) }))
    .sort((x, y) => x.epoch - y.epoch);
}

async function leaderOf(c: Cluster): Promise<Coordinator> {
  const ref = await waitFor(() => c.client.leader(), { timeoutMs: 20_000, message: 'a leader' });
  const leader = c.coordinators.find((x) => x.address === ref.connection.address);
  if (!leader) throw new Error('the leader is not one of the coordinators');
  return leader;
}

const hostOf = (c: Cluster, coordinator: Coordinator) =>
  c.net.hosts.find((h) => coordinator.address.startsWith(`${h.address}:`))!;

/**
 * Breaks the network around the primary with `fault` for 6 s, heals, then checks: leadership
 * changed `changes` times (0 or 1) and holds for HOLD_MS, both jobs finish with every query recorded once, and a
 * sample of results equals the single-process reference.
 */
async function survives(
  c: Cluster,
  fault: (primary: TestHost, standby: TestHost) => Promise<FaultHandle>,
  changes: 0 | 1,
) {
  const primary = await leaderOf(c);
  const standby = c.coordinators.find((x) => x !== primary)!;
  await waitFor(async () => (await c.client.read((x) => x.stats('a'))).jobs[0]!.done > 200, {
    timeoutMs: 30_000,
    message: 'the jobs under way',
  });
  const before = promotions(c.coordinators).length;
  const handle = await fault(hostOf(c, primary), hostOf(c, standby));
  await new Promise((r) => setTimeout(r, 6_000)); // the fault lasts, by design, a fixed time
  await handle.undo();
  const jobs = (await c.client.read((x) => x.stats())).jobs;
  expect(
    jobs.some((j) => j.job?.state === 'running'),
    'the jobs outlast the fault',
  ).toBe(true);
  const afterHeal = promotions(c.coordinators).length;
  expect(afterHeal - before, JSON.stringify(promotions(c.coordinators))).toBe(changes);
  // Settled: the same coordinator leads at the same epoch for HOLD_MS.
  const settled = await waitFor(() => c.client.leader(), {
    timeoutMs: 20_000,
    message: 'a leader after the heal',
  });
  await new Promise((r) => setTimeout(r, HOLD_MS));
  const still = await c.client.leader();
  expect(still.info.nodeId).toBe(settled.info.nodeId);
  expect(still.info.epoch).toBe(settled.info.epoch);
  expect(promotions(c.coordinators).length - before, JSON.stringify(promotions(c.coordinators))).toBe(
    changes,
  );
  await waitFor(
    async () => (await c.client.read((x) => x.stats())).jobs.every((j) => j.job?.state === 'completed'),
    { timeoutMs: 180_000, intervalMs: 500, message: 'both jobs to complete' },
  );
  for (const jobId of ['a', 'b']) {
    const rows = await c.client.allResults(jobId);
    expect(rows).toHaveLength(QUERIES);
    expect(new Set(rows.map((r) => r.queryId)).size).toBe(QUERIES);
    expect(rows.every((r) => r.kind === 'result')).toBe(true);
    const sample = rows.filter((_, i) => i % 500 === 0);
    const ref = await reference(
      'tiny',
      sample.map((r) => r.uri),
    );
    for (const r of sample)
      if (r.kind === 'result')
        expect(r.topK.map((t) => t.index)).toEqual(ref.get(r.uri)!.map((t) => t.index));
  }
}

describe.skipIf(!support.ok)('partitions that heal, with two jobs running', () => {
  let c: Cluster | undefined;
  afterEach(async () => {
    c?.client.close();
    await c?.net.destroy();
    c = undefined;
  });

  it('the primary’s host isolated, then healed: one takeover at most, then it holds', async () => {
    c = await cluster();
    // It can reach nothing: the standby takes over, once; the healed one stays a standby.
    await survives(c, (primary) => c!.net.isolate(primary), 1);
  }, 300_000);

  it('the primary cut off from Redis only: it stops by itself, the standby leads, then it holds', async () => {
    c = await cluster();
    await survives(c, (primary) => c!.net.block(primary, ['redis']), 1);
  }, 300_000);

  it('a one-way partition (the standby no longer hears the primary): the primary keeps the lead', async () => {
    c = await cluster();
    // The primary still reaches Redis and the workers, and gossip's indirect probes (through the
    // workers) keep it alive in the standby's view; a probe of its control API gets no answer,
    // which is no evidence. Nothing needs to change, and nothing does.
    await survives(c, (primary, standby) => c!.net.oneWay(primary, standby), 0);
  }, 300_000);
});
