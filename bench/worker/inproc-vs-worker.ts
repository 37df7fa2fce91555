// In-process vs one worker process over gRPC, per thread configuration and model: images/s with
// preprocessing included (URIs of encoded photos) and excluded (raw tensors: SessionPool.run
// in-process, KServe ModelInfer through the worker), session load time and worker memory.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { WorkerConnection } from '@idunno/client';
import { Classifier, imageElements, preprocessInto } from '@idunno/inference';
import { getModel, type PreprocessSpec } from '@idunno/models';
import type { GRPCInferenceServiceClient } from '@idunno/proto';
import { type NodeProcess, startWorker } from '@idunno/testkit';
import { f1, f2, markdownTable } from '../lib/markdown.js';
import type { CallResult, Cell, ClosedLoop } from '../lib/measure.js';
import { procCpuSeconds, procStatusBytes, selfCpuSeconds } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import type { PreprocessSummary } from './preprocess.js';

/** Session threads × intra-op threads per session (`--configs 1x2`). */
export interface ThreadConfig {
  threads: number;
  intra: number;
}

/** What the comparison needs from main. */
export interface CompareContext {
  loop: ClosedLoop;
  log: (msg: string) => void;
  /** In-process and worker cells alternate this many times; tables show the best round. */
  rounds: number;
  /** Warm-up of a pair's first round (s); later rounds start warm. */
  warmupS: number;
  batches: readonly number[];
  mirror: string | undefined;
  /** Workers and classifiers open now: main stops and closes them on every exit path. */
  open: { workers: Set<NodeProcess>; classifiers: Set<Classifier> };
}

interface Pair {
  inproc: Cell;
  worker: Cell;
  /** Ratio of the medians over rounds (the tables' ratio is of the best rounds). */
  medianRatio: number;
}

export interface ModelResult {
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

/** A batch tensor of `batch` preprocessed photos, for the preprocessing-excluded cells. */
async function batchTensor(
  spec: PreprocessSpec,
  bytes: readonly Buffer[],
  batch: number,
): Promise<Float32Array> {
  const per = imageElements(spec);
  const t = new Float32Array(per * batch);
  for (let i = 0; i < batch; i++) await preprocessInto(bytes[i % bytes.length]!, spec, t, i * per);
  return t;
}

/** CPU milliseconds spent per image, from cores busy and throughput. */
const cpuMs = (cores: number, cell: Cell) => (cores * 1000) / cell.imgPerSec;
const best = (cells: Cell[]) => cells.reduce((a, b) => (b.imgPerSec > a.imgPerSec ? b : a));
/** Bytes as MiB; "–" when /proc could not be read (the worker had gone). */
const mb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : '–');

/**
 * Measures the in-process and the worker side alternately, `rounds` times, so both sides see the
 * same share of whatever else the machine is doing; keeps each side's best round.
 */
async function pair(
  ctx: CompareContext,
  label: string,
  inproc: () => Promise<CallResult>,
  viaWorker: () => Promise<CallResult>,
  workerPid: number,
): Promise<Pair> {
  const ins: Cell[] = [];
  const ws: Cell[] = [];
  for (let r = 0; r < ctx.rounds; r++) {
    // Later rounds need no warm-up: the sessions are warm, and measuring starts at a completion.
    const warmupS = r === 0 ? ctx.warmupS : 0;
    ins.push(await ctx.loop.measure(`${label} in-process r${r + 1}`, inproc, selfCpuSeconds, { warmupS }));
    ws.push(
      await ctx.loop.measure(`${label} worker r${r + 1}`, viaWorker, () => procCpuSeconds(workerPid), {
        warmupS,
        clientCpu: selfCpuSeconds,
      }),
    );
  }
  return {
    inproc: best(ins),
    worker: best(ws),
    medianRatio: median(ws.map((c) => c.imgPerSec)) / median(ins.map((c) => c.imgPerSec)),
  };
}

