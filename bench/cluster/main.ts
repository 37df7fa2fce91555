// pnpm bench:cluster [--quick] [--sections 1,2,3,4,5] [--configs 2x1x1,1x1x2] [--dispatch-queries n]
//                    [--dispatch-batches 64,256] [--fair-seconds n] [--cpu-prof dir]
// A real local cluster (redis-server, a coordinator pair, workers as child processes) on this
// machine, measured against a `Classifier` in this process on the same cores:
//   1. throughput on a ViT-Tiny job of real photos vs in-process, per worker configuration;
//   2. added latency per query at light load (one batch-1 job, one task in flight, vs the same
//      images one at a time in a process with the workers' glibc settings);
//   3. dispatch capacity with the near-free `tiny` model, with CPU seconds per process;
//   4. time from the second job's start-job to its first result;
//   5. fair-time: both jobs' 10-s-window rates, sampled every second, after the second starts.
// Markdown on stdout (for docs/BENCHMARKS.md), progress on stderr. The cluster is always stopped.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ClusterClient, type CoordinatorConnection } from '@idunno/client';
import { Classifier } from '@idunno/inference';
import {
  gradientPng,
  modelMirror,
  sharedImages,
  startCluster,
  type TestCluster,
  WORKER_MALLOC_ENV,
  waitFor,
  writeSyntheticImages,
} from '@idunno/testkit';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sections: { type: 'string', default: '1,2,3,4,5' },
    configs: { type: 'string' },
    'throughput-queries': { type: 'string' },
    'latency-samples': { type: 'string' },
    'latency-intra-op': { type: 'string' },
    'dispatch-queries': { type: 'string' },
    'dispatch-batches': { type: 'string' },
    'dispatch-inputs': { type: 'string' },
    'fair-seconds': { type: 'string' },
    'fair-batch': { type: 'string' },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(
    'usage: pnpm bench:cluster [--quick] [--sections 1,2,3,4,5] [--configs 2x1x1,1x1x2]\n' +
      '         [--throughput-queries n] [--latency-samples n] [--latency-intra-op n] [--dispatch-queries n]\n' +
      '         [--dispatch-batches 64,256] [--dispatch-inputs synthetic,png] [--fair-seconds n]\n' +
      '         [--fair-batch n] [--cpu-prof dir]\n' +
      '  --fair-batch: batch size of both jobs in sections 4 and 5 (default 4)\n' +
      "  --latency-intra-op: intra-op threads of section 2's worker and in-process baseline (default 2)\n" +
      '  --dispatch-inputs: synthetic:// inputs (no decode: the control plane alone) and/or 32×32 PNGs\n' +
      '  --configs: workers × threads × intra-op threads per worker, comma separated\n' +
      '  --cpu-prof: run section 3 with NODE_OPTIONS=--cpu-prof, profiles written to dir\n',
  );
  process.exit(0);
}

const QUICK = values.quick;
const SECTIONS = new Set(values.sections.split(',').map(Number));
const CONFIGS = (values.configs ?? (QUICK ? '2x1x1' : '2x1x1,1x1x2')).split(',').map((c) => {
  const [w, t, i] = c.split('x').map(Number);
  for (const v of [w, t, i])
    if (!Number.isInteger(v) || v! < 1)
      throw new Error(`--configs entries look like 2x1x1 (workers × threads × intra-op), got "${c}"`);
  return { workers: w!, threads: t!, intra: i! };
});
const THROUGHPUT_QUERIES = positive(
  'throughput-queries',
  values['throughput-queries'] ?? (QUICK ? 480 : 960),
);
// Section 2's worker and in-process baseline: 1 session thread × this many intra-op threads.
const LATENCY_INTRA_OP = positive('latency-intra-op', values['latency-intra-op'] ?? 2);
const LATENCY_SAMPLES = positive('latency-samples', values['latency-samples'] ?? (QUICK ? 10 : 40));
const DISPATCH_QUERIES = positive('dispatch-queries', values['dispatch-queries'] ?? 40_000);
const DISPATCH_BATCHES = (values['dispatch-batches'] ?? (QUICK ? '1024' : '256,1024'))
  .split(',')
  .map((b) => positive('dispatch-batches', b));
const DISPATCH_INPUTS = (values['dispatch-inputs'] ?? (QUICK ? 'synthetic' : 'synthetic,png'))
  .split(',')
  .map((k) => {
    if (k !== 'synthetic' && k !== 'png')
      throw new Error(`--dispatch-inputs entries are synthetic or png, got "${k}"`);
    return k;
  });
