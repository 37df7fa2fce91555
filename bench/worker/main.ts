// pnpm bench:worker [--quick] [--models vit-tiny,resnet50] [--seconds n] [--batches 1,8]
//                   [--configs 1x2,2x1] [--inflight 2]
// Images/s in-process (a Classifier in this process: `idunno classify`'s path) vs through one
// worker process's gRPC API, preprocessing included (URIs of encoded photos) and excluded (raw
// tensors: SessionPool.run in-process, KServe ModelInfer through the worker), per thread
// configuration (threads × intra-op threads); session-load time, worker RSS, and sharp
// decode/resize alone. Markdown on stdout (for docs/BENCHMARKS.md), progress on stderr.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Classifier } from '@idunno/inference';
import { getModel } from '@idunno/models';
import {
  modelMirror,
  type NodeProcess,
  REPO_ROOT,
  sharedImages,
  writeSyntheticImages,
} from '@idunno/testkit';
import sharp from 'sharp';
import { ClosedLoop } from '../lib/measure.js';
import { loadAverages } from '../lib/proc.js';
import {
  type CompareContext,
  compareModel,
  comparisonReport,
  endToEndReport,
  type GridShape,
  type ModelResult,
  type ThreadConfig,
} from './inproc-vs-worker.js';
import { measurePreprocess } from './preprocess.js';

const HELP =
  'usage: pnpm bench:worker [--quick] [--models vit-tiny,resnet50] [--seconds n] [--rounds n] [--batches 1,8] [--configs 1x2,2x1] [--inflight 2]\n' +
  '  --seconds: measured seconds per cell and round; --rounds: in-process/worker alternations per cell (best kept)\n' +
  '  --configs: session threads × intra-op threads per session, comma separated\n';

const DEFAULT_MODELS = 'vit-tiny,resnet50';
const DEFAULT_BATCHES = '1,8';
const DEFAULT_CONFIGS = '1x2,2x1';
const DEFAULT_INFLIGHT = 2;

/** What a run measures; the defaults of the full run, or of `--quick` where they differ. */
interface WorkerBenchOptions {
  quick: boolean;
  /** @default vit-tiny,resnet50 (vit-tiny-untrained without the model mirror) */
  models: string;
  /** Measured seconds per cell and round. @default 3 (quick: 1) */
  seconds: number;
  /** In-process/worker alternations per cell. @default 3 (quick: 1) */
  rounds: number;
  /** @default 2 s (quick: 0.3 s) */
  warmupS: number;
  /** @default 3 (quick: 2) */
  minCompletions: number;
  /** Calls in flight per cell. @default 2 */
  inflight: number;
  /** @default 1,8 */
  batches: number[];
  /** @default 1x2,2x1 */
  configs: ThreadConfig[];
  /** Repeats per photo of the single-stream preprocessing times. @default 15 (quick: 3) */
  reps: number;
}

