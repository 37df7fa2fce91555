// Preprocessing alone: per photo, sharp's decode, then the product's decode + resize step
// (`decodeAndResize`), then the whole `preprocessInto`; and preprocessing throughput per model spec.
import { decodeAndResize, imageElements, preprocessInto } from '@idunno/inference';
import type { ModelSpec } from '@idunno/models';
import sharp from 'sharp';
import { f1, f2, markdownTable } from '../lib/markdown.js';
import type { CallResult, Cell, ClosedLoop } from '../lib/measure.js';
import { load1, selfCpuSeconds } from '../lib/proc.js';

export interface PreprocessSummary {
  /** img/s and cores busy of the full preprocessInto at 1 and 8 concurrent images, per model. */
  throughput: Map<string, { c1: Cell; c8: Cell }>;
  /** Mean over photos of the single-stream best time, per stage (ms), for the first model's spec. */
  meanMs: { decode: number; resize: number; full: number };
}

/**
 * Decoding alone, without the resize: a bench-only stage, to tell decode time from resize time.
 * The product never stops here.
 */
const decodeOnly = (b: Buffer) => sharp(b, { failOn: 'error' }).removeAlpha().raw().toBuffer();

/** Best of `reps` timed runs after one untimed one: on a shared machine the minimum is the least disturbed run. */
async function bestOf(fn: () => Promise<unknown>, reps: number): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return Math.min(...ms);
}

export async function measurePreprocess(
  loop: ClosedLoop,
  paths: readonly string[],
  bytes: readonly Buffer[],
  specs: readonly ModelSpec[],
  opts: { reps: number },
): Promise<{ lines: string[]; summary: PreprocessSummary }> {
  const lines = [
    '## Preprocessing alone (sharp decode + resize, then crop/normalise in JS)',
    '',
    `sharp ${sharp.versions.sharp ?? '?'} (libvips ${sharp.versions.vips}), sharp.concurrency() = ${sharp.concurrency()} libvips threads per image, UV_THREADPOOL_SIZE = ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}. ` +
      'Single stream: one image at a time, best of repeats. "full" is `preprocessInto` (what the classifier runs per query).',
    '',
  ];
  const spec = specs[0]!;
  const rows: string[][] = [];
  const all = { decode: 0, resize: 0, full: 0 };
  const scratch = new Float32Array(imageElements(spec.preprocess));
  for (const [i, path] of paths.entries()) {
    const b = bytes[i]!;
    const meta = await sharp(b).metadata();
    const d = await bestOf(() => decodeOnly(b), opts.reps);
    const r = await bestOf(() => decodeAndResize(b, spec.preprocess), opts.reps);
    const f = await bestOf(() => preprocessInto(b, spec.preprocess, scratch, 0), opts.reps);
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
  lines.push(
    `Per photo, ms, ${spec.name} preprocessing (resize shorter side to ${spec.preprocess.resizeShorter} ${spec.preprocess.interpolation}, crop ${spec.preprocess.crop}); load ${load1()}:`,
    '',
    ...markdownTable(['photo', 'size', 'bytes', 'decode', 'decode + resize', 'full preprocess'], rows),
    '',
  );

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
    const c1 = await loop.measure(`preprocess ${m.name} ×1`, call, selfCpuSeconds, { inflight: 1 });
    const c8 = await loop.measure(`preprocess ${m.name} ×8`, call, selfCpuSeconds, { inflight: 8 });
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
  lines.push(
    'Preprocessing throughput (full `preprocessInto`, photos round robin, this process only, no inference):',
    '',
    ...markdownTable(
      ['model spec', 'concurrent images', 'img/s', 'cores busy', 'CPU ms / image', 'load 1m'],
      trows,
    ),
    '',
  );
  return { lines, summary: { throughput, meanMs } };
}
