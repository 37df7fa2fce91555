// Measures the registry's relativeCost: `node models/dist/bench-cost.js [name...]`.
// Not a test (it needs every model on disk, vit-base included, and takes about a minute): a
// script whose printed ratios are copied into MEASURED_COST in registry.ts.
import ort from 'onnxruntime-node';
import { ensureModel } from './fetch.js';
import { getModel, listModels } from './registry.js';

const BATCH = 8;
const WARMUP = 2;
const ROUNDS = 9;
/**
 * One intra-op thread: the ratio then reflects CPU work per query, and it is far less sensitive
 * to other processes competing for the machine's two cores than a two-thread run.
 */
const THREADS = 1;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? Number.NaN;
}

interface Bench {
  name: string;
  run: () => Promise<unknown>;
  times: number[];
}

async function prepare(name: string): Promise<Bench> {
  const spec = getModel(name);
  const path = await ensureModel(name, { log: (l) => console.error(l) });
  const session = await ort.InferenceSession.create(path, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
  });
  const { channels, height, width } = spec.input;
  const data = Float32Array.from({ length: BATCH * channels * height * width }, () => Math.random() * 2 - 1);
  const feeds = { [spec.input.name]: new ort.Tensor('float32', data, [BATCH, channels, height, width]) };
  return { name, run: () => session.run(feeds), times: [] };
}

const names = process.argv.slice(2);
const targets = ['vit-tiny', ...(names.length > 0 ? names : listModels().map((m) => m.name))].filter(
  (n, i, all) => all.indexOf(n) === i,
);
const benches: Bench[] = [];
for (const name of targets) {
  try {
    benches.push(await prepare(name));
  } catch (err) {
    console.log(`${name}: skipped (${(err as Error).message})`);
  }
}
// Round-robin, so a burst of load from other processes hits every model alike.
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  for (const b of benches) {
    const t = performance.now();
    await b.run();
    if (round >= WARMUP) b.times.push(performance.now() - t);
  }
}
const base = median(benches.find((b) => b.name === 'vit-tiny')?.times ?? []);
for (const b of benches) {
  const ms = median(b.times);
  console.log(
    `${b.name}: median ${ms.toFixed(2)} ms per batch of ${BATCH}, relativeCost ${(ms / base).toPrecision(2)}`,
  );
}
