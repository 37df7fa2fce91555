// pnpm bench:takeover [--seconds 30] [--kill-at 10] [--out docs/charts]
// The two jobs' combined query rate through a primary SIGKILL, sampled every 250 ms, as a table
// and an SVG chart (docs/charts/takeover.svg). A real cluster of processes: redis-server, two
// coordinators, two workers; a vit-tiny-untrained job and a tiny job.
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterClient, type CoordinatorConnection } from '@idunno/client';
import { startCluster, waitFor, writeSyntheticImages } from '@idunno/testkit';
import { lineChart } from './lib/svg.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    'kill-at': { type: 'string', default: '10' },
    out: { type: 'string', default: 'docs/charts' },
  },
});
const SECONDS = Number(values.seconds);
const KILL_AT = Number(values['kill-at']);

/** The coordinator that leads now (ClusterClient's discovery), waiting up to 30 s for one. */
async function leader(client: ClusterClient): Promise<CoordinatorConnection> {
  const ref = await waitFor(() => client.leader(), {
    timeoutMs: 30_000,
    intervalMs: 100,
    message: 'a leader',
  });
  return ref.connection;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'idunno-takeover-'));
  const cluster = await startCluster({ workers: 2, workerArgs: ['--preload', 'vit-tiny-untrained,tiny'] });
  const client = new ClusterClient(() => cluster.controlAddresses(), { probeTimeoutMs: 500 });
  try {
    const images = await writeSyntheticImages(join(dir, 'img'), 12);
    const list = join(dir, 'list.txt');
    await writeFile(list, Array.from({ length: 20_000 }, (_, i) => images[i % images.length]).join('\n'));
    let conn = await leader(client);
    await conn.addJob({ jobId: 'vit', model: 'vit-tiny-untrained', inputs: [list], batchSize: 8 });
    await conn.addJob({ jobId: 'tiny', model: 'tiny', inputs: [list], batchSize: 16 });
    await conn.startJob('vit');
    await conn.startJob('tiny');
    const samples: { t: number; done: number }[] = [];
    const t0 = performance.now();
    let killedAt = Number.NaN;
    let leaderAgainAt = Number.NaN;
    while (performance.now() - t0 < SECONDS * 1000) {
      const t = (performance.now() - t0) / 1000;
      if (Number.isNaN(killedAt) && t >= KILL_AT) {
        const primary = cluster.coordinators.find((c) => String(c.ready.address) === conn.address)!;
        primary.kill('SIGKILL');
        killedAt = t;
        conn = await leader(client);
        leaderAgainAt = (performance.now() - t0) / 1000;
      }
      const stats = await conn.stats().catch(() => undefined);
      if (stats) samples.push({ t, done: stats.jobs.reduce((a, j) => a + j.done, 0) });
      await new Promise((r) => setTimeout(r, 250));
    }
    // Rate over a 2-s sliding window of done counts.
    const series = samples.map((s) => {
      const past = samples.find((p) => p.t >= s.t - 2) ?? samples[0]!;
      const dt = s.t - past.t;
      return { t: s.t, rate: dt > 0 ? (s.done - past.done) / dt : 0 };
    });
    const before = series.filter((s) => s.t > KILL_AT - 4 && s.t < KILL_AT);
    const baseline = before.reduce((a, s) => a + s.rate, 0) / Math.max(1, before.length);
    const back = series.find((s) => s.t > leaderAgainAt + 2 && s.rate >= 0.9 * baseline);
    const lines = [
      '# Takeover: combined query rate through a primary SIGKILL',
      '',
      `Command: \`pnpm bench:takeover --seconds ${SECONDS} --kill-at ${KILL_AT}\`; ${new Date().toISOString()}; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}.`,
      '',
      `Primary SIGKILLed at ${killedAt.toFixed(2)} s; a coordinator answered as leader at ${leaderAgainAt.toFixed(2)} s (${((leaderAgainAt - killedAt) * 1000).toFixed(0)} ms). Baseline ${baseline.toFixed(1)} q/s; back to ≥ 90 % at ${back ? `${back.t.toFixed(2)} s (${((back.t - killedAt) * 1000).toFixed(0)} ms after the kill)` : 'not within the run'}.`,
      '',
      '![rate through a takeover](charts/takeover.svg)',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    await mkdir(values.out, { recursive: true });
    writeFileSync(
      join(values.out, 'takeover.svg'),
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
    client.close();
    await cluster.stop();
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