// Batch 4: at ~16 q/s per job one batch of 8 is 5 % of a 10-s window, the size of the target itself.
const FAIR_BATCH = positive('fair-batch', values['fair-batch'] ?? 4);
const FAIR_SECONDS = positive('fair-seconds', values['fair-seconds'] ?? (QUICK ? 40 : 60));
/** Where the fair-time series counts as steady state. */
const STEADY_FROM_S = FAIR_SECONDS >= 50 ? 30 : 20;
const CPU_PROF = values['cpu-prof'];

function positive(name: string, v: string | number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
}

const log = (msg: string) =>
  process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const out = (line = '') => process.stdout.write(`${line}\n`);
const load1 = () => loadavg()[0]!.toFixed(2);
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function table(header: string[], rows: string[][]): void {
  out(`| ${header.join(' | ')} |`);
  out(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) out(`| ${r.join(' | ')} |`);
  out();
}

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

const TICK_S = 0.01; // USER_HZ on Linux
function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_S; // utime, stime
  } catch {
    return Number.NaN;
  }
}

// ---- the cluster under test -------------------------------------------------------------------

const mirror = modelMirror().dir;
const images = sharedImages().dir;
const VIT = mirror !== undefined ? 'vit-tiny' : 'vit-tiny-untrained';
const mirrorEnv: NodeJS.ProcessEnv = mirror !== undefined ? { IDUNNO_MODEL_MIRROR: mirror } : {};

let current: TestCluster | undefined;
/** Each section's headline numbers against the issue's targets, printed again at the end. */
const summary: string[][] = [];
function headline(measure: string, value: string, target: string, met: boolean): void {
  summary.push([measure, value, target, met ? 'met' : 'not met']);
}

/**
 * The cluster's control API through whichever coordinator leads now. On a loaded machine the
 * lease can move between the pair mid-run; a call refused by a standby (FAILED_PRECONDITION) or
 * an unreachable coordinator is retried on the new leader, and takeovers are counted.
 */
class Control {
  private readonly client: ClusterClient;
  private leaderAddress = '';
  constructor(readonly cluster: TestCluster) {
    this.client = new ClusterClient(() => cluster.controlAddresses(), {
      probeTimeoutMs: 1_000,
      retryIntervalMs: 100,
    });
  }

  async leader(): Promise<CoordinatorConnection> {
    const ref = await waitFor(() => this.client.leader(), {
      timeoutMs: 30_000,
      intervalMs: 50,
      message: 'a coordinator that leads',
    });
    this.leaderAddress = ref.connection.address;
    return ref.connection;
  }

  /** A call on the leader, retried on the new one after a takeover (ClusterClient's policy). */
  async call<T>(fn: (c: CoordinatorConnection) => Promise<T>): Promise<T> {
    return this.client.change(async (c) => {
      this.leaderAddress = c.address;
      return fn(c);
    });
  }

  /** Times a coordinator became primary after the first one did. */
  takeovers(): number {
    const n = this.cluster.coordinators
      .flatMap((c) => c.events)
      .filter((e) => e.event === 'role' && e.role === 'primary').length;
    return Math.max(0, n - 1);
  }

  leaderPid(): number {
    return this.cluster.coordinators.find((c) => String(c.ready.address) === this.leaderAddress)?.pid ?? -1;
  }

  close(): void {
    this.client.close();
  }
}

async function withCluster<T>(
  options: { workers: number; workerArgs: string[]; coordinatorArgs?: string[]; env?: NodeJS.ProcessEnv },
  fn: (ctl: Control) => Promise<T>,
): Promise<T> {
  log(`starting a cluster: 2 coordinators, ${options.workers} worker(s) ${options.workerArgs.join(' ')}`);
  const cluster = await startCluster({
    workers: options.workers,
    coordinators: 2,
    // The default (production) timings: 'local' gossips 2–4× as often, which costs CPU the
    // workers would use.
    profile: 'lan',
    workerArgs: options.workerArgs,
    coordinatorArgs: options.coordinatorArgs ?? [],
    env: { ...mirrorEnv, ...options.env },
  });
  current = cluster;
  const ctl = new Control(cluster);
  try {
    // Every worker must be known to the leader before a job starts, or the first seconds measure
    // membership instead of dispatch.
    await waitFor(
      async () => {
        const m = await ctl.call((c) => c.members());
        const alive = m.members.filter((x) => x.role === 'worker' && x.state === 'alive').length;
        return alive >= options.workers ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, message: 'every worker alive in the leader’s view' },
    );
    return await fn(ctl);
  } finally {
    ctl.close();
    await cluster.stop();
    current = undefined;
  }
}

