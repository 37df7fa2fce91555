import { ClusterClient } from '@idunno/client';
import {
  createTestNetwork,
  runCli,
  type TestHost,
  type TestNetwork,
  testNetworkSupport,
  waitFor,
} from '@idunno/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 12, item 4: with one coordinator's host dark (its packets dropped, not refused), every
// CLI command still answers: reads from whoever leads, changes on the leader (after a takeover
// when the dark host led). Before, each command waited out the TCP connect to the dark host.
const support = testNetworkSupport();
if (!support.ok) console.warn(`[dark-host] skipped: ${support.reason}`);

/** Each command, as a user runs them one after another against the cluster. */
const COMMANDS: readonly (readonly string[])[] = [
  ['members'],
  ['get-job-stats'],
  ['get-job-assigned-vms'],
  ['show-results', 'dark', '--limit', '2'],
  ['set-batch-size', 'dark', '4'],
];

describe.skipIf(!support.ok)('the CLI with one coordinator host dark', () => {
  let net: TestNetwork;
  let coordinators: Awaited<ReturnType<TestHost['startCoordinator']>>[];
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    net = await createTestNetwork({ hosts: ['redis', 'c1', 'c2', 'w1'] });
    const redis = await net.host('redis').startRedis({ appendOnly: false });
    const c1 = await net.host('c1').startCoordinator({ redisUrl: redis.url, id: 'c1' });
    const c2 = await net.host('c2').startCoordinator({ redisUrl: redis.url, id: 'c2', seeds: [c1.gossip] });
    coordinators = [c1, c2];
    await net.host('w1').startWorker({ seeds: [c1.gossip, c2.gossip], preload: ['tiny'], id: 'w1' });
    env = { IDUNNO_COORDINATORS: coordinators.map((c) => c.address).join(',') };
    const client = new ClusterClient(
      coordinators.map((c) => c.address),
      { probeTimeoutMs: 1_000 },
    );
    try {
      await waitFor(
        async () =>
          (await client.read((c) => c.members())).members.some((m) => m.id === 'w1' && m.state === 'alive'),
        {
          timeoutMs: 30_000,
          message: 'the worker in the leader’s view',
        },
      );
      await client.change((c) =>
        c.addJob({ jobId: 'dark', model: 'tiny', inputs: ['synthetic://1', 'synthetic://2'] }),
      );
      await client.change((c) => c.startJob('dark'));
      await waitFor(
        async () => (await client.read((c) => c.stats('dark'))).jobs[0]?.job?.state === 'completed',
        {
          timeoutMs: 30_000,
          message: 'the job to complete',
        },
      );
    } finally {
      client.close();
    }
  }, 120_000);
  afterAll(async () => {
    await net?.destroy();
  });

  async function leaderIndex(): Promise<number> {
    const client = new ClusterClient(
      coordinators.map((c) => c.address),
      { probeTimeoutMs: 1_000 },
    );
    try {
      const ref = await waitFor(() => client.leader(), { timeoutMs: 20_000, message: 'a leader' });
      return coordinators.findIndex((c) => c.address === ref.connection.address);
    } finally {
      client.close();
    }
  }

  for (const dark of ['standby', 'leader'] as const) {
    it(`answers every command while the ${dark}'s host is dark`, async () => {
      const i = await leaderIndex();
      const host = dark === 'leader' ? `c${i + 1}` : `c${2 - i}`;
      const fault = await net.isolate(host);
      try {
        for (const args of COMMANDS) {
          // A command that waits out the dark host's TCP connect (about two minutes) is killed here.
          const run = await runCli([...args], { env, timeoutMs: 20_000 });
          expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
        }
      } finally {
        await fault.undo();
      }
    }, 180_000);
  }
});
