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
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mirror, type TestCluster, VIT } from '@idunno/testkit';
import { markdownTable } from '../lib/markdown.js';
import { loadAverages } from '../lib/proc.js';
import { type DispatchInputs, measureDispatch } from './dispatch.js';
import { measureFairness } from './fairness.js';
import { measureFirstResult, TWO_JOBS_CLUSTER } from './first-result.js';
import { type BenchContext, type Headline, type SectionReport, withCluster } from './harness.js';
import { measureLatency } from './latency.js';
import { measureThroughput, type WorkerConfig } from './throughput.js';

const HELP =
  'usage: pnpm bench:cluster [--quick] [--sections 1,2,3,4,5] [--configs 2x1x1,1x1x2]\n' +
  '         [--throughput-queries n] [--latency-samples n] [--latency-intra-op n] [--dispatch-queries n]\n' +
  '         [--dispatch-batches 64,256] [--dispatch-inputs synthetic,png] [--fair-seconds n]\n' +
  '         [--fair-batch n] [--cpu-prof dir]\n' +
  '  --fair-batch: batch size of both jobs in sections 4 and 5 (default 4)\n' +
  "  --latency-intra-op: intra-op threads of section 2's worker and in-process baseline (default 2)\n" +
  '  --dispatch-inputs: synthetic:// inputs (no decode: the control plane alone) and/or 32×32 PNGs\n' +
  '  --configs: workers × threads × intra-op threads per worker, comma separated\n' +
  '  --cpu-prof: run section 3 with NODE_OPTIONS=--cpu-prof, profiles written to dir\n';

/** Section 2's worker and in-process baseline: 1 session thread × this many intra-op threads. */
const DEFAULT_LATENCY_INTRA_OP = 2;
const DEFAULT_DISPATCH_QUERIES = 40_000;
/** Batch 4: at ~16 q/s per job one batch of 8 is 5 % of a 10-s window, the size of the target itself. */
const DEFAULT_FAIR_BATCH = 4;

/** What a run measures; the defaults of the full run, or of `--quick` where they differ. */
interface ClusterBenchOptions {
  quick: boolean;
  /** @default 1,2,3,4,5 (4 and 5 run together: either one runs both) */
  sections: ReadonlySet<number>;
  /** @default 2x1x1,1x1x2 (quick: 2x1x1) */
  configs: WorkerConfig[];
  /** @default 960 (quick: 480) */
  throughputQueries: number;
  /** @default 2 */
  latencyIntraOp: number;
  /** @default 40 (quick: 10) */
  latencySamples: number;
  /** @default 40,000 */
  dispatchQueries: number;
  /** @default 256,1024 (quick: 1024) */
  dispatchBatches: number[];
  /** @default synthetic,png (quick: synthetic) */
  dispatchInputs: DispatchInputs[];
  /** @default 4 */
  fairBatch: number;
  /** @default 60 (quick: 40) */
  fairSeconds: number;
  /** @default none: no profiling */
  cpuProfileDir?: string;
}

function positive(name: string, v: string | number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
}