let listSeq = 0;
async function listFile(dir: string, files: readonly string[], total: number): Promise<string> {
  const path = join(dir, `list-${++listSeq}.txt`);
  const lines = Array.from({ length: total }, (_, i) => files[i % files.length]!);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

type JobStats = Awaited<ReturnType<CoordinatorConnection['stats']>>['jobs'][number];
async function jobStats(ctl: Control, jobId: string): Promise<JobStats> {
  const s = await ctl.call((c) => c.stats(jobId));
  const j = s.jobs.find((x) => x.job?.jobId === jobId);
  if (!j) throw new Error(`no stats for job ${jobId}`);
  return j;
}

/**
 * Runs a job to completion; returns seconds from start-job's return to completion. Without
 * `onSample` the end is the leader's own `job-completed` line on stdout (its wall-clock `at`), so
 * no stats polling loads the leader during the measurement; with it, stats are polled every
 * `pollMs` and the end is the first poll that sees the job completed.
 */
async function runJob(
  ctl: Control,
  req: { jobId: string; model: string; inputs: string[]; batchSize: number },
  pollMs = 50,
  onSample?: (s: JobStats, elapsedS: number) => void,
): Promise<{ seconds: number; total: number }> {
  const info = await ctl.call((c) => c.addJob({ ...req, topK: 5 }));
  const completed = (e: Record<string, unknown>) => e.event === 'job-completed' && e.jobId === req.jobId;
  const done = onSample
    ? undefined
    : Promise.race(ctl.cluster.coordinators.map((c) => c.waitEvent(completed, 1_800_000)));
  done?.catch(() => {}); // a coordinator killed meanwhile; the race still settles on the leader's
  await ctl.call((c) => c.startJob(req.jobId));
  const wall0 = Date.now();
  const t0 = performance.now();
  if (done) {
    const e = await done;
    return { seconds: (Number(e.at) - wall0) / 1000, total: Number(info.totalQueries) };
  }
  for (;;) {
    const s = await jobStats(ctl, req.jobId);
    const elapsed = (performance.now() - t0) / 1000;
    onSample?.(s, elapsed);
    if (s.job?.state === 'completed') return { seconds: elapsed, total: Number(info.totalQueries) };
    if (elapsed > 1800) throw new Error(`job ${req.jobId} did not complete in 30 min`);
    await sleep(pollMs);
  }
}

async function photoPaths(tmp: string): Promise<{ paths: string[]; real: boolean }> {
  if (mirror !== undefined && images !== undefined) {
    const paths = readdirSync(images)
      .filter((f) => /\.(jpe?g|png)$/.test(f))
      .sort()
      .map((f) => join(images, f));
    return { paths, real: true };
  }
  return { paths: await writeSyntheticImages(join(tmp, 'photos'), 12), real: false };
}

async function tinyFiles(tmp: string): Promise<string[]> {
  const dir = join(tmp, 'tiny');
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < 4; i++) {
    const p = join(dir, `tiny-${i}.png`);
    await writeFile(p, gradientPng(32, 32, i));
    files.push(p);
  }
  return files;
}

// ---- 1. throughput ----------------------------------------------------------------------------

interface ThroughputRow {
  name: string;
  imagesPerS: number;
  load: string;
  note: string;
}

/** A Classifier kept loaded in this process; `run(n)` classifies n photos, batches of 8. */
async function inProcess(paths: string[], threads: number, intra: number) {
  const classifier = new Classifier({
    pool: { threads, intraOpThreads: intra },
    maxRunBatch: 8,
    ...(mirror !== undefined ? { mirror } : {}),
  });
  await classifier.load(VIT);
  // Lanes of batches of 8, two per inference thread (as the coordinator keeps two tasks in
  // flight per worker), so preprocessing overlaps inference.
  const run = async (total: number) => {
    let next = 0;
    const lane = async () => {
      for (;;) {
        const start = next;
        if (start >= total) return;
        next += 8;
        const qs = Array.from({ length: Math.min(8, total - start) }, (_, i) => ({
          id: String(start + i),
          uri: paths[(start + i) % paths.length]!,
        }));
        const outcomes = await classifier.classify(VIT, qs, 5);
        const bad = outcomes.find((o) => o.error);
        if (bad) throw new Error(`in-process query failed: ${bad.error!.code} ${bad.error!.message}`);
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: threads * 2 }, lane));
    return (performance.now() - t0) / 1000;
  };
  await run(QUICK ? 16 : 32); // warm-up
  const name = `in-process Classifier ${threads}×${intra}`;
  return {
    name,
    measure: async (): Promise<ThroughputRow> => {
      const s = await run(THROUGHPUT_QUERIES);
      const row = { name, imagesPerS: THROUGHPUT_QUERIES / s, load: load1(), note: '' };
      log(`${name}: ${f1(row.imagesPerS)} img/s (load ${row.load})`);
      return row;
    },
    close: () => classifier.pool.close(),
  };
}

