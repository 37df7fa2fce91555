import { describe, expect, it } from 'vitest';
import { Simulation } from './sim.js';

const HOUR_MS = 3_600_000;

// A simulated hour of the lan profile under uniform packet loss; packets are passed as objects
// (no protobuf) to keep the run to seconds. 10 nodes: every node is suspected hundreds of times.
describe.each([0.1, 0.2])('under %s packet loss', (loss) => {
  it('no node is falsely declared dead over a simulated hour', () => {
    const sim = new Simulation({ seed: 11, loss, wire: 'objects' });
    sim.addNode('n0');
    for (let i = 1; i < 10; i++) sim.addNode(`n${i}`, ['n0']);
    expect(sim.runUntil(() => sim.converged(), 30_000, 50)).toBeDefined();
    const deaths: string[] = [];
    let suspicions = 0;
    for (const node of sim.nodes.values()) {
      node.swim.on('dead', (e) => deaths.push(`${sim.clock.now()} ${node.id} declared ${e.member.id} dead`));
      node.swim.on('suspect', () => suspicions++);
    }
    sim.runFor(HOUR_MS);
    expect(deaths).toEqual([]);
    // The test is meaningful only if loss did cause suspicions that had to be refuted.
    expect(suspicions).toBeGreaterThan(100);
  });
});
