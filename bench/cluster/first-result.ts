// Section 4: time from the second job's start-job to its first recorded result, while the first
// job runs steadily. It leaves both jobs running for section 5 (fairness.ts) on the same cluster.
import { setTimeout as sleep } from 'node:timers/promises';
import { VIT } from '@idunno/testkit';
import type { Control } from '../lib/control.js';
import { f0, f1, markdownTable } from '../lib/markdown.js';
import { load1 } from '../lib/proc.js';
import {
  type BenchContext,
  type ClusterSetup,
  jobList,
  jobStats,
  photoPaths,
  type SectionReport,
} from './harness.js';

/** Sections 4 and 5's cluster: 2 workers × 1×1 with both models loaded. */
export const TWO_JOBS_CLUSTER: ClusterSetup = {
  workers: 2,
  workerArgs: ['--threads', '1', '--intra-op-threads', '1', '--preload', `${VIT},resnet50`],
};

export interface FirstResultOptions {
  /** Batch size of both jobs. */
  batch: number;
  /** Seconds job A runs alone before B starts. */
  aloneSeconds: number;
}

/** Where section 5 takes over: job B has just started, job A has run alone. */
export interface SecondJobStarted {
  /** `performance.now()` when B's start-job returned. */
  t0: number;
  /** Takeovers counted before B started. */
  takeoversBefore: number;
  /** A's 10-s rate just before B started (q/s). */
  aAlone: number;
}

export async function measureFirstResult(
  ctx: BenchContext,
  ctl: Control,
  opts: FirstResultOptions,
): Promise<{ report: SectionReport; started: SecondJobStarted }> {
  const { paths } = await photoPaths(ctx.tmp);
  const listA = await jobList(ctx.tmp, paths, 20_000);
  const listB = await jobList(ctx.tmp, paths, 20_000);
  await ctl.call((c) =>
    c.addJob({ jobId: 'A', model: VIT, inputs: [listA], batchSize: opts.batch, topK: 5 }),
  );
  await ctl.call((c) =>
    c.addJob({ jobId: 'B', model: 'resnet50', inputs: [listB], batchSize: opts.batch, topK: 5 }),
  );
  await ctl.call((c) => c.startJob('A'));
  // "Runs steadily": a full 10-s window of A alone.
  await sleep(opts.aloneSeconds * 1000);
  const aStats = await jobStats(ctl, 'A');
  const aAlone = aStats.rateQps;
  const aTaskMs = aStats.processing?.medianMs ?? Number.NaN;
  ctx.log(`job A alone: ${f1(aAlone)} q/s`);
  const takeoversBefore = ctl.takeovers();
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
  ctx.log(`job B first result: ${f0(first)} ms`);
  return {
    started: { t0, takeoversBefore, aAlone },
    report: {
      headlines: [
        {
          measure: 'second job: start-job → first result',
          value: `${f0(first)} ms`,
          target: '≤ 1000 ms',
          met: first <= 1000,
        },
      ],
      lines: [
        `### 4. Second job's first result (A: ${VIT} alone at ${f1(aAlone)} q/s for ${opts.aloneSeconds} s, then B: resnet50; 2 workers × 1×1)`,
        '',
        ...markdownTable(
          ['measure', 'ms', 'target', 'load avg'],
          [
            [
              "B's start-job returned → B's first recorded result (stats polled every 20 ms)",
              f0(first),
              '≤ 1000',
              load1(),
            ],
            [
              `for scale: A's task round trip p50 (batch ${opts.batch}, dispatch → recorded)`,
              f0(aTaskMs),
              '',
              '',
            ],
          ],
        ),
        '',
      ],
    },
  };
}