async function sectionThroughput(tmp: string): Promise<void> {
  const { paths, real } = await photoPaths(tmp);
  const rows: ThroughputRow[] = [];
  const ratios: { name: string; ratio: number; note: string }[] = [];
  const a = await inProcess(paths, 2, 1);
  const b = await inProcess(paths, 1, 2);
  try {
    for (const config of CONFIGS) {
      const name = `cluster: ${config.workers} worker(s) × ${config.threads}×${config.intra}`;
      const workerArgs = [
        '--threads',
        String(config.threads),
        '--intra-op-threads',
        String(config.intra),
        '--preload',
        VIT,
      ];
      await withCluster({ workers: config.workers, workerArgs }, async (ctl) => {
        const warm = await listFile(tmp, paths, QUICK ? 16 : 32);
        await runJob(ctl, { jobId: 'tp-warm', model: VIT, inputs: [warm], batchSize: 8 });
        const list = await listFile(tmp, paths, THROUGHPUT_QUERIES);
        // The in-process runs bracket the cluster run (the cluster sits idle meanwhile), so that
        // the ratio is taken against the same minutes of a shared, noisy machine.
        const before = await a.measure();
        const t0 = ctl.takeovers();
        const { seconds, total } = await runJob(ctl, {
          jobId: 'tp',
          model: VIT,
          inputs: [list],
          batchSize: 8,
        });
        const moved = ctl.takeovers() - t0;
        const row = {
          name,
          imagesPerS: total / seconds,
          load: load1(),
          note: moved > 0 ? `${moved} leader takeover(s) during the job` : '',
        };
        log(`${name}: ${f1(row.imagesPerS)} img/s (load ${row.load})`);
        const after = await b.measure();
        rows.push(before, row, after);
        ratios.push({
          name,
          ratio: row.imagesPerS / Math.max(before.imagesPerS, after.imagesPerS),
          note: row.note,
        });
      });
    }
  } finally {
    await a.close();
    await b.close();
  }
  const best = ratios.reduce((x, y) => (y.ratio > x.ratio ? y : x));
  headline('throughput, cluster / in-process', f2(best.ratio), '≥ 0.95', best.ratio >= 0.95);
  const bestCluster = Math.max(...rows.filter((r) => r.name.startsWith('cluster')).map((r) => r.imagesPerS));
  out(
    `### 1. Throughput: ${VIT} job of ${THROUGHPUT_QUERIES} ${real ? 'real photos (12, repeated)' : 'synthetic images'}, batch 8`,
  );
  out();
  table(
    ['run (in order)', 'images/s', 'load avg (1 min)', 'note'],
    rows.map((r) => [r.name, f1(r.imagesPerS), r.load, r.note]),
  );
  table(
    ['cluster setup', 'cluster / best adjacent in-process'],
    ratios.map((r) => [r.name, f2(r.ratio)]),
  );
  out(
    `Best ratio: **${f2(best.ratio)}** (${best.name}; target ≥ 0.95); best cluster ${f1(bestCluster)} img/s ` +
      '(BRIEF: ≥ 50 img/s on a quiet 2-core machine). Cluster time: start-job returned → the leader logs the job ' +
      'completed (no stats polling meanwhile), after a warm-up job; workers preload the model; the coordinator pair and ' +
      'redis-server share the same cores. In-process: a `Classifier` with `maxRunBatch` 8, two lanes of ' +
      'batches of 8 per inference thread (threads×intra-op), run right before and right after each cluster job.',
  );
  out();
}

// ---- 2. added latency -------------------------------------------------------------------------

/**
 * One image at a time through a `Classifier` like the latency section's worker (1 × LATENCY_INTRA_OP):
 * a fresh one, loaded and warmed with one untimed pass, so this process and the child below are
 * measured the same way.
 */
async function timeLocally(model: string, inputs: string[]): Promise<number[]> {
  const classifier = new Classifier({
    pool: { threads: 1, intraOpThreads: LATENCY_INTRA_OP },
    maxRunBatch: 1,
    ...(mirror !== undefined ? { mirror } : {}),
  });
  try {
    await classifier.load(model);
    const pass = async (): Promise<number[]> => {
      const ms: number[] = [];
      for (const uri of inputs) {
        const c0 = performance.now();
        await classifier.classify(model, [{ id: '0', uri }], 5);
        ms.push(performance.now() - c0);
      }
      return ms;
    };
    await pass();
    return await pass();
  } finally {
    await classifier.pool.close();
  }
}

const PROBE_ENV = 'IDUNNO_BENCH_LOCAL_PROBE';

/**
 * The same per-image times in a child process started with the workers' glibc settings
 * (WORKER_MALLOC_ENV), so that "added by the cluster" compares like with like; the difference
 * to this process's own times is what those memory-saving settings cost.
 */
async function timeInWorkerEnv(model: string, inputs: string[]): Promise<number[]> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, ...WORKER_MALLOC_ENV, [PROBE_ENV]: JSON.stringify({ model, inputs }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`local probe exited with ${code}`);
  return JSON.parse(stdout) as number[];
}