/** One model in one thread configuration: a Classifier here and a worker process, side by side. */
export async function compareModel(
  ctx: CompareContext,
  config: ThreadConfig,
  model: string,
  paths: readonly string[],
  bytes: readonly Buffer[],
): Promise<ModelResult> {
  const spec = getModel(model);
  const cname = `${config.threads}×${config.intra}`;
  const tag = `${cname} ${model}`;
  // In-process classifier and worker process both stay up for the whole model, so each in-process
  // cell is measured right next to its worker cell (the ratio is less exposed to load drift).
  const classifier = new Classifier({
    pool: { threads: config.threads, intraOpThreads: config.intra },
    ...(ctx.mirror !== undefined ? { mirror: ctx.mirror } : {}),
  });
  ctx.open.classifiers.add(classifier);
  const worker = await startWorker({
    args: ['--threads', String(config.threads), '--intra-op-threads', String(config.intra)],
    env: ctx.mirror !== undefined ? { IDUNNO_MODEL_MIRROR: ctx.mirror } : {},
    readyTimeoutMs: 60_000,
  });
  ctx.open.workers.add(worker);
  const conn = new WorkerConnection(worker.address);
  try {
    const rssIdle = Number((await conn.status()).rssBytes);
    const loaded = await classifier.load(model);
    const wl = await conn.loadModel(model, 300_000);
    const rssLoaded = Number((await conn.status()).rssBytes);
    ctx.log(`${tag}: cold load in-process ${f1(loaded.loadMs)} ms, worker ${f1(wl.loadMs)} ms`);
    const fileBytes = statSync(loaded.path).size;
    let q = 0;
    let task = 0;
    const cells = new Map<string, Pair>();
    for (const batch of ctx.batches) {
      const nextUris = () => Array.from({ length: batch }, () => paths[q++ % paths.length]!);
      // Preprocessing included: encoded photos by path.
      const incl = await pair(
        ctx,
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
        ctx,
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
      vmRss: procStatusBytes(worker.pid, 'VmRSS'),
      vmHwm: procStatusBytes(worker.pid, 'VmHWM'),
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
    ctx.open.classifiers.delete(classifier);
    await worker.stop(5_000);
    ctx.open.workers.delete(worker);
  }
}

/** How the grid was run, for the tables' headers and prose. */
export interface GridShape {
  models: readonly string[];
  configs: readonly ThreadConfig[];
  batches: readonly number[];
  inflight: number;
  rounds: number;
  seconds: number;
}

/** The throughput, per-query timing, load/memory and thread-configuration tables. */
export function comparisonReport(results: readonly ModelResult[], grid: GridShape): string[] {
  const lines = [
    '## Throughput: in-process vs one worker process over gRPC',
    '',
    'Config `t×i` = `--threads t --intra-op-threads i` (session threads × onnxruntime intra-op threads). ' +
      "In-process: a `Classifier` in the bench process (`idunno classify`'s path); preprocessing excluded = `SessionPool.run` on ready tensors. " +
      'Worker: `RunTask` with URIs of the photos; preprocessing excluded = KServe `ModelInfer` with `raw_input_contents` (the float32 tensor crosses gRPC). ' +
      `Both sides keep ${grid.inflight} calls of the batch size in flight; each cell is the best of ${grid.rounds} alternating rounds of ≥ ${grid.seconds} s. ` +
      '"cores" = CPU seconds / wall seconds of the process doing the work (the bench process, or the worker + the bench process as its client); CPU ms per img = cores × 1000 / img/s, which a shared machine disturbs much less than img/s. ' +
      'ratio = worker / in-process; target ≥ 0.95 at batch 8.',
    '',
  ];
  const rows: string[][] = [];
  for (const r of results) {
    for (const batch of grid.batches) {
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
  lines.push(
    ...markdownTable(
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
    ),
    '',
  );

  lines.push(
    'Per-query timings the classifier reports (means, ms; preprocessing included cells).',
    '`preprocess` is wall time from read to tensor, so it includes waiting for a libuv/libvips thread; ' +
      '`inference` is the native run time of the batch divided by its images; `queue` is the wait for a free session thread.',
    '',
  );
  const trows: string[][] = [];
  for (const r of results) {
    for (const batch of grid.batches) {
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
  lines.push(
    ...markdownTable(
      ['config', 'model', 'batch', 'side', 'fetch', 'preprocess', 'queue', 'inference / image'],
      trows,
    ),
    '',
  );

  lines.push(
    '## Session load and worker memory',
    '',
    'Cold load = first `load` of the model in a fresh process (file in the page cache): in-process `SessionPool.load` time, ' +
      "and the worker's `LoadModel` reply (includes resolving the file and labels). " +
      'Worker RSS (`Status.rssBytes`): idle before any model, after `LoadModel`, and after the warm runs above; peak = VmHWM from /proc. Target ≤ 2 × file + 250 MB.',
    '',
  );
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
  lines.push(
    ...markdownTable(
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
    ),
    '',
  );

  lines.push('## Thread configuration', '');
  const bestConfig = new Map<string, { config: string; imgPerSec: number }>();
  const crow: string[][] = [];
  for (const model of grid.models) {
    for (const batch of grid.batches) {
      const row = [model, String(batch)];
      for (const config of grid.configs) {
        const cname = `${config.threads}×${config.intra}`;
        const r = results.find((x) => x.model === model && x.config === cname);
        const w = r?.cells.get(`${batch}/incl`)?.worker.imgPerSec ?? Number.NaN;
        row.push(f1(w));
        const key = `${model}/${batch}`;
        const prev = bestConfig.get(key);
        if (!prev || w > prev.imgPerSec) bestConfig.set(key, { config: cname, imgPerSec: w });
      }
      row.push(bestConfig.get(`${model}/${batch}`)?.config ?? '–');
      crow.push(row);
    }
  }
  lines.push(
    'Worker img/s, preprocessing included, per configuration:',
    '',
    ...markdownTable(['model', 'batch', ...grid.configs.map((c) => `${c.threads}×${c.intra}`), 'best'], crow),
    '',
  );
  return lines;
}

/** The end-to-end target for the first model, and where a core-second goes per image. */
export function endToEndReport(
  results: readonly ModelResult[],
  pre: PreprocessSummary,
  grid: GridShape,
): string[] {
  const vit = grid.models[0]!;
  const maxBatch = Math.max(...grid.batches);
  const vitBest = Math.max(
    ...results
      .filter((r) => r.model === vit)
      .flatMap((r) => grid.batches.map((b) => r.cells.get(`${b}/incl`)!.worker.imgPerSec)),
  );
  const vitInproc = Math.max(
    ...results
      .filter((r) => r.model === vit)
      .flatMap((r) => grid.batches.map((b) => r.cells.get(`${b}/incl`)!.inproc.imgPerSec)),
  );
  const lines = [
    '## End to end target',
    '',
    `${vit} end to end (decode, preprocess, infer), best cell: worker ${f1(vitBest)} img/s, in-process ${f1(vitInproc)} img/s; ` +
      `target ≥ 50 img/s (Ray Serve baseline 41 img/s): ${vitBest >= 50 ? 'reached' : 'not reached'}.`,
    '',
  ];
  // Where a core-second goes: CPU per image for preprocessing alone and for inference alone.
  const preCpu = (() => {
    const t = pre.throughput.get(vit)?.c8;
    return t ? (t.cores * 1000) / t.imgPerSec : Number.NaN;
  })();
  const budget: string[][] = [];
  for (const r of results.filter((x) => x.model === vit)) {
    const x = r.cells.get(`${maxBatch}/excl`)?.inproc;
    const inc = r.cells.get(`${maxBatch}/incl`)?.inproc;
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
  lines.push(
    `CPU budget per image at batch ${maxBatch} (CPU ms = cores busy × wall / images; the bound assumes all ${availableParallelism()} cores stay busy):`,
    '',
    ...markdownTable(
      [
        'config',
        'preprocess CPU ms / img',
        'inference CPU ms / img',
        'bound img/s (cores × 1000 / sum)',
        'inference-only img/s',
        'measured end to end (in-process)',
      ],
      budget,
    ),
    '',
    `Single stream per image (ms, mean over photos, ${vit} spec): decode ${f1(pre.meanMs.decode)}, decode + resize ${f1(pre.meanMs.resize)}, full preprocess ${f1(pre.meanMs.full)}.`,
    '',
  );
  return lines;
}