/** The options from the command line; undefined after printing the help. */
function parseFlags(args: readonly string[]): ClusterBenchOptions | undefined {
  const { values } = parseArgs({
    args: [...args],
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
    process.stdout.write(HELP);
    return undefined;
  }
  const quick = values.quick;
  return {
    quick,
    sections: new Set(values.sections.split(',').map(Number)),
    configs: (values.configs ?? (quick ? '2x1x1' : '2x1x1,1x1x2')).split(',').map((c) => {
      const [w, t, i] = c.split('x').map(Number);
      for (const v of [w, t, i])
        if (!Number.isInteger(v) || v! < 1)
          throw new Error(`--configs entries look like 2x1x1 (workers × threads × intra-op), got "${c}"`);
      return { workers: w!, threads: t!, intra: i! };
    }),
    throughputQueries: positive('throughput-queries', values['throughput-queries'] ?? (quick ? 480 : 960)),
    latencyIntraOp: positive('latency-intra-op', values['latency-intra-op'] ?? DEFAULT_LATENCY_INTRA_OP),
    latencySamples: positive('latency-samples', values['latency-samples'] ?? (quick ? 10 : 40)),
    dispatchQueries: positive('dispatch-queries', values['dispatch-queries'] ?? DEFAULT_DISPATCH_QUERIES),
    dispatchBatches: (values['dispatch-batches'] ?? (quick ? '1024' : '256,1024'))
      .split(',')
      .map((b) => positive('dispatch-batches', b)),
    dispatchInputs: (values['dispatch-inputs'] ?? (quick ? 'synthetic' : 'synthetic,png'))
      .split(',')
      .map((k): DispatchInputs => {
        if (k !== 'synthetic' && k !== 'png')
          throw new Error(`--dispatch-inputs entries are synthetic or png, got "${k}"`);
        return k;
      }),
    fairBatch: positive('fair-batch', values['fair-batch'] ?? DEFAULT_FAIR_BATCH),
    fairSeconds: positive('fair-seconds', values['fair-seconds'] ?? (quick ? 40 : 60)),
    ...(values['cpu-prof'] !== undefined ? { cpuProfileDir: values['cpu-prof'] } : {}),
  };
}

const log = (msg: string) =>
  process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const out = (lines: readonly string[]) => {
  for (const line of lines) process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opts = parseFlags(args);
  if (!opts) return;
  const tmp = await mkdtemp(join(tmpdir(), 'idunno-bench-cluster-'));
  const running = new Set<TestCluster>();
  const stopAll = () => {
    void Promise.all([...running].map((c) => c.stop())).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  const ctx: BenchContext = { tmp, log, running };
  /** Each section's headline numbers against the issue's targets, printed again at the end. */
  const summary: Headline[] = [];
  const print = (r: SectionReport) => {
    out(r.lines);
    summary.push(...r.headlines);
  };
  try {
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    out([
      `Command: \`pnpm bench:cluster${args.length ? ` ${args.join(' ')}` : ''}\``,
      '',
      `Machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
        `Node ${process.version}; ${new Date().toISOString().slice(0, 16)}Z; load avg at start ${loadAverages().join(
          ' ',
        )}; model ${VIT}${mirror.dir === undefined ? ' (no mirror: untrained twin)' : ''}.`,
      '',
    ]);
    if (opts.sections.has(1))
      print(
        await measureThroughput(ctx, {
          configs: opts.configs,
          queries: opts.throughputQueries,
          warmupQueries: opts.quick ? 16 : 32,
        }),
      );
    if (opts.sections.has(2)) {
      const latency = { samples: opts.latencySamples, intraOp: opts.latencyIntraOp };
      print(await measureLatency(ctx, VIT, latency));
      print(await measureLatency(ctx, 'tiny', latency));
    }
    if (opts.sections.has(3))
      print(
        await measureDispatch(ctx, {
          queries: opts.dispatchQueries,
          batches: opts.dispatchBatches,
          inputs: opts.dispatchInputs,
          idleSeconds: opts.quick ? 3 : 5,
          ...(opts.cpuProfileDir !== undefined ? { cpuProfileDir: opts.cpuProfileDir } : {}),
        }),
      );
    if (opts.sections.has(4) || opts.sections.has(5)) {
      await withCluster(ctx, TWO_JOBS_CLUSTER, async (ctl) => {
        const first = await measureFirstResult(ctx, ctl, {
          batch: opts.fairBatch,
          aloneSeconds: opts.quick ? 5 : 10,
        });
        print(first.report);
        print(
          await measureFairness(ctl, first.started, {
            batch: opts.fairBatch,
            seconds: opts.fairSeconds,
            steadyFromS: opts.fairSeconds >= 50 ? 30 : 20,
          }),
        );
      });
    }
    out([
      '### Summary',
      '',
      ...markdownTable(
        ['measure', 'value', 'target', ''],
        summary.map((h) => [h.measure, h.value, h.target, h.met ? 'met' : 'not met']),
      ),
      '',
      `Load avg at the end: ${loadAverages().join(' ')}.`,
    ]);
  } finally {
    await Promise.all([...running].map((c) => c.stop()));
    await rm(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench:cluster failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
