// Section 2: added latency per query at light load. One batch-1 job with one task in flight, so
// the gap between consecutive replies is one query's whole trip; against the same images one at a
// time in a process with the workers' glibc settings.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { WORKER_MALLOC_ENV } from '@idunno/testkit';
import { f2, markdownTable } from '../lib/markdown.js';
import { load1 } from '../lib/proc.js';
import { mean, quantile } from '../lib/stats.js';
import {
  type BenchContext,
  jobList,
  MIRROR_DIR,
  photoPaths,
  runJob,
  type SectionReport,
  tinyFiles,
  withCluster,
} from './harness.js';
import { LOCAL_PROBE_ENV, type LocalTimesRequest, timeLocally } from './local-times.js';

export interface LatencyOptions {
  /** Base sample count: tiny takes 10× as many queries, ViT 5×. */
  samples: number;
  /** Intra-op threads of the worker and of both in-process baselines (1 session thread each). */
  intraOp: number;
}

const PROBE_SCRIPT = fileURLToPath(new URL('./local-probe.js', import.meta.url));

/**
 * The same per-image times in a child process started with the workers' glibc settings
 * (WORKER_MALLOC_ENV), so that "added by the cluster" compares like with like; the difference
 * to this process's own times is what those memory-saving settings cost.
 */
async function timeInWorkerEnv(req: LocalTimesRequest): Promise<number[]> {
  const child = spawn(process.execPath, [PROBE_SCRIPT], {
    env: { ...process.env, ...WORKER_MALLOC_ENV, [LOCAL_PROBE_ENV]: JSON.stringify(req) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`local probe exited with ${code}`);
  return JSON.parse(stdout) as number[];
}

export async function measureLatency(
  ctx: BenchContext,
  model: string,
  opts: LatencyOptions,
): Promise<SectionReport> {
  const { tmp } = ctx;
  const paths = model === 'tiny' ? await tinyFiles(tmp) : (await photoPaths(tmp)).paths;
  // ViT: 5× the base count; 40 samples of a ~30-ms image left a ±3-ms p50 on this VM.
  const n = model === 'tiny' ? opts.samples * 10 : opts.samples * 5;
  const inputs = Array.from({ length: n }, (_, i) => paths[i % paths.length]!);
  const local: LocalTimesRequest = {
    model,
    inputs,
    intraOp: opts.intraOp,
    ...(MIRROR_DIR !== undefined ? { mirror: MIRROR_DIR } : {}),
  };
  let before: number[] = [];
  let after: number[] = [];
  let matched: number[] = [];
  let rtt: number[] = [];
  let cycles: number[] = [];
  let jobMsPerQuery = Number.NaN;
  const firsts: number[] = [];
  let moved = 0;
  await withCluster(
    ctx,
    {
      workers: 1,
      workerArgs: ['--threads', '1', '--intra-op-threads', String(opts.intraOp), '--preload', model],
      // One task in flight: each query's latency is measured alone, not hidden behind a pipeline.
      coordinatorArgs: ['--max-in-flight', '1'],
    },
    async (ctl) => {
      const t0 = ctl.takeovers();
      const warm = await jobList(tmp, paths, 8);
      await runJob(ctl, { jobId: 'lat-warm', model, inputs: [warm], batchSize: 1 });
      const list = await jobList(tmp, inputs, n);
      before = await timeLocally(local);
      matched = await timeInWorkerEnv(local);
      const run = await runJob(ctl, { jobId: 'lat', model, inputs: [list], batchSize: 1 }, 5);
      jobMsPerQuery = (run.seconds * 1000) / run.total;
      after = await timeLocally(local);
      matched = [...matched, ...(await timeInWorkerEnv(local))];
      const conn = await ctl.leader();
      // Every outcome's timings (`ms`, `at`), paged by ClusterClient; an error outcome has none.
      const payloads = (await ctl.client.allResults('lat')).map((o) =>
        o.kind === 'result'
          ? { ms: o.ms ?? Number.NaN, at: o.at ?? Number.NaN }
          : { ms: Number.NaN, at: Number.NaN },
      );
      rtt = payloads.map((p) => p.ms);
      // With one query in flight, the gap between consecutive replies is one query's whole trip:
      // recording the previous result in Redis, the next dispatch, the round trip to the worker.
      const ats = payloads.map((p) => p.at).sort((x, y) => x - y);
      cycles = ats.slice(1).map((t, i) => t - ats[i]!);
      // A single-query job: start-job's own work (loading the job into a Tracker) included.
      const one = await jobList(tmp, [paths[0]!], 1);
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
  const addedP50 = quantile(cycles, 0.5) - pMatched;
  return {
    headlines: [
      {
        measure: `added latency per query, p50 (${model}; vs one process with the workers' glibc settings)`,
        value: `${f2(addedP50)} ms`,
        target: '≤ 3 ms',
        met: addedP50 <= 3,
      },
    ],
    lines: [
      `### 2. Added latency per query at light load (${model}, ${n} queries, batch 1, one task in flight)`,
      '',
      ...markdownTable(
        [
          'measure',
          'p50 ms',
          'p90 ms',
          'mean ms',
          'p50 − p50 in-process (in-process row: − this process; others: − same glibc settings)',
        ],
        [
          [
            `in-process \`Classifier.classify\`, one image at a time (1×${opts.intraOp} threads), before and after the job`,
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
            `cluster: coordinator dispatch → worker reply (result \`ms\`), 1 worker 1×${opts.intraOp}`,
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
      ),
      '',
      `Added latency through the coordinator (p50 of one query’s whole trip − p50 in one process with ` +
        `the workers' glibc settings): **${f2(addedP50)} ms** (target ≤ 3 ms); against this process's ` +
        `default allocator ${f2(quantile(cycles, 0.5) - pLocal)} ms, of which the memory-saving settings are ` +
        `${f2(pMatched - pLocal)} ms (docs/OPERATIONS.md, "Worker memory"). In-process before/after p50 ` +
        `${f2(quantile(before, 0.5))}/${f2(quantile(after, 0.5))} ms. Load avg ${load1()}` +
        `${moved > 0 ? `; ${moved} leader takeover(s) during the samples` : ''}.`,
      '',
    ],
  };
}
