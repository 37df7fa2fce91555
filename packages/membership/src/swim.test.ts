import { describe, expect, it } from 'vitest';
import { Simulation } from './sim.js';
import type { MembershipEvent } from './types.js';

/** n nodes joining through n0, converged. */
function cluster(n: number, seed = 1, profile: 'lan' | 'local' = 'lan'): Simulation {
  const sim = new Simulation({ seed, profile });
  sim.addNode('n0');
  for (let i = 1; i < n; i++) sim.addNode(`n${i}`, ['n0']);
  expect(sim.runUntil(() => sim.converged(), 30_000, 50)).toBeDefined();
  return sim;
}

function recordDeaths(sim: Simulation): MembershipEvent[] {
  const deaths: MembershipEvent[] = [];
  for (const node of sim.nodes.values()) node.swim.on('dead', (e) => deaths.push(e));
  return deaths;
}

describe('swim (simulated)', () => {
  it('100 nodes joining through one seed converge to one view', () => {
    const sim = cluster(100, 2);
    expect(sim.live()).toHaveLength(100);
    for (const node of sim.live()) expect(node.swim.members()).toHaveLength(100);
  });

  it('a crashed node is declared dead by every other node', () => {
    const sim = cluster(20, 3);
    sim.runFor(2000);
    sim.crash('n7');
    const elapsed = sim.runUntil(() => sim.allSee('n7', ['dead']), 20_000);
    expect(elapsed).toBeDefined();
    expect(elapsed).toBeLessThan(4000);
    // Nobody else was harmed.
    for (const node of sim.live()) expect(sim.allSee(node.id, ['alive'])).toBe(true);
  });

  it('a node paused for less than the suspicion timeout refutes and stays alive', () => {
    const sim = cluster(10, 4);
    const deaths = recordDeaths(sim);
    const before = sim.node('n3').swim.incarnation;
    sim.pause('n3');
    // Long enough to be suspected (several probe intervals), shorter than the suspicion timeout.
    sim.runFor(500);
    sim.resume('n3');
    sim.runFor(5000);
    expect(deaths).toEqual([]);
    expect(sim.allSee('n3', ['alive'])).toBe(true);
    expect(sim.node('n3').swim.incarnation).toBeGreaterThanOrEqual(before);
    expect(sim.converged()).toBe(true);
  });

  it('a node paused past the timeout is declared dead, then rejoins with a higher incarnation', () => {
    const sim = cluster(10, 5);
    const before = sim.node('n4').swim.incarnation;
    sim.pause('n4');
    expect(sim.runUntil(() => sim.allSee('n4', ['dead']), 20_000)).toBeDefined();
    sim.resume('n4');
    expect(sim.runUntil(() => sim.converged(), 20_000)).toBeDefined();
    expect(sim.node('n0').swim.member('n4')?.incarnation).toBeGreaterThan(before);
    expect(sim.node('n4').swim.snapshotCounters().refutes).toBeGreaterThan(0);
  });

  it('a partition into two halves heals into one view after it ends', () => {
    const sim = cluster(10, 6, 'local');
    const a = ['n0', 'n1', 'n2', 'n3', 'n4'];
    const b = ['n5', 'n6', 'n7', 'n8', 'n9'];
    sim.partition(a, b);
    expect(
      sim.runUntil(
        () =>
          b.every((id) =>
            sim.allSee(
              id,
              ['dead'],
              a.map((x) => sim.node(x)),
            ),
          ),
        30_000,
      ),
    ).toBeDefined();
    expect(
      sim.runUntil(
        () =>
          a.every((id) =>
            sim.allSee(
              id,
              ['dead'],
              b.map((x) => sim.node(x)),
            ),
          ),
        30_000,
      ),
    ).toBeDefined();
    sim.heal();
    expect(sim.runUntil(() => sim.converged(), 60_000, 50)).toBeDefined();
  });

  it('a joining node becomes known to all, through any member as seed', () => {
    const sim = cluster(30, 7);
    const joined: string[] = [];
    for (const node of sim.nodes.values())
      node.swim.on('joined', (e) => joined.push(`${node.id}:${e.member.id}`));
    sim.addNode('late', ['n17']);
    expect(sim.runUntil(() => sim.converged(), 10_000)).toBeDefined();
    expect(joined.filter((j) => j.endsWith(':late'))).toHaveLength(30);
  });

  it('a graceful leave is seen as left, not dead', () => {
    const sim = cluster(20, 8);
    const deaths = recordDeaths(sim);
    sim.node('n5').swim.leave();
    sim.runFor(sim.options.leaveTimeoutMs);
    sim.node('n5').swim.stop();
    expect(sim.runUntil(() => sim.allSee('n5', ['left']), 10_000)).toBeDefined();
    sim.runFor(10_000);
    expect(deaths).toEqual([]);
    expect(sim.allSee('n5', ['left'])).toBe(true);
  });

  it('metadata updates spread like state changes', () => {
    const sim = cluster(20, 9);
    const updates: string[] = [];
    for (const node of sim.nodes.values()) node.swim.on('updated', (e) => updates.push(e.member.id));
    sim.node('n2').swim.updateMeta({ models: ['vit-tiny', 'resnet-50'], labels: { gpu: 'none' } });
    const seesIt = () =>
      sim.live().every((o) => o.swim.member('n2')?.meta.models.join() === 'vit-tiny,resnet-50');
    expect(sim.runUntil(seesIt, 5000)).toBeDefined();
    expect(updates).toHaveLength(19);
    expect(sim.node('n9').swim.member('n2')?.meta.labels).toEqual({ gpu: 'none' });
  });
});
