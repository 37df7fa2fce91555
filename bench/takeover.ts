// pnpm bench:takeover [--seconds 30] [--kill-at 10] [--out docs/charts]
// The two jobs' combined query rate through a primary SIGKILL, sampled every 250 ms, as a table
// and an SVG chart (docs/charts/takeover.svg). A real cluster of processes: redis-server, two
// coordinators, two workers; a vit-tiny-untrained job and a tiny job.
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_RETRY_INTERVAL_MS } from '@idunno/client';
import { startCluster, type TestCluster, writeSyntheticImages } from '@idunno/testkit';
import { Control } from './lib/control.js';
import { loadAverages } from './lib/proc.js';
import { lineChart } from './lib/svg.js';

const HELP =
  'usage: pnpm bench:takeover [--seconds 30] [--kill-at 10] [--out docs/charts]\n' +
  '  --seconds: length of the run; --kill-at: when the primary is SIGKILLed (s); --out: folder of takeover.svg\n';

interface TakeoverBenchOptions {
  /** @default 30 */
  seconds: number;
  /** @default 10 */
  killAt: number;
  /** @default docs/charts */
  out: string;
}

/** The options from the command line; undefined after printing the help. */
function parseFlags(args: readonly string[]): TakeoverBenchOptions | undefined {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seconds: { type: 'string', default: '30' },
      'kill-at': { type: 'string', default: '10' },
      out: { type: 'string', default: 'docs/charts' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  return { seconds: Number(values.seconds), killAt: Number(values['kill-at']), out: values.out };
}

async function main(): Promise<void> {
  const opts = parseFlags(process.argv.slice(2));
  if (!opts) return;
  const { seconds, killAt } = opts;
  const dir = await mkdtemp(join(tmpdir(), 'idunno-takeover-'));
  let cluster: TestCluster | undefined;
  const stopAll = () => {
    void (cluster?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  try {
    cluster = await startCluster({ workers: 2, workerArgs: ['--preload', 'vit-tiny-untrained,tiny'] });
    const running = cluster;
    // Probes time out fast: the point is how soon a coordinator answers as leader after the kill.
    const ctl = new Control(running, {
      probeTimeoutMs: 500,
      retryIntervalMs: DEFAULT_RETRY_INTERVAL_MS,
      leaderPollMs: 100,
    });
    try {
      const images = await writeSyntheticImages(join(dir, 'img'), 12);
      const list = join(dir, 'list.txt');
      await writeFile(list, Array.from({ length: 20_000 }, (_, i) => images[i % images.length]).join('\n'));
      let conn = await ctl.leader();
      await conn.addJob({ jobId: 'vit', model: 'vit-tiny-untrained', inputs: [list], batchSize: 8 });
      await conn.addJob({ jobId: 'tiny', model: 'tiny', inputs: [list], batchSize: 16 });
      await conn.startJob('vit');
      await conn.startJob('tiny');
      const samples: { t: number; done: number }[] = [];
      const t0 = performance.now();
      let killedAt = Number.NaN;
      let leaderAgainAt = Number.NaN;
      while (performance.now() - t0 < seconds * 1000) {
        const t = (performance.now() - t0) / 1000;
        if (Number.isNaN(killedAt) && t >= killAt) {
          const primary = running.coordinators.find((c) => String(c.ready.address) === conn.address)!;
          primary.kill('SIGKILL');
          killedAt = t;
          conn = await ctl.leader();
          leaderAgainAt = (performance.now() - t0) / 1000;
        }
        const stats = await conn.stats().catch(() => undefined);
        if (stats) samples.push({ t, done: stats.jobs.reduce((a, j) => a + j.done, 0) });
        await sleep(250);
      }
      // Rate over a 2-s sliding window of done counts.
      const series = samples.map((s) => {
        const past = samples.find((p) => p.t >= s.t - 2) ?? samples[0]!;
        const dt = s.t - past.t;
        return { t: s.t, rate: dt > 0 ? (s.done - past.done) / dt : 0 };
      });
      const before = series.filter((s) => s.t > killAt - 4 && s.t < killAt);
      const baseline = before.reduce((a, s) => a + s.rate, 0) / Math.max(1, before.length);
      const back = series.find((s) => s.t > leaderAgainAt + 2 && s.rate >= 0.9 * baseline);
      const lines = [
        '# Takeover: combined query rate through a primary SIGKILL',
        '',
        `Command: \`pnpm bench:takeover --seconds ${seconds} --kill-at ${killAt}\`; ${new Date().toISOString()}; load ${loadAverages().join(' ')}.`,
        '',
        `Primary SIGKILLed at ${killedAt.toFixed(2)} s; a coordinator answered as leader at ${leaderAgainAt.toFixed(2)} s (${((leaderAgainAt - killedAt) * 1000).toFixed(0)} ms). Baseline ${baseline.toFixed(1)} q/s; back to ≥ 90 % at ${back ? `${back.t.toFixed(2)} s (${((back.t - killedAt) * 1000).toFixed(0)} ms after the kill)` : 'not within the run'}.`,
        '',
        '![rate through a takeover](charts/takeover.svg)',
        '',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      await mkdir(opts.out, { recursive: true });
      writeFileSync(
        join(opts.out, 'takeover.svg'),
        lineChart({
          title: 'combined query rate (2-s window) through a primary SIGKILL',
          xLabel: 's',
          yLabel: 'q/s',
          series: [{ name: 'both jobs', points: series.map((s) => [s.t, s.rate]) }],
          markers: [
            { x: killedAt, label: 'SIGKILL primary' },
            { x: leaderAgainAt, label: 'new leader' },
          ],
        }),
      );
    } finally {
      ctl.close();
    }
  } finally {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:takeover: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
