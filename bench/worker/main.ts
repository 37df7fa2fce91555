// pnpm bench:worker [--quick] [--models vit-tiny,resnet50] [--seconds n] [--batches 1,8]
//                   [--configs 1x2,2x1] [--inflight 2]
// Images/s in-process (a Classifier in this process: `idunno classify`'s path) vs through one
// worker process's gRPC API, preprocessing included (URIs of encoded photos) and excluded (raw
// tensors: SessionPool.run in-process, KServe ModelInfer through the worker), per thread
// configuration (threads × intra-op threads); session-load time, worker RSS, and sharp
// decode/resize alone. Markdown on stdout (for docs/BENCHMARKS.md), progress on stderr.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { WorkerConnection } from '@idunno/client';
import { Classifier, imageElements, preprocessInto, type QueryTimings } from '@idunno/inference';
import { getModel, type ModelSpec, type PreprocessSpec } from '@idunno/models';
import type { GRPCInferenceServiceClient } from '@idunno/proto';
import {
  modelMirror,
  type NodeProcess,
  REPO_ROOT,
  sharedImages,
  startWorker,
  writeSyntheticImages,
} from '@idunno/testkit';
import sharp from 'sharp';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    models: { type: 'string', default: 'vit-tiny,resnet50' },
    seconds: { type: 'string' },
    batches: { type: 'string', default: '1,8' },
    configs: { type: 'string', default: '1x2,2x1' },
    inflight: { type: 'string', default: '2' },
    rounds: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(
    'usage: pnpm bench:worker [--quick] [--models vit-tiny,resnet50] [--seconds n] [--rounds n] [--batches 1,8] [--configs 1x2,2x1] [--inflight 2]\n' +
      '  --seconds: measured seconds per cell and round; --rounds: in-process/worker alternations per cell (best kept)\n' +
      '  --configs: session threads × intra-op threads per session, comma separated\n',
  );
  process.exit(0);
}

const QUICK = values.quick;
const SECONDS = Number(values.seconds ?? (QUICK ? 1 : 3));
/** In-process and worker cells alternate this many times; tables show the best round. */
const ROUNDS = Number(values.rounds ?? (QUICK ? 1 : 3));
const WARMUP_S = QUICK ? 0.3 : 2;
const MIN_COMPLETIONS = QUICK ? 2 : 3;
const INFLIGHT = Number(values.inflight);
const BATCHES = values.batches.split(',').map(Number);
const CONFIGS = values.configs.split(',').map((c) => {
  const [t, i] = c.split('x').map(Number);
  if (!Number.isInteger(t) || !Number.isInteger(i) || t! < 1 || i! < 1)
    throw new Error(`--configs entries look like 1x2 (threads × intra-op threads), got "${c}"`);
  return { threads: t!, intra: i! };
});
for (const [name, v] of [
  ['seconds', SECONDS],
  ['inflight', INFLIGHT],
  ['rounds', ROUNDS],
  ...BATCHES.map((b) => ['batches', b] as const),
] as const) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be positive, got ${v}`);
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const out = (line = '') => process.stdout.write(`${line}\n`);
const load1 = () => loadavg()[0]!.toFixed(2);
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function table(header: string[], rows: string[][]): void {
  out(`| ${header.join(' | ')} |`);
  out(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) out(`| ${r.join(' | ')} |`);
  out();
}

// ---------------------------------------------------------------------------------------------
// Processes this script starts and classifiers it opens: stopped/closed on every exit path
// (exiting while an onnxruntime session thread is running aborts the process).
const workers = new Set<NodeProcess>();
const classifiers = new Set<Classifier>();
async function stopWorkers(): Promise<void> {
  await Promise.all([
    ...[...workers].map((w) => w.stop(3_000).catch(() => w.kill('SIGKILL'))),
    ...[...classifiers].map((c) => c.close().catch(() => {})),
  ]);
  workers.clear();
  classifiers.clear();
}
/** Set by a signal: lanes issue no new calls. */
let stopping = false;
/** Calls in flight; closing a pool (or exiting) during a native run aborts the process. */
let inFlight = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping workers, waiting for in-flight runs`);
    void (async () => {
      await Promise.all([...workers].map((w) => w.stop(3_000).catch(() => w.kill('SIGKILL'))));
      const deadline = Date.now() + 60_000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await stopWorkers();
      process.exit(130);
    })();
  });
}

