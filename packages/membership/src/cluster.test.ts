import { existsSync } from 'node:fs';
import { MEMBERSHIP_NODE_BIN, MembershipCluster, waitFor } from '@idunno/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Real processes on 127.0.0.1 running dist/bin/node.js (build first: npx tsc -b packages/membership).
// Generous bounds: the machine running the suite may be busy; the assertions wait on events.
const N = 11;
const BOUND_MS = 20_000;

describe(`a cluster of ${N} node processes over UDP`, () => {
  const cluster = new MembershipCluster({ profile: 'local', clusterKey: 'test-key' });

  beforeAll(async () => {
    if (!existsSync(MEMBERSHIP_NODE_BIN))
      throw new Error(`${MEMBERSHIP_NODE_BIN} is missing: run npx tsc -b packages/membership first`);
    await cluster.start(N);
  }, 60_000);

  afterAll(async () => {
    await cluster.close();
  });

  it('SIGSTOP one node: all others declare it dead', async () => {
    cluster.node('n3').signal('SIGSTOP');
    await waitFor(() => cluster.allSee('n3', ['dead']), {
      timeoutMs: BOUND_MS,
      message: 'n3 dead everywhere',
    });
  });

  it('SIGCONT: it rejoins alive with a higher incarnation', async () => {
    const deadAt = cluster.node('n0').view.get('n3')?.incarnation ?? 0;
    cluster.node('n3').signal('SIGCONT');
    await waitFor(() => cluster.allSee('n3', ['alive']), {
      timeoutMs: BOUND_MS,
      message: 'n3 alive again everywhere',
    });
    for (const node of cluster.nodes.filter((n) => n.id !== 'n3')) {
      expect(node.view.get('n3')?.incarnation).toBeGreaterThan(deadAt);
    }
  });

  it('SIGKILL one node: all others declare it dead', async () => {
    cluster.node('n5').signal('SIGKILL');
    await waitFor(() => cluster.allSee('n5', ['dead']), {
      timeoutMs: BOUND_MS,
      message: 'n5 dead everywhere',
    });
  });

  it('graceful leave (SIGTERM): all others see it left, not dead', async () => {
    const n7 = cluster.node('n7');
    n7.signal('SIGTERM');
    await waitFor(() => cluster.allSee('n7', ['left']), {
      timeoutMs: BOUND_MS,
      message: 'n7 left everywhere',
    });
    await waitFor(() => n7.hasExited, { timeoutMs: BOUND_MS, message: 'n7 to exit' });
    expect(n7.child.exitCode).toBe(0);
    const sawDead = cluster.nodes.filter((n) => n.lines.some((l) => l.member === 'n7' && l.event === 'dead'));
    expect(sawDead.map((n) => n.id)).toEqual([]);
  });
});