async function sectionLatency(tmp: string, model: string): Promise<void> {
  const paths = model === 'tiny' ? await tinyFiles(tmp) : (await photoPaths(tmp)).paths;
  // ViT: 5× the base count; 40 samples of a ~30-ms image left a ±3-ms p50 on this VM.
  const n = model === 'tiny' ? LATENCY_SAMPLES * 10 : LATENCY_SAMPLES * 5;
  const inputs = Array.from({ length: n }, (_, i) => paths[i % paths.length]!);
  let before: number[] = [];
  let after: number[] = [];
  let matched: number[] = [];
  let rtt: number[] = [];
  let cycles: number[] = [];
  let jobMsPerQuery = Number.NaN;
  const firsts: number[] = [];
  let moved = 0;
  await withCluster(
    {
      workers: 1,
      workerArgs: ['--threads', '1', '--intra-op-threads', String(LATENCY_INTRA_OP), '--preload', model],
      // One task in flight: each query's latency is measured alone, not hidden behind a pipeline.
      coordinatorArgs: ['--max-in-flight', '1'],
    },
    async (ctl) => {
      const t0 = ctl.takeovers();
      const warm = await listFile(tmp, paths, 8);
      await runJob(ctl, { jobId: 'lat-warm', model, inputs: [warm], batchSize: 1 });
      const list = await listFile(tmp, inputs, n);
      before = await timeLocally(model, inputs);
      matched = await timeInWorkerEnv(model, inputs);
      const run = await runJob(ctl, { jobId: 'lat', model, inputs: [list], batchSize: 1 }, 5);
      jobMsPerQuery = (run.seconds * 1000) / run.total;
      after = await timeLocally(model, inputs);
      matched = [...matched, ...(await timeInWorkerEnv(model, inputs))];
      const conn = await ctl.leader();
      const payloads: { ms: number; at: number }[] = [];
      for (let offset = 0; offset < n; offset += 1000) {
        const page = await conn.results('lat', offset, 1000);
        for (const r of page.results) payloads.push(JSON.parse(r.payload) as { ms: number; at: number });
      }
      rtt = payloads.map((p) => p.ms);
      // With one query in flight, the gap between consecutive replies is one query's whole trip:
      // recording the previous result in Redis, the next dispatch, the round trip to the worker.
      const ats = payloads.map((p) => p.at).sort((x, y) => x - y);
      cycles = ats.slice(1).map((t, i) => t - ats[i]!);
      // A single-query job: start-job's own work (loading the job into a Tracker) included.
      const one = await listFile(tmp, [paths[0]!], 1);
      for (let i = 0; i < 5; i++) {
        const jobId = `lat-one-${i}`;
        await ctl.call((c) => c.addJob({ jobId, model, inputs: [one], batchSize: 1, topK: 5 }));
        const s0 = performance.now();
        await conn.startJob(jobId);
        while ((await conn.results(jobId, 0, 1)).results.length === 0) await sleep(1);
        firsts.push(performance.now() - s0);
      }
      moved = ctl.takeovers() - t0;
    },
  );
  const localMs = [...before, ...after];
  const pLocal = quantile(localMs, 0.5);
  const pMatched = quantile(matched, 0.5);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const addedP50 = quantile(cycles, 0.5) - pMatched;
  headline(
    `added latency per query, p50 (${model}; vs one process with the workers' glibc settings)`,
    `${f2(addedP50)} ms`,
    '≤ 3 ms',
    addedP50 <= 3,
  );
  out(`### 2. Added latency per query at light load (${model}, ${n} queries, batch 1, one task in flight)`);
  out();
  table(
    [
      'measure',
      'p50 ms',
      'p90 ms',
      'mean ms',
      'p50 − p50 in-process (in-process row: − this process; others: − same glibc settings)',
    ],
    [
      [
        `in-process \`Classifier.classify\`, one image at a time (1×${LATENCY_INTRA_OP} threads), before and after the job`,
        f2(pLocal),
        f2(quantile(localMs, 0.9)),
        f2(mean(localMs)),
        '–',
      ],
      [
        `the same in a process with the workers' glibc settings (${Object.entries(WORKER_MALLOC_ENV)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')})`,
        f2(pMatched),
        f2(quantile(matched, 0.9)),
        f2(mean(matched)),
        f2(pMatched - pLocal),
      ],
      [
        `cluster: coordinator dispatch → worker reply (result \`ms\`), 1 worker 1×${LATENCY_INTRA_OP}`,
        f2(quantile(rtt, 0.5)),
        f2(quantile(rtt, 0.9)),
        f2(mean(rtt)),
        f2(quantile(rtt, 0.5) - pMatched),
      ],
      [
        'cluster: one query’s whole trip (gap between consecutive replies: record, dispatch, round trip)',
        f2(quantile(cycles, 0.5)),
        f2(quantile(cycles, 0.9)),
        f2(mean(cycles)),
        f2(addedP50),
      ],
      ['cluster: start-job returned → job completed, per query', '–', '–', f2(jobMsPerQuery), '–'],
      [
        'cluster: start-job of a one-query job → its result readable (5 samples, 1-ms polling)',
        f2(quantile(firsts, 0.5)),
        '–',
        f2(mean(firsts)),
        f2(quantile(firsts, 0.5) - pMatched),
      ],
    ],
  );
  out(
    `Added latency through the coordinator (p50 of one query’s whole trip − p50 in one process with ` +
      `the workers' glibc settings): **${f2(addedP50)} ms** (target ≤ 3 ms); against this process's ` +
      `default allocator ${f2(quantile(cycles, 0.5) - pLocal)} ms, of which the memory-saving settings are ` +
      `${f2(pMatched - pLocal)} ms (docs/OPERATIONS.md, "Worker memory"). In-process before/after p50 ` +
      `${f2(quantile(before, 0.5))}/${f2(quantile(after, 0.5))} ms. Load avg ${load1()}` +
      `${moved > 0 ? `; ${moved} leader takeover(s) during the samples` : ''}.`,
  );
  out();
}