// ---------------------------------------------------------------------------------------------
// CPU time, so each cell says how many cores it kept busy.
const TICK_S = 0.01; // USER_HZ is 100 on Linux
function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_S; // utime, stime
}
function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
function procStatusKb(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

interface CallResult {
  images: number;
  timings?: QueryTimings[];
}

interface Cell {
  imgPerSec: number;
  images: number;
  seconds: number;
  /** Cores kept busy by the process(es) doing the work (CPU seconds / wall seconds). */
  cores: number;
  /** Cores kept busy by this (client) process while the worker did the work. */
  clientCores?: number;
  load: string;
  /** Mean per-query timings reported by the classifier (ms), when the call returns them. */
  timings?: QueryTimings;
}

/**
 * Keeps `inflight` calls running back to back (a closed loop), warms up, then measures from the
 * first completion after the warm-up to the last completion at or after `seconds` (at least
 * MIN_COMPLETIONS completions), so the pipeline is full at both ends of the window.
 */
async function measure(
  label: string,
  call: () => Promise<CallResult>,
  cpu: () => number,
  opts: { inflight?: number; seconds?: number; warmup?: number; clientCpu?: () => number } = {},
): Promise<Cell> {
  const inflight = opts.inflight ?? INFLIGHT;
  const seconds = opts.seconds ?? SECONDS;
  const load = load1();
  const warmEnd = performance.now() + (opts.warmup ?? WARMUP_S) * 1000;
  const client = opts.clientCpu ?? (() => 0);
  let start: { t: number; cpu: number; client: number } | undefined;
  let last: { t: number; cpu: number; client: number } | undefined;
  let images = 0;
  let completions = 0;
  const sum: QueryTimings = { fetchMs: 0, preprocessMs: 0, queueMs: 0, inferenceMs: 0 };
  let timed = 0;
  let done = false;
  const lane = async () => {
    while (!done && !stopping) {
      inFlight++;
      let r: CallResult;
      try {
        r = await call();
      } finally {
        inFlight--;
      }
      const t = performance.now();
      if (done) return;
      if (!start) {
        if (t >= warmEnd) start = { t, cpu: cpu(), client: client() };
        continue;
      }
      images += r.images;
      completions++;
      for (const q of r.timings ?? []) {
        sum.fetchMs += q.fetchMs;
        sum.preprocessMs += q.preprocessMs;
        sum.queueMs += q.queueMs;
        sum.inferenceMs += q.inferenceMs;
        timed++;
      }
      last = { t, cpu: cpu(), client: client() };
      if (t - start.t >= seconds * 1000 && completions >= MIN_COMPLETIONS) done = true;
    }
  };
  // Stagger the lanes slightly so they do not start in lock step.
  await Promise.all(
    Array.from({ length: inflight }, (_, i) => new Promise((r) => setTimeout(r, i * 5)).then(() => lane())),
  );
  if (!start || !last) throw new Error(stopping ? 'stopped by a signal' : `${label}: no completed call`);
  const s = (last.t - start.t) / 1000;
  const cell: Cell = {
    imgPerSec: images / s,
    images,
    seconds: s,
    cores: (last.cpu - start.cpu) / s,
    ...(opts.clientCpu ? { clientCores: (last.client - start.client) / s } : {}),
    load,
    ...(timed > 0
      ? {
          timings: {
            fetchMs: sum.fetchMs / timed,
            preprocessMs: sum.preprocessMs / timed,
            queueMs: sum.queueMs / timed,
            inferenceMs: sum.inferenceMs / timed,
          },
        }
      : {}),
  };
  log(
    `${label}: ${f1(cell.imgPerSec)} img/s (${images} images in ${f2(s)} s, ${f2(cell.cores)} cores, load ${load})`,
  );
  return cell;
}

// ---------------------------------------------------------------------------------------------
// Inputs.
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

/** A batch tensor of `batch` preprocessed photos, for the preprocessing-excluded cells. */
async function batchTensor(spec: PreprocessSpec, bytes: Buffer[], batch: number): Promise<Float32Array> {
  const per = imageElements(spec);
  const t = new Float32Array(per * batch);
  for (let i = 0; i < batch; i++) await preprocessInto(bytes[i % bytes.length]!, spec, t, i * per);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Section: sharp alone.
const KERNELS = { bicubic: 'cubic', bilinear: 'linear', nearest: 'nearest' } as const;
const decodeOnly = (b: Buffer) => sharp(b, { failOn: 'error' }).removeAlpha().raw().toBuffer();
const decodeResize = (b: Buffer, spec: PreprocessSpec) =>
  sharp(b, { failOn: 'error' })
    .autoOrient()
    .removeAlpha()
    .toColourspace('srgb')
    .resize({
      width: spec.resizeShorter,
      height: spec.resizeShorter,
      fit: 'outside',
      kernel: KERNELS[spec.interpolation],
    })
    .raw()
    .toBuffer();

async function timeIt(fn: () => Promise<unknown>, reps: number): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  // Best of the repeats: on a shared machine the minimum is the least disturbed run.
  return Math.min(...ms);
}

interface PreprocessSummary {
  /** img/s and cores busy of the full preprocessInto at high concurrency, per model. */
  throughput: Map<string, { c1: Cell; c8: Cell }>;
  /** Mean over photos of the single-stream median, per stage (ms), for the first model's spec. */
  meanMs: { decode: number; resize: number; full: number };
}

async function sharpSection(
  paths: string[],
  bytes: Buffer[],
  specs: ModelSpec[],
): Promise<PreprocessSummary> {
  out('## Preprocessing alone (sharp decode + resize, then crop/normalise in JS)');
  out();
  out(
    `sharp ${sharp.versions.sharp ?? '?'} (libvips ${sharp.versions.vips}), sharp.concurrency() = ${sharp.concurrency()} libvips threads per image, UV_THREADPOOL_SIZE = ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}. ` +
      'Single stream: one image at a time, best of repeats. "full" is `preprocessInto` (what the classifier runs per query).',
  );
  out();
  const spec = specs[0]!;
  const reps = QUICK ? 3 : 15;
  const rows: string[][] = [];
  const all = { decode: 0, resize: 0, full: 0 };
  const per = imageElements(spec.preprocess);
  const scratch = new Float32Array(per);
  for (const [i, path] of paths.entries()) {
    const b = bytes[i]!;
    const meta = await sharp(b).metadata();
    const d = await timeIt(() => decodeOnly(b), reps);
    const r = await timeIt(() => decodeResize(b, spec.preprocess), reps);
    const f = await timeIt(() => preprocessInto(b, spec.preprocess, scratch, 0), reps);
    all.decode += d;
    all.resize += r;
    all.full += f;
    rows.push([
      path.split('/').pop()!,
      `${meta.width}×${meta.height} ${meta.format}`,
      `${(b.length / 1024).toFixed(0)} KiB`,
      f1(d),
      f1(r),
      f1(f),
    ]);
  }
  const n = paths.length;
  const meanMs = { decode: all.decode / n, resize: all.resize / n, full: all.full / n };
  rows.push([
    '**mean**',
    '',
    '',
    `**${f1(meanMs.decode)}**`,
    `**${f1(meanMs.resize)}**`,
    `**${f1(meanMs.full)}**`,
  ]);
  out(
    `Per photo, ms, ${spec.name} preprocessing (resize shorter side to ${spec.preprocess.resizeShorter} ${spec.preprocess.interpolation}, crop ${spec.preprocess.crop}); load ${load1()}:`,
  );
  out();
  table(['photo', 'size', 'bytes', 'decode', 'decode + resize', 'full preprocess'], rows);

  const throughput = new Map<string, { c1: Cell; c8: Cell }>();
  const trows: string[][] = [];
  for (const m of specs) {
    let next = 0;
    const buf = new Float32Array(imageElements(m.preprocess));
    const call = async (): Promise<CallResult> => {
      const b = bytes[next++ % bytes.length]!;
      await preprocessInto(b, m.preprocess, buf, 0);
      return { images: 1 };
    };
    const c1 = await measure(`preprocess ${m.name} ×1`, call, selfCpuSeconds, { inflight: 1 });
    const c8 = await measure(`preprocess ${m.name} ×8`, call, selfCpuSeconds, { inflight: 8 });
    throughput.set(m.name, { c1, c8 });
    for (const [c, cell] of [
      [1, c1],
      [8, c8],
    ] as const) {
      trows.push([
        m.name,
        String(c),
        f1(cell.imgPerSec),
        f2(cell.cores),
        f1((cell.cores * 1000) / cell.imgPerSec),
        cell.load,
      ]);
    }
  }
  out(
    'Preprocessing throughput (full `preprocessInto`, photos round robin, this process only, no inference):',
  );
  out();
  table(['model spec', 'concurrent images', 'img/s', 'cores busy', 'CPU ms / image', 'load 1m'], trows);
  return { throughput, meanMs };
}

// ---------------------------------------------------------------------------------------------
// Section: in-process vs worker, per thread configuration and model.
interface ModelResult {
  config: string;
  model: string;
  fileBytes: number;
  inprocLoadMs: number;
  workerLoadMs: number;
  rss: { idle: number; loaded: number; status: number; vmRss: number; vmHwm: number };
  /** key: `${batch}/${incl|excl}` */
  cells: Map<string, Pair>;
}

// The proto package exports the KServe client but not these message types: take them from it.
type ModelInferRequest = Parameters<GRPCInferenceServiceClient['ModelInfer']>[0];
type ModelInferResponse__Output = NonNullable<
  Parameters<Parameters<GRPCInferenceServiceClient['ModelInfer']>[1]>[1]
>;

function modelInfer(conn: WorkerConnection, req: ModelInferRequest): Promise<ModelInferResponse__Output> {
  return new Promise((resolve, reject) => {
    conn.inference.ModelInfer(req, new grpc.Metadata(), { deadline: Date.now() + 300_000 }, (err, res) =>
      err || !res ? reject(err ?? new Error('empty ModelInfer reply')) : resolve(res),
    );
  });
}

interface Pair {
  inproc: Cell;
  worker: Cell;
  /** Ratio of the medians over rounds (the tables' ratio is of the best rounds). */
  medianRatio: number;
}

/** CPU milliseconds spent per image, from cores busy and throughput. */
const cpuMs = (cores: number, cell: Cell) => (cores * 1000) / cell.imgPerSec;
const best = (cells: Cell[]) => cells.reduce((a, b) => (b.imgPerSec > a.imgPerSec ? b : a));
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Measures the in-process and the worker side alternately, ROUNDS times, so both sides see the
 * same share of whatever else the machine is doing; keeps each side's best round.
 */
async function pair(
  label: string,
  inproc: () => Promise<CallResult>,
  viaWorker: () => Promise<CallResult>,
  workerPid: number,
): Promise<Pair> {
  const ins: Cell[] = [];
  const ws: Cell[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Later rounds need no warm-up: the sessions are warm, and measuring starts at a completion.
    const warmup = r === 0 ? WARMUP_S : 0;
    ins.push(await measure(`${label} in-process r${r + 1}`, inproc, selfCpuSeconds, { warmup }));
    ws.push(
      await measure(`${label} worker r${r + 1}`, viaWorker, () => procCpuSeconds(workerPid), {
        warmup,
        clientCpu: selfCpuSeconds,
      }),
    );
  }
  return {
    inproc: best(ins),
    worker: best(ws),
    medianRatio: medianOf(ws.map((c) => c.imgPerSec)) / medianOf(ins.map((c) => c.imgPerSec)),
  };
}

async function benchModel(
  config: { threads: number; intra: number },
  model: string,
  paths: string[],
  bytes: Buffer[],
  mirror: string | undefined,
): Promise<ModelResult> {
  const spec = getModel(model);
  const cname = `${config.threads}×${config.intra}`;
  const tag = `${cname} ${model}`;
  // In-process classifier and worker process both stay up for the whole model, so each in-process
  // cell is measured right next to its worker cell (the ratio is less exposed to load drift).
  const classifier = new Classifier({
    pool: { threads: config.threads, intraOpThreads: config.intra },
    ...(mirror !== undefined ? { mirror } : {}),
  });
  classifiers.add(classifier);
  const worker = await startWorker({
    args: ['--threads', String(config.threads), '--intra-op-threads', String(config.intra)],
    env: mirror !== undefined ? { IDUNNO_MODEL_MIRROR: mirror } : {},
    readyTimeoutMs: 60_000,
  });
  workers.add(worker);
  const conn = new WorkerConnection(worker.address);
  try {
    const rssIdle = Number((await conn.status()).rssBytes);
    const loaded = await classifier.load(model);
    const wl = await conn.loadModel(model, 300_000);
    const rssLoaded = Number((await conn.status()).rssBytes);
    log(`${tag}: cold load in-process ${f1(loaded.loadMs)} ms, worker ${f1(wl.loadMs)} ms`);
    const fileBytes = statSync(loaded.path).size;
    let q = 0;
    let task = 0;
    const cells = new Map<string, Pair>();
    for (const batch of BATCHES) {
      const nextUris = () => Array.from({ length: batch }, () => paths[q++ % paths.length]!);
      // Preprocessing included: encoded photos by path.
      const incl = await pair(
        `${tag} b${batch} incl`,
        async () => {
          const outcomes = await classifier.classify(
            model,
            nextUris().map((uri, i) => ({ id: String(i), uri })),
            5,
          );
          const bad = outcomes.find((o) => o.error);
          if (bad) throw new Error(`in-process query failed: ${bad.error!.code} ${bad.error!.message}`);
          return { images: outcomes.length, timings: outcomes.map((o) => o.timings) };
        },
        async () => {
          const id = task++;
          const reply = await conn.runTask(
            {
              taskId: `t${id}`,
              jobId: 'bench',
              model,
              topK: 5,
              epoch: 1,
              queries: nextUris().map((uri, i) => ({ queryId: `q${id}-${i}`, uri })),
            },
            300_000,
          );
          const bad = reply.results.find((r) => r.error);
          if (bad) throw new Error(`worker query failed: ${bad.error!.code} ${bad.error!.message}`);
          return {
            images: reply.results.length,
            timings: reply.results.flatMap((r) => (r.timings ? [r.timings] : [])),
          };
        },
        worker.pid,
      );
      cells.set(`${batch}/incl`, incl);

      // Preprocessing excluded: the same photos, preprocessed once, as raw float32 tensors.
      const tensor = await batchTensor(spec.preprocess, bytes, batch);
      const dims = [batch, 3, spec.preprocess.crop, spec.preprocess.crop];
      const raw = Buffer.from(tensor.buffer, tensor.byteOffset, tensor.byteLength);
      const excl = await pair(
        `${tag} b${batch} excl`,
        async () => {
          // run() transfers its buffer to the thread, so each call gets a copy.
          const r = await classifier.pool.run(model, new Float32Array(tensor), dims);
          return { images: r.dims[0] ?? batch };
        },
        async () => {
          const r = await modelInfer(conn, {
            modelName: model,
            id: `x${task++}`,
            inputs: [{ name: spec.input.name, datatype: 'FP32', shape: dims }],
            rawInputContents: [raw],
          });
          return { images: Number(r.outputs[0]?.shape[0] ?? batch) };
        },
        worker.pid,
      );
      cells.set(`${batch}/excl`, excl);
    }
    const st = await conn.status();
    const rss = {
      idle: rssIdle,
      loaded: rssLoaded,
      status: Number(st.rssBytes),
      vmRss: procStatusKb(worker.pid, 'VmRSS'),
      vmHwm: procStatusKb(worker.pid, 'VmHWM'),
    };
    return {
      config: cname,
      model,
      fileBytes,
      inprocLoadMs: loaded.loadMs,
      workerLoadMs: wl.loadMs,
      rss,
      cells,
    };
  } finally {
    conn.close();
    await classifier.close();
    classifiers.delete(classifier);
    await worker.stop(5_000);
    workers.delete(worker);
  }
}

// ---------------------------------------------------------------------------------------------
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

async function main(): Promise<void> {
  const started = new Date();
  const loadStart = loadavg().map((x) => x.toFixed(2));
  const mirror = modelMirror().dir;
  const models = values.models
    .split(',')
    .filter(Boolean)
    .map((m) => (m === 'vit-tiny' && mirror === undefined ? 'vit-tiny-untrained' : m));
  if (mirror === undefined)
    log(`${modelMirror().reason}; benchmarking vit-tiny-untrained instead of vit-tiny`);
  const specs = models.map((m) => getModel(m));
  const imgs = await photos();
  try {
    const bytes = await Promise.all(imgs.paths.map((p) => readFile(p)));
    out(`# pnpm bench:worker${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`);
    out();
    out(machine().join('\n'));
    out(`- date: ${started.toISOString()}`);
    out(`- load average at start (1, 5, 15 min): ${loadStart.join(', ')}`);
    out(`- inputs: ${imgs.kind}, used round robin`);
    out(
      `- models: ${specs.map((s) => `${s.name}${s.trained ? '' : ' (untrained weights)'}`).join(', ')}; ` +
        `${INFLIGHT} calls in flight per cell, warm-up ${WARMUP_S} s, ≥ ${SECONDS} s measured per cell`,
    );
    out();

    const pre = await sharpSection(imgs.paths, bytes, specs);

    const results: ModelResult[] = [];
    for (const config of CONFIGS) {
      for (const model of models) {
        results.push(await benchModel(config, model, imgs.paths, bytes, mirror));
      }
    }

    out('## Throughput: in-process vs one worker process over gRPC');
    out();
    out(
      'Config `t×i` = `--threads t --intra-op-threads i` (session threads × onnxruntime intra-op threads). ' +
        "In-process: a `Classifier` in the bench process (`idunno classify`'s path); preprocessing excluded = `SessionPool.run` on ready tensors. " +
        'Worker: `RunTask` with URIs of the photos; preprocessing excluded = KServe `ModelInfer` with `raw_input_contents` (the float32 tensor crosses gRPC). ' +
        `Both sides keep ${INFLIGHT} calls of the batch size in flight; each cell is the best of ${ROUNDS} alternating rounds of ≥ ${SECONDS} s. ` +
        '"cores" = CPU seconds / wall seconds of the process doing the work (the bench process, or the worker + the bench process as its client); CPU ms per img = cores × 1000 / img/s, which a shared machine disturbs much less than img/s. ' +
        'ratio = worker / in-process; target ≥ 0.95 at batch 8.',
    );
    out();
    const rows: string[][] = [];
    for (const r of results) {
      for (const batch of BATCHES) {
        for (const mode of ['incl', 'excl'] as const) {
          const c = r.cells.get(`${batch}/${mode}`)!;
          const ratio = c.worker.imgPerSec / c.inproc.imgPerSec;
          rows.push([
            r.config,
            r.model,
            String(batch),
            mode === 'incl' ? 'included' : 'excluded',
            f1(c.inproc.imgPerSec),
            `${f2(c.inproc.cores)} / ${f1(cpuMs(c.inproc.cores, c.inproc))}`,
            f1(c.worker.imgPerSec),
            `${f2(c.worker.cores)} + ${f2(c.worker.clientCores ?? Number.NaN)} / ${f1(cpuMs(c.worker.cores, c.worker))} + ${f1(cpuMs(c.worker.clientCores ?? Number.NaN, c.worker))}`,
            `${f2(ratio)}${batch >= 8 ? (ratio >= 0.95 ? ' ✓' : ' ✗') : ''}`,
            f2(c.medianRatio),
            `${c.inproc.load} / ${c.worker.load}`,
          ]);
        }
      }
    }
    table(
      [
        'config',
        'model',
        'batch',
        'preprocessing',
        'in-process img/s',
        'cores / CPU ms per img',
        'worker img/s',
        'cores / CPU ms per img (worker + client)',
        'ratio (best)',
        'ratio (median)',
        'load 1m (in / worker)',
      ],
      rows,
    );

    out('Per-query timings the classifier reports (means, ms; preprocessing included cells).');
    out(
      '`preprocess` is wall time from read to tensor, so it includes waiting for a libuv/libvips thread; ' +
        '`inference` is the native run time of the batch divided by its images; `queue` is the wait for a free session thread.',
    );
    out();
    const trows: string[][] = [];
    for (const r of results) {
      for (const batch of BATCHES) {
        const c = r.cells.get(`${batch}/incl`)!;
        for (const [side, cell] of [
          ['in-process', c.inproc],
          ['worker', c.worker],
        ] as const) {
          const t = cell.timings;
          if (!t) continue;
          trows.push([
            r.config,
            r.model,
            String(batch),
            side,
            f1(t.fetchMs),
            f1(t.preprocessMs),
            f1(t.queueMs),
            f1(t.inferenceMs),
          ]);
        }
      }
    }
    table(['config', 'model', 'batch', 'side', 'fetch', 'preprocess', 'queue', 'inference / image'], trows);

    out('## Session load and worker memory');
    out();
    out(
      'Cold load = first `load` of the model in a fresh process (file in the page cache): in-process `SessionPool.load` time, ' +
        "and the worker's `LoadModel` reply (includes resolving the file and labels). " +
        'Worker RSS (`Status.rssBytes`): idle before any model, after `LoadModel`, and after the warm runs above; peak = VmHWM from /proc. Target ≤ 2 × file + 250 MB.',
    );
    out();
    const mrows: string[][] = results.map((r) => {
      const target = 2 * r.fileBytes + 250e6;
      return [
        r.config,
        r.model,
        `${(r.fileBytes / 1e6).toFixed(1)} MB`,
        `${f1(r.inprocLoadMs)} ms`,
        `${f1(r.workerLoadMs)} ms`,
        mb(r.rss.idle),
        mb(r.rss.loaded),
        mb(r.rss.status),
        mb(r.rss.vmHwm),
        `${(target / 1e6).toFixed(0)} MB`,
        r.rss.status <= target && r.rss.vmHwm <= target ? '✓' : '✗',
      ];
    });
    table(
      [
        'config',
        'model',
        'file',
        'load in-process',
        'load worker',
        'worker RSS idle',
        'after load',
        'after runs',
        'worker peak RSS',
        'target',
        'within',
      ],
      mrows,
    );

    out('## Thread configuration');
    out();
    const best = new Map<string, { config: string; imgPerSec: number }>();
    const crow: string[][] = [];
    for (const model of models) {
      for (const batch of BATCHES) {
        const row = [model, String(batch)];
        for (const config of CONFIGS) {
          const cname = `${config.threads}×${config.intra}`;
          const r = results.find((x) => x.model === model && x.config === cname);
          const w = r?.cells.get(`${batch}/incl`)?.worker.imgPerSec ?? Number.NaN;
          row.push(f1(w));
          const key = `${model}/${batch}`;
          const prev = best.get(key);
          if (!prev || w > prev.imgPerSec) best.set(key, { config: cname, imgPerSec: w });
        }
        row.push(best.get(`${model}/${batch}`)?.config ?? '–');
        crow.push(row);
      }
    }
    out('Worker img/s, preprocessing included, per configuration:');
    out();
    table(['model', 'batch', ...CONFIGS.map((c) => `${c.threads}×${c.intra}`), 'best'], crow);

    const vit = models[0]!;
    const vitBest = Math.max(
      ...results
        .filter((r) => r.model === vit)
        .flatMap((r) => BATCHES.map((b) => r.cells.get(`${b}/incl`)!.worker.imgPerSec)),
    );
    const vitInproc = Math.max(
      ...results
        .filter((r) => r.model === vit)
        .flatMap((r) => BATCHES.map((b) => r.cells.get(`${b}/incl`)!.inproc.imgPerSec)),
    );
    out('## End to end target');
    out();
    out(
      `${vit} end to end (decode, preprocess, infer), best cell: worker ${f1(vitBest)} img/s, in-process ${f1(vitInproc)} img/s; ` +
        `target ≥ 50 img/s (Ray Serve baseline 41 img/s): ${vitBest >= 50 ? 'reached' : 'not reached'}.`,
    );
    out();
    // Where a core-second goes: CPU per image for preprocessing alone and for inference alone.
    const preCpu = (() => {
      const t = pre.throughput.get(vit)?.c8;
      return t ? (t.cores * 1000) / t.imgPerSec : Number.NaN;
    })();
    const budget: string[][] = [];
    for (const r of results.filter((x) => x.model === vit)) {
      const x = r.cells.get(`${Math.max(...BATCHES)}/excl`)?.inproc;
      const inc = r.cells.get(`${Math.max(...BATCHES)}/incl`)?.inproc;
      if (!x || !inc) continue;
      const infCpu = (x.cores * 1000) / x.imgPerSec;
      const cores = availableParallelism();
      budget.push([
        r.config,
        f1(preCpu),
        f1(infCpu),
        f1((1000 * cores) / (preCpu + infCpu)),
        f1(x.imgPerSec),
        f1(inc.imgPerSec),
      ]);
    }
    out(
      `CPU budget per image at batch ${Math.max(...BATCHES)} (CPU ms = cores busy × wall / images; the bound assumes all ${availableParallelism()} cores stay busy):`,
    );
    out();
    table(
      [
        'config',
        'preprocess CPU ms / img',
        'inference CPU ms / img',
        'bound img/s (cores × 1000 / sum)',
        'inference-only img/s',
        'measured end to end (in-process)',
      ],
      budget,
    );
    out(
      `Single stream per image (ms, mean over photos, ${vit} spec): decode ${f1(pre.meanMs.decode)}, decode + resize ${f1(pre.meanMs.resize)}, full preprocess ${f1(pre.meanMs.full)}.`,
    );
    out();
    out(
      `- load average at end (1, 5, 15 min): ${loadavg()
        .map((x) => x.toFixed(2))
        .join(', ')}`,
    );
  } finally {
    await imgs.cleanup();
  }
}

main().then(
  async () => {
    await stopWorkers();
    process.exit(0);
  },
  async (err: unknown) => {
    if (stopping) return; // the signal handler drains, cleans up and exits
    process.stderr.write(
      `bench:worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    await stopWorkers();
    process.exit(1);
  },
);
