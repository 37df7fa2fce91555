import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_BIN, ProcessCluster, waitFor } from './harness.js';

// Real processes on 127.0.0.1 running dist/bin/node.js (build first: npx tsc -b packages/membership).
// Generous bounds: the machine running the suite may be busy; the assertions wait on events.
const N = 11;
const BOUND_MS = 20_000;

describe(`a cluster of ${N} node processes over UDP`, () => {
  const cluster = new ProcessCluster({ profile: 'local', clusterKey: 'test-key' });

  beforeAll(async () => {
    if (!existsSync(NODE_BIN))
      throw new Error(`${NODE_BIN} is missing: run npx tsc -b packages/membership first`);
    await cluster.start(N);
  }, 60_000);

  afterAll(async () => {
    await cluster.close();
  });

  it('SIGSTOP one node: all others declare it dead', async () => {
    cluster.node('n3').signal('SIGSTOP');
    await waitFor(
      () => cluster.allSee('n3', ['dead']),
      BOUND_MS,
      () => 'n3 dead everywhere',
    );
  });

  it('SIGCONT: it rejoins alive with a higher incarnation', async () => {
    const deadAt = cluster.node('n0').view.get('n3')?.incarnation ?? 0;
    cluster.node('n3').signal('SIGCONT');
    await waitFor(
      () => cluster.allSee('n3', ['alive']),
      BOUND_MS,
      () => 'n3 alive again everywhere',
    );
    for (const node of cluster.nodes.filter((n) => n.id !== 'n3')) {
      expect(node.view.get('n3')?.incarnation).toBeGreaterThan(deadAt);
    }
  });

  it('SIGKILL one node: all others declare it dead', async () => {
    cluster.node('n5').signal('SIGKILL');
    await waitFor(
      () => cluster.allSee('n5', ['dead']),
      BOUND_MS,
      () => 'n5 dead everywhere',
    );
  });

  it('graceful leave (SIGTERM): all others see it left, not dead', async () => {
    const n7 = cluster.node('n7');
    n7.signal('SIGTERM');
    await waitFor(
      () => cluster.allSee('n7', ['left']),
      BOUND_MS,
      () => 'n7 left everywhere',
    );
    await waitFor(
      () => n7.exited,
      BOUND_MS,
      () => 'n7 to exit',
    );
    expect(n7.child.exitCode).toBe(0);
    const sawDead = cluster.nodes.filter((n) => n.lines.some((l) => l.member === 'n7' && l.event === 'dead'));
    expect(sawDead.map((n) => n.id)).toEqual([]);
  });
});