// ---- 3. dispatch capacity ---------------------------------------------------------------------

async function sectionDispatch(tmp: string): Promise<void> {
  const files = await tinyFiles(tmp);
  const env: NodeJS.ProcessEnv = {};
  if (CPU_PROF !== undefined) {
    // Node refuses --cpu-prof in NODE_OPTIONS; a preloaded module profiles through the inspector
    // instead and writes <dir>/<pid>.cpuprofile when the process exits.
    await mkdir(CPU_PROF, { recursive: true });
    const preload = join(tmp, 'cpu-prof.mjs');
    await writeFile(
      preload,
      [
        "import { Session } from 'node:inspector';",
        "import { writeFileSync } from 'node:fs';",
        'const s = new Session();',
        's.connect();',
        "s.post('Profiler.enable');",
        "s.post('Profiler.setSamplingInterval', { interval: 200 });",
        "s.post('Profiler.start');",
        "process.on('exit', () => s.post('Profiler.stop', (e, r) => {",
        `  if (!e) writeFileSync(${JSON.stringify(CPU_PROF)} + '/' + process.pid + '.cpuprofile', JSON.stringify(r.profile));`,
        '}));',
      ].join('\n'),
    );
    env.NODE_OPTIONS = `--import=${preload}`;
  }
  const rows: string[][] = [];
  const cpuRows: string[][] = [];
  await withCluster({ workers: 2, workerArgs: ['--preload', 'tiny'], env }, async (ctl) => {
    const cluster = ctl.cluster;
    const warm = await listFile(tmp, files, 2_000);
    await runJob(ctl, { jobId: 'd-warm', model: 'tiny', inputs: [warm], batchSize: 64 });
    const runs = DISPATCH_INPUTS.flatMap((inputs) => DISPATCH_BATCHES.map((batch) => ({ inputs, batch })));
    for (const { inputs, batch } of runs) {
      const sources = inputs === 'png' ? files : Array.from({ length: 64 }, (_, i) => `synthetic://${i}`);
      const leaderPid = ctl.leaderPid();
      const standbyPid = cluster.coordinators.find((c) => c.pid !== leaderPid)?.pid ?? -1;
      const procs: [string, () => number][] = [
        ['leader coordinator', () => procCpuSeconds(leaderPid)],
        ['standby coordinator', () => procCpuSeconds(standbyPid)],
        ['redis-server', () => procCpuSeconds(cluster.redis.pid)],
        ...cluster.workers.map((w, i): [string, () => number] => [
          `worker ${i + 1}`,
          () => procCpuSeconds(w.pid),
        ]),
        [
          'bench (stats polling)',
          () => {
            const u = process.cpuUsage();
            return (u.user + u.system) / 1e6;
          },
        ],
      ];
      const list = await listFile(tmp, sources, DISPATCH_QUERIES);
      // Background CPU (gossip, lease renewals, stats polling) while idle, to tell per-query cost apart.
      const idle0 = procs.map(([, f]) => f());
      const i0 = performance.now();
      await sleep(QUICK ? 3_000 : 5_000);
      const idleS = (performance.now() - i0) / 1000;
      const idleRate = procs.map(([, f], i) => (f() - idle0[i]!) / idleS);
      const before = procs.map(([, f]) => f());
      const t0 = ctl.takeovers();
      let peak = 0;
      const { seconds, total } = await runJob(
        ctl,
        { jobId: `d-${inputs}-${batch}`, model: 'tiny', inputs: [list], batchSize: batch },
        250,
        (s) => {
          peak = Math.max(peak, s.rateQps);
        },
      );
      const after = procs.map(([, f]) => f());
      const moved = ctl.takeovers() - t0;
      const qps = total / seconds;
      log(`dispatch ${inputs} batch ${batch}: ${f0(qps)} q/s over ${f1(seconds)} s (load ${load1()})`);
      if (inputs === 'synthetic')
        headline(`dispatch capacity, tiny, batch ${batch}`, `${f0(qps)} q/s`, '≥ 10,000 q/s', qps >= 10_000);
      rows.push([
        inputs,
        String(batch),
        String(total),
        f2(seconds),
        f0(qps),
        f0(peak),
        load1(),
        String(moved),
      ]);
      procs.forEach(([name], i) => {
        const cpu = after[i]! - before[i]!;
        const above = cpu - idleRate[i]! * seconds;
        cpuRows.push([
          inputs,
          String(batch),
          name,
          f2(cpu),
          pct(cpu / seconds),
          pct(idleRate[i]!),
          f1((cpu / total) * 1e6),
          f1((above / total) * 1e6),
        ]);
      });
    }
  });
  out('### 3. Dispatch capacity: model `tiny`, 2 workers, 1 coordinator pair, redis-server, one machine');
  out();
  out(
    'Inputs: `synthetic` = `synthetic://<seed>` URIs, for which a worker fills the tensor from the seed ' +
      '(no fetch, no decode), so the run measures the control plane (coordinator, Redis, gRPC); ' +
      '`png` = 4 small 32×32 PNG files repeated, which adds a file read and a sharp decode per query on the workers.',
  );
  out();
  table(
    ['inputs', 'batch', 'queries', 'seconds', 'queries/s', 'peak 10-s rate', 'load avg', 'takeovers'],
    rows,
  );
  out('Target ≥ 10,000 queries/s. CPU seconds per process during each job (/proc/<pid>/stat):');
  out();
  table(
    [
      'inputs',
      'batch',
      'process',
      'CPU s',
      'of one core',
      'of one core idle',
      'CPU µs / query',
      'above idle µs / query',
    ],
    cpuRows,
  );
}

