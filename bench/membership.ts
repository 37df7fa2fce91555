// pnpm bench:membership [--real-nodes 10] [--real-trials 5] [--soak-minutes 1] [--soak-nodes 10] [--sim-trials 20] [--heal-seeds 10]
// Prints a markdown table for docs/BENCHMARKS.md. Profile: lan (the defaults).
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { healBoundMs, Simulation } from '@idunno/membership';
import { MembershipCluster, waitFor } from '@idunno/testkit';
import { markdownTable } from './lib/markdown.js';
import { quantile } from './lib/stats.js';

const HELP =
  'usage: pnpm bench:membership [--real-nodes 10] [--real-trials 5] [--soak-minutes 1] [--soak-nodes 10] [--sim-trials 20] [--heal-seeds 10]\n' +
  '  --real-nodes/--real-trials: SIGSTOP detection over real UDP processes on this machine\n' +
  '  --soak-*: false deaths while busy loops saturate every core\n' +
  '  --sim-trials: silent failures per simulated cluster (n=10 and n=50)\n' +
  '  --heal-seeds: simulated clusters (n=10 and n=50) split in two halves, then healed\n';

interface MembershipBenchOptions {
  /** @default 10 */
  realNodes: number;
  /** @default 5 */
  realTrials: number;
  /** @default 1 */
  soakMinutes: number;
  /** @default 10 */
  soakNodes: number;
  /** @default 20 */
  simTrials: number;
  /** @default 10 */
  healSeeds: number;
}