/** The options from the command line; undefined after printing the help. */
function parseFlags(args: readonly string[]): WorkerBenchOptions | undefined {
  const { values } = parseArgs({
    args: [...args],
    options: {
      quick: { type: 'boolean', default: false },
      models: { type: 'string', default: DEFAULT_MODELS },
      seconds: { type: 'string' },
      batches: { type: 'string', default: DEFAULT_BATCHES },
      configs: { type: 'string', default: DEFAULT_CONFIGS },
      inflight: { type: 'string', default: String(DEFAULT_INFLIGHT) },
      rounds: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  const quick = values.quick;
  const opts: WorkerBenchOptions = {
    quick,
    models: values.models,
    seconds: Number(values.seconds ?? (quick ? 1 : 3)),
    rounds: Number(values.rounds ?? (quick ? 1 : 3)),
    warmupS: quick ? 0.3 : 2,
    minCompletions: quick ? 2 : 3,
    inflight: Number(values.inflight),
    batches: values.batches.split(',').map(Number),
    configs: values.configs.split(',').map((c) => {
      const [t, i] = c.split('x').map(Number);
      if (!Number.isInteger(t) || !Number.isInteger(i) || t! < 1 || i! < 1)
        throw new Error(`--configs entries look like 1x2 (threads × intra-op threads), got "${c}"`);
      return { threads: t!, intra: i! };
    }),
    reps: quick ? 3 : 15,
  };
  for (const [name, v] of [
    ['seconds', opts.seconds],
    ['inflight', opts.inflight],
    ['rounds', opts.rounds],
    ...opts.batches.map((b) => ['batches', b] as const),
  ] as const) {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be positive, got ${v}`);
  }
  return opts;
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const out = (lines: readonly string[]) => {
  for (const line of lines) process.stdout.write(`${line}\n`);
};

async function photos(): Promise<{ paths: string[]; kind: string; cleanup: () => Promise<void> }> {
  const shared = sharedImages();
  if (shared.dir) {
    const dir = shared.dir;
    const paths = readdirSync(dir)
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .sort()
      .map((f) => join(dir, f));
    return { paths, kind: `${paths.length} real photos from ${dir}`, cleanup: async () => {} };
  }
  log(`${shared.reason}; using synthetic images`);
  const dir = await mkdtemp(join(tmpdir(), 'idunno-bench-'));
  const paths = await writeSyntheticImages(dir, 12);
  return {
    paths,
    kind: `${paths.length} synthetic images (${shared.reason})`,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function machine(): string[] {
  const mem = totalmem();
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  let ort = '?';
  try {
    ort = (
      JSON.parse(
        readFileSync(
          join(REPO_ROOT, 'packages/inference/node_modules/onnxruntime-node/package.json'),
          'utf8',
        ),
      ) as { version: string }
    ).version;
  } catch {
    // not resolvable from here; leave '?'
  }
  return [
    `- machine: ${availableParallelism()} cores (nproc), ${cpuModel}, ${(mem / 2 ** 30).toFixed(1)} GiB memory`,
    `- software: Node ${process.version}, onnxruntime-node ${ort}, sharp ${sharp.versions.sharp ?? '?'}`,
  ];
}

async function run(args: readonly string[], opts: WorkerBenchOptions, ctx: CompareContext): Promise<void> {
  const started = new Date();
  const loadStart = loadAverages();
  const mirror = ctx.mirror;
  const models = opts.models
    .split(',')
    .filter(Boolean)
    .map((m) => (m === 'vit-tiny' && mirror === undefined ? 'vit-tiny-untrained' : m));
  if (mirror === undefined)
    log(`${modelMirror().reason}; benchmarking vit-tiny-untrained instead of vit-tiny`);
  const specs = models.map((m) => getModel(m));
  const imgs = await photos();
  try {
    const bytes = await Promise.all(imgs.paths.map((p) => readFile(p)));
    out([
      `# pnpm bench:worker${args.length > 0 ? ` ${args.join(' ')}` : ''}`,
      '',
      ...machine(),
      `- date: ${started.toISOString()}`,
      `- load average at start (1, 5, 15 min): ${loadStart.join(', ')}`,
      `- inputs: ${imgs.kind}, used round robin`,
      `- models: ${specs.map((s) => `${s.name}${s.trained ? '' : ' (untrained weights)'}`).join(', ')}; ` +
        `${opts.inflight} calls in flight per cell, warm-up ${opts.warmupS} s, ≥ ${opts.seconds} s measured per cell`,
      '',
    ]);

    const pre = await measurePreprocess(ctx.loop, imgs.paths, bytes, specs, { reps: opts.reps });
    out(pre.lines);

    const results: ModelResult[] = [];
    for (const config of opts.configs) {
      for (const model of models) results.push(await compareModel(ctx, config, model, imgs.paths, bytes));
    }
    const grid: GridShape = {
      models,
      configs: opts.configs,
      batches: opts.batches,
      inflight: opts.inflight,
      rounds: opts.rounds,
      seconds: opts.seconds,
    };
    out(comparisonReport(results, grid));
    out(endToEndReport(results, pre.summary, grid));
    out([`- load average at end (1, 5, 15 min): ${loadAverages().join(', ')}`]);
  } finally {
    await imgs.cleanup();
  }
}

/** The exit code; undefined when a signal handler is stopping the run and exits by itself. */
async function main(): Promise<number | undefined> {
  const args = process.argv.slice(2);
  const opts = parseFlags(args);
  if (!opts) return 0;
  const loop = new ClosedLoop(
    {
      inflight: opts.inflight,
      seconds: opts.seconds,
      warmupS: opts.warmupS,
      minCompletions: opts.minCompletions,
    },
    log,
  );
  // Processes this bench starts and classifiers it opens: stopped/closed on every exit path
  // (exiting while an onnxruntime session thread is running aborts the process).
  const open = { workers: new Set<NodeProcess>(), classifiers: new Set<Classifier>() };
  const stopWorkers = async (): Promise<void> => {
    await Promise.all([
      ...[...open.workers].map((w) => w.stop(3_000).catch(() => w.kill('SIGKILL'))),
      ...[...open.classifiers].map((c) => c.close().catch(() => {})),
    ]);
    open.workers.clear();
    open.classifiers.clear();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (loop.stopping) return;
      loop.stopping = true;
      log(`${sig}: stopping workers, waiting for in-flight runs`);
      void (async () => {
        await Promise.all([...open.workers].map((w) => w.stop(3_000).catch(() => w.kill('SIGKILL'))));
        await loop.drain(60_000);
        await stopWorkers();
        process.exit(130);
      })();
    });
  }
  const ctx: CompareContext = {
    loop,
    log,
    rounds: opts.rounds,
    warmupS: opts.warmupS,
    batches: opts.batches,
    mirror: modelMirror().dir,
    open,
  };
  try {
    await run(args, opts, ctx);
    await stopWorkers();
    return 0;
  } catch (err) {
    if (loop.stopping) return undefined; // the signal handler drains, cleans up and exits
    process.stderr.write(
      `bench:worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    await stopWorkers();
    return 1;
  }
}

main().then((code) => {
  if (code !== undefined) process.exit(code);
});
