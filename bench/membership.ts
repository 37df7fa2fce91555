// pnpm bench:membership [--real-nodes 10] [--real-trials 5] [--soak-minutes 1] [--soak-nodes 10]
// Prints a markdown table for docs/BENCHMARKS.md. Profile: lan (the defaults).
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Simulation } from '@idunno/membership';
import { MembershipCluster, waitFor } from '@idunno/testkit';

const { values } = parseArgs({
  options: {
    'real-nodes': { type: 'string', default: '10' },
    'real-trials': { type: 'string', default: '5' },
    'soak-minutes': { type: 'string', default: '1' },
    'soak-nodes': { type: 'string', default: '10' },
    'sim-trials': { type: 'string', default: '20' },
  },
});

const rows: string[][] = [];
const log = (msg: string) => process.stderr.write(`${msg}\n`);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function simCluster(n: number, seed: number): Simulation {
  const sim = new Simulation({ seed });
  sim.addNode('n0');
  for (let i = 1; i < n; i++) sim.addNode(`n${i}`, ['n0']);
  if (sim.runUntil(() => sim.converged(), 60_000, 50) === undefined)
    throw new Error(`${n} nodes did not converge`);
  return sim;
}

function simDetection(n: number, trials: number): void {
  const sim = simCluster(n, n);
  sim.runFor(5000);
  const times: number[] = [];
  for (let t = 0; t < trials; t++) {
    const victim = `n${1 + (t % (n - 1))}`;
    sim.runFor(sim.random() * 1000);
    sim.pause(victim);
    const others = sim.live().filter((x) => x.id !== victim);
    const elapsed = sim.runUntil(() => sim.allSee(victim, ['dead'], others), 30_000, 5);
    if (elapsed === undefined) throw new Error(`${victim} never declared dead`);
    times.push(elapsed);
    sim.resume(victim);
    sim.runUntil(() => sim.converged(), 60_000, 50);
    sim.runFor(3000);
  }
  rows.push([
    `silent failure → dead everywhere, simulated, n=${n}`,
    sec(quantile(times, 0.5)),
    sec(quantile(times, 0.99)),
    `${trials} trials`,
  ]);
}

function simTraffic(n: number): void {
  const sim = simCluster(n, 100 + n);
  sim.runFor(10_000);
  const m0 = sim.messages;
  const b0 = sim.bytes;
  const seconds = 120;
  sim.runFor(seconds * 1000);
  const msgs = (sim.messages - m0) / n / seconds;
  const bytes = (sim.bytes - b0) / n / seconds;
  rows.push([
    `steady-state traffic per node, simulated, n=${n}`,
    `${msgs.toFixed(1)} msg/s`,
    `${(bytes / 1024).toFixed(2)} KiB/s`,
    `sent; ${seconds} s window, push-pull included`,
  ]);
}

async function realDetection(n: number, trials: number): Promise<void> {
  const cluster = new MembershipCluster({ profile: 'lan', prefix: 'r' });
  try {
    await cluster.start(n);
    const times: number[] = [];
    for (let t = 0; t < trials; t++) {
      const victim = cluster.nodes[1 + (t % (n - 1))];
      if (!victim) break;
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 1000));
      victim.signal('SIGSTOP');
      const stoppedAt = performance.now();
      await waitFor(() => cluster.allSee(victim.id, ['dead']), {
        timeoutMs: 30_000,
        intervalMs: 20,
        message: `${victim.id} dead`,
      });
      times.push(performance.now() - stoppedAt);
      victim.signal('SIGCONT');
      await waitFor(() => cluster.allSee(victim.id, ['alive']), {
        timeoutMs: 30_000,
        intervalMs: 20,
        message: `${victim.id} back`,
      });
      await new Promise((r) => setTimeout(r, 2000));
    }
    rows.push([
      `SIGSTOP → dead everywhere, real UDP processes, n=${n}`,
      sec(quantile(times, 0.5)),
      sec(quantile(times, 0.99)),
      `${times.length} trials, loopback`,
    ]);
  } finally {
    await cluster.close();
  }
}

async function soak(n: number, minutes: number): Promise<void> {
  const spinners: ChildProcess[] = [];
  const cluster = new MembershipCluster({ profile: 'lan', prefix: 's' });
  try {
    await cluster.start(n);
    const cores = availableParallelism();
    for (let i = 0; i < cores * 2; i++) {
      spinners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
    }
    const since = cluster.nodes.map((x) => x.lines.length);
    await new Promise((r) => setTimeout(r, minutes * 60_000));
    let deaths = 0;
    let suspicions = 0;
    cluster.nodes.forEach((x, i) => {
      for (const l of x.lines.slice(since[i])) {
        if (l.event === 'dead') deaths++;
        if (l.event === 'suspect') suspicions++;
      }
    });
    rows.push([
      `false deaths, ${n} processes, ${cores * 2} busy-loop processes on ${cores} cores, ${minutes} min`,
      String(deaths),
      '',
      `${suspicions} suspect events (refuted)`,
    ]);
  } finally {
    for (const s of spinners) s.kill('SIGKILL');
    await cluster.close();
  }
}

const simTrials = Number(values['sim-trials']);
log('simulated detection…');
simDetection(10, simTrials);
simDetection(50, simTrials);
log('simulated traffic…');
for (const n of [10, 50, 200]) simTraffic(n);
log('real UDP detection…');
await realDetection(Number(values['real-nodes']), Number(values['real-trials']));
log('soak…');
await soak(Number(values['soak-nodes']), Number(values['soak-minutes']));

console.log('| measurement | median / value | p99 / bytes | notes |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