/** The options from the command line; undefined after printing the help. */
function parseFlags(args: readonly string[]): MembershipBenchOptions | undefined {
  const { values } = parseArgs({
    args: [...args],
    options: {
      'real-nodes': { type: 'string', default: '10' },
      'real-trials': { type: 'string', default: '5' },
      'soak-minutes': { type: 'string', default: '1' },
      'soak-nodes': { type: 'string', default: '10' },
      'sim-trials': { type: 'string', default: '20' },
      'heal-seeds': { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  return {
    realNodes: Number(values['real-nodes']),
    realTrials: Number(values['real-trials']),
    soakMinutes: Number(values['soak-minutes']),
    soakNodes: Number(values['soak-nodes']),
    simTrials: Number(values['sim-trials']),
    healSeeds: Number(values['heal-seeds']),
  };
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** What this bench started, for the signal handler to stop. */
interface Started {
  clusters: Set<MembershipCluster>;
  spinners: Set<ChildProcess>;
}

function simCluster(n: number, seed: number): Simulation {
  const sim = new Simulation({ seed });
  sim.addNode('n0');
  for (let i = 1; i < n; i++) sim.addNode(`n${i}`, ['n0']);
  if (sim.runUntil(() => sim.converged(), 60_000, 50) === undefined)
    throw new Error(`${n} nodes did not converge`);
  return sim;
}

function simDetection(n: number, trials: number): string[] {
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
  return [
    `silent failure → dead everywhere, simulated, n=${n}`,
    sec(quantile(times, 0.5)),
    sec(quantile(times, 0.99)),
    `${trials} trials`,
  ];
}

function simTraffic(n: number): string[] {
  const sim = simCluster(n, 100 + n);
  sim.runFor(10_000);
  const m0 = sim.messages;
  const b0 = sim.bytes;
  const seconds = 120;
  sim.runFor(seconds * 1000);
  const msgs = (sim.messages - m0) / n / seconds;
  const bytes = (sim.bytes - b0) / n / seconds;
  return [
    `steady-state traffic per node, simulated, n=${n}`,
    `${msgs.toFixed(1)} msg/s`,
    `${(bytes / 1024).toFixed(2)} KiB/s`,
    `sent; ${seconds} s window, push-pull included`,
  ];
}

/**
 * Two halves (even and odd ids) split until each holds the other dead, apart 1–3 s longer, then
 * healed: time until every node sees every node alive. One fresh cluster per seed.
 */
function simHeal(n: number, seeds: number): string[] {
  const times: number[] = [];
  let bound = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const sim = simCluster(n, 1000 * n + seed);
    bound = healBoundMs(sim.options);
    sim.runFor(2000 + sim.random() * 3000);
    const ids = [...Array(n).keys()].map((i) => `n${i}`);
    const halves = [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)] as const;
    sim.partition(...halves);
    const holdsDead = (observers: string[], members: string[]) =>
      members.every((id) =>
        sim.allSee(
          id,
          ['dead'],
          observers.map((o) => sim.node(o)),
        ),
      );
    const [a, b] = halves;
    if (sim.runUntil(() => holdsDead(a, b) && holdsDead(b, a), 60_000, 10) === undefined)
      throw new Error(`the halves of ${n} nodes never held each other dead`);
    sim.runFor(1000 + sim.random() * 2000);
    sim.heal();
    const elapsed = sim.runUntil(() => sim.converged(), 60_000, 10);
    if (elapsed === undefined) throw new Error(`${n} nodes did not merge within 60 s of the heal`);
    times.push(elapsed);
  }
  const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
  return [
    `partition heal → one view (mean / max), simulated, n=${n}`,
    sec(mean),
    sec(Math.max(...times)),
    `two halves, each held the other dead; ${times.length} seeds; bound ${sec(bound)}`,
  ];
}

async function realDetection(started: Started, n: number, trials: number): Promise<string[]> {
  const cluster = new MembershipCluster({ profile: 'lan', prefix: 'r' });
  started.clusters.add(cluster);
  try {
    await cluster.start(n);
    const times: number[] = [];
    for (let t = 0; t < trials; t++) {
      const victim = cluster.nodes[1 + (t % (n - 1))];
      if (!victim) break;
      await sleep(500 + Math.random() * 1000);
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
      await sleep(2000);
    }
    return [
      `SIGSTOP → dead everywhere, real UDP processes, n=${n}`,
      sec(quantile(times, 0.5)),
      sec(quantile(times, 0.99)),
      `${times.length} trials, loopback`,
    ];
  } finally {
    await cluster.close();
    started.clusters.delete(cluster);
  }
}

async function soak(started: Started, n: number, minutes: number): Promise<string[]> {
  const cluster = new MembershipCluster({ profile: 'lan', prefix: 's' });
  started.clusters.add(cluster);
  try {
    await cluster.start(n);
    const cores = availableParallelism();
    for (let i = 0; i < cores * 2; i++) {
      started.spinners.add(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
    }
    const since = cluster.nodes.map((x) => x.lines.length);
    await sleep(minutes * 60_000);
    let deaths = 0;
    let suspicions = 0;
    cluster.nodes.forEach((x, i) => {
      for (const l of x.lines.slice(since[i])) {
        if (l.event === 'dead') deaths++;
        if (l.event === 'suspect') suspicions++;
      }
    });
    return [
      `false deaths, ${n} processes, ${cores * 2} busy-loop processes on ${cores} cores, ${minutes} min`,
      String(deaths),
      '',
      `${suspicions} suspect events (refuted)`,
    ];
  } finally {
    for (const s of started.spinners) s.kill('SIGKILL');
    started.spinners.clear();
    await cluster.close();
    started.clusters.delete(cluster);
  }
}

async function main(): Promise<void> {
  const opts = parseFlags(process.argv.slice(2));
  if (!opts) return;
  const started: Started = { clusters: new Set(), spinners: new Set() };
  const stopAll = () => {
    for (const s of started.spinners) s.kill('SIGKILL');
    void Promise.all([...started.clusters].map((c) => c.close())).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  const rows: string[][] = [];
  log('simulated detection…');
  rows.push(simDetection(10, opts.simTrials));
  rows.push(simDetection(50, opts.simTrials));
  log('simulated traffic…');
  for (const n of [10, 50, 200]) rows.push(simTraffic(n));
  log('simulated partition heal…');
  for (const n of [10, 50]) rows.push(simHeal(n, opts.healSeeds));
  log('real UDP detection…');
  rows.push(await realDetection(started, opts.realNodes, opts.realTrials));
  log('soak…');
  rows.push(await soak(started, opts.soakNodes, opts.soakMinutes));
  for (const line of markdownTable(['measurement', 'median / value', 'p99 / bytes', 'notes'], rows))
    process.stdout.write(`${line}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench:membership failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
