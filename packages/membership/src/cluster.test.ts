import { existsSync } from 'node:fs';
import { MEMBERSHIP_NODE_BIN, MembershipCluster, waitFor } from '@idunno/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healBoundMs, profileOptions } from './profiles.js';

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

  it('SIGSTOP past the suspicion timeout, then SIGCONT: one view again within the heal bound', async () => {
    const n2 = cluster.node('n2');
    n2.signal('SIGSTOP');
    await waitFor(() => cluster.allSee('n2', ['dead']), {
      timeoutMs: BOUND_MS,
      message: 'n2 dead everywhere',
    });
    const resumedAt = performance.now();
    n2.signal('SIGCONT');
    const oneView = () => cluster.nodes.every((n) => cluster.allSee(n.id, ['alive']));
    await waitFor(oneView, {
      timeoutMs: BOUND_MS,
      intervalMs: 10,
      message: 'every node alive in every view',
    });
    const elapsed = performance.now() - resumedAt;
    // Typically 10–50 ms even with every core busy: the resumed process reads what queued up
    // while it was stopped (buddy pings, reconnect push-pulls), learns it was declared dead and
    // refutes at once.
    expect(elapsed).toBeLessThanOrEqual(healBoundMs(profileOptions('local')));
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