// ---- 4 and 5. second job, fair-time -----------------------------------------------------------

async function sectionTwoJobs(tmp: string): Promise<void> {
  const { paths } = await photoPaths(tmp);
  await withCluster(
    { workers: 2, workerArgs: ['--threads', '1', '--intra-op-threads', '1', '--preload', `${VIT},resnet50`] },
    async (ctl) => {
      const listA = await listFile(tmp, paths, 20_000);
      const listB = await listFile(tmp, paths, 20_000);
      await ctl.call((c) =>
        c.addJob({ jobId: 'A', model: VIT, inputs: [listA], batchSize: FAIR_BATCH, topK: 5 }),
      );
      await ctl.call((c) =>
        c.addJob({ jobId: 'B', model: 'resnet50', inputs: [listB], batchSize: FAIR_BATCH, topK: 5 }),
      );
      await ctl.call((c) => c.startJob('A'));
      // "Runs steadily": a full 10-s window of A alone.
      const steadyS = QUICK ? 5 : 10;
      await sleep(steadyS * 1000);
      const aStats = await jobStats(ctl, 'A');
      const aAlone = aStats.rateQps;
      const aTaskMs = aStats.processing?.medianMs ?? Number.NaN;
      log(`job A alone: ${f1(aAlone)} q/s`);
      const m0 = ctl.takeovers();
      await ctl.call((c) => c.startJob('B'));
      const t0 = performance.now();
      let first = Number.NaN;
      while (performance.now() - t0 < 30_000) {
        const s = await jobStats(ctl, 'B');
        if (Number(s.done) > 0) {
          first = performance.now() - t0;
          break;
        }
        await sleep(20);
      }
      log(`job B first result: ${f0(first)} ms`);
      headline('second job: start-job → first result', `${f0(first)} ms`, '≤ 1000 ms', first <= 1000);
      out(
        `### 4. Second job's first result (A: ${VIT} alone at ${f1(aAlone)} q/s for ${steadyS} s, then B: resnet50; 2 workers × 1×1)`,
      );
      out();
      table(
        ['measure', 'ms', 'target', 'load avg'],
        [
          [
            "B's start-job returned → B's first recorded result (stats polled every 20 ms)",
            f0(first),
            '≤ 1000',
            load1(),
          ],
          [
            `for scale: A's task round trip p50 (batch ${FAIR_BATCH}, dispatch → recorded)`,
            f0(aTaskMs),
            '',
            '',
          ],
        ],
      );

      const series: { t: number; a: number; b: number; gap: number; takeovers: number }[] = [];
      // Sampled twice a second; the rates are the Trackers' own 10-s windows (100-ms buckets).
      for (let h = Math.max(1, Math.ceil((performance.now() - t0) / 500)); h <= FAIR_SECONDS * 2; h++) {
        const s = h / 2;
        await sleep(Math.max(0, t0 + s * 1000 - performance.now()));
        const all = await ctl.call((c) => c.stats());
        const a = all.jobs.find((j) => j.job?.jobId === 'A')?.rateQps ?? Number.NaN;
        const b = all.jobs.find((j) => j.job?.jobId === 'B')?.rateQps ?? Number.NaN;
        const gap = Math.abs(a - b) / Math.max(a, b);
        series.push({ t: s, a, b, gap, takeovers: ctl.takeovers() - m0 });
      }
      await ctl.call((c) => c.stopJob('A')).catch(() => undefined);
      await ctl.call((c) => c.stopJob('B')).catch(() => undefined);
      const at15 = series.find((x) => x.t === 15)?.gap ?? Number.NaN;
      const gaps = (from: number) => series.filter((x) => x.t >= from).map((x) => x.gap);
      const max = (xs: number[]) => (xs.length > 0 ? Math.max(...xs) : Number.NaN);
      const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
      const after15 = gaps(15);
      const steady = gaps(STEADY_FROM_S);
      const within5 = steady.length > 0 ? steady.filter((g) => g <= 0.05).length / steady.length : Number.NaN;
      headline('fair-time: max gap from 15 s', pct(max(after15)), '≤ 10%', max(after15) <= 0.1);
      headline(
        `fair-time: mean gap from ${STEADY_FROM_S} s (steady state)`,
        pct(mean(steady)),
        '≤ 5%',
        mean(steady) <= 0.05,
      );
      const last = series.at(-1);
      out(
        `### 5. Fair-time: ${VIT} (A) and resnet50 (B), batch ${FAIR_BATCH}, 2 workers × 1×1, 10-s-window rates from stats`,
      );
      out();
      table(
        ['measure', 'value', 'target'],
        [
          ['gap |a−b|/max(a,b) at 15 s', pct(at15), '≤ 10%'],
          [`max gap from 15 s to ${FAIR_SECONDS} s`, pct(max(after15)), '≤ 10%'],
          [`mean gap from ${STEADY_FROM_S} s to ${FAIR_SECONDS} s (steady state)`, pct(mean(steady)), '≤ 5%'],
          [`max gap from ${STEADY_FROM_S} s to ${FAIR_SECONDS} s`, pct(max(steady)), ''],
          [`samples within 5 % from ${STEADY_FROM_S} s`, pct(within5), ''],
          ['A alone before B (q/s)', f1(aAlone), ''],
          ['A + B at the end (q/s)', f1((last?.a ?? Number.NaN) + (last?.b ?? Number.NaN)), ''],
          ['leader takeovers during the series', String(last?.takeovers ?? 0), '0'],
        ],
      );
      out('<details><summary>time series (s after B’s start-job returned; q/s)</summary>');
      out();
      table(
        ['t s', 'rate A', 'rate B', 'gap', 'takeovers so far'],
        series
          .filter((x) => Number.isInteger(x.t))
          .map((x) => [String(x.t), f1(x.a), f1(x.b), pct(x.gap), String(x.takeovers)]),
      );
      out('</details>');
      out();
    },
  );
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'idunno-bench-cluster-'));
  const stopAll = () => {
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  try {
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    out(
      `Command: \`pnpm bench:cluster${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\``,
    );
    out();
    out(
      `Machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
        `Node ${process.version}; ${new Date().toISOString().slice(0, 16)}Z; load avg at start ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}; model ${VIT}${mirror === undefined ? ' (no mirror: untrained twin)' : ''}.`,
    );
    out();
    if (SECTIONS.has(1)) await sectionThroughput(tmp);
    if (SECTIONS.has(2)) {
      await sectionLatency(tmp, VIT);
      await sectionLatency(tmp, 'tiny');
    }
    if (SECTIONS.has(3)) await sectionDispatch(tmp);
    if (SECTIONS.has(4) || SECTIONS.has(5)) await sectionTwoJobs(tmp);
    out('### Summary');
    out();
    table(['measure', 'value', 'target', ''], summary);
    out(
      `Load avg at the end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}.`,
    );
  } finally {
    await current?.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The child side of timeInWorkerEnv: per-image times as one JSON array on stdout. */
async function probeMain(): Promise<void> {
  const { model, inputs } = JSON.parse(process.env[PROBE_ENV]!) as { model: string; inputs: string[] };
  process.stdout.write(`${JSON.stringify(await timeLocally(model, inputs))}\n`);
}

(process.env[PROBE_ENV] !== undefined ? probeMain() : main()).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench:cluster failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
