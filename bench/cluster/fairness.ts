// Section 5: fair-time. Both jobs' 10-s-window rates, sampled twice a second after the second job
// starts, and how far apart they stay. infra/bench.mjs draws docs/charts/fairtime.svg from the
// "time series" rows, so their columns are a contract.
import { setTimeout as sleep } from 'node:timers/promises';
import { VIT } from '@idunno/testkit';
import type { Control } from '../lib/control.js';
import { f1, markdownTable, pct } from '../lib/markdown.js';
import { max, mean } from '../lib/stats.js';
import type { SecondJobStarted } from './first-result.js';
import type { SectionReport } from './harness.js';

export interface FairnessOptions {
  /** Batch size of both jobs (for the heading). */
  batch: number;
  /** Seconds sampled after B's start. */
  seconds: number;
  /** Where the series counts as steady state (s after B's start). */
  steadyFromS: number;
}

export async function measureFairness(
  ctl: Control,
  started: SecondJobStarted,
  opts: FairnessOptions,
): Promise<SectionReport> {
  const { t0, takeoversBefore, aAlone } = started;
  const series: { t: number; a: number; b: number; gap: number; takeovers: number }[] = [];
  // Sampled twice a second; the rates are the Trackers' own 10-s windows (100-ms buckets).
  for (let h = Math.max(1, Math.ceil((performance.now() - t0) / 500)); h <= opts.seconds * 2; h++) {
    const s = h / 2;
    await sleep(Math.max(0, t0 + s * 1000 - performance.now()));
    const all = await ctl.call((c) => c.stats());
    const a = all.jobs.find((j) => j.job?.jobId === 'A')?.rateQps ?? Number.NaN;
    const b = all.jobs.find((j) => j.job?.jobId === 'B')?.rateQps ?? Number.NaN;
    const gap = Math.abs(a - b) / Math.max(a, b);
    series.push({ t: s, a, b, gap, takeovers: ctl.takeovers() - takeoversBefore });
  }
  await ctl.call((c) => c.stopJob('A')).catch(() => undefined);
  await ctl.call((c) => c.stopJob('B')).catch(() => undefined);
  const at15 = series.find((x) => x.t === 15)?.gap ?? Number.NaN;
  const gaps = (from: number) => series.filter((x) => x.t >= from).map((x) => x.gap);
  const after15 = gaps(15);
  const steady = gaps(opts.steadyFromS);
  const within5 = steady.length > 0 ? steady.filter((g) => g <= 0.05).length / steady.length : Number.NaN;
  const last = series.at(-1);
  return {
    headlines: [
      {
        measure: 'fair-time: max gap from 15 s',
        value: pct(max(after15)),
        target: '≤ 10%',
        met: max(after15) <= 0.1,
      },
      {
        measure: `fair-time: mean gap from ${opts.steadyFromS} s (steady state)`,
        value: pct(mean(steady)),
        target: '≤ 5%',
        met: mean(steady) <= 0.05,
      },
    ],
    lines: [
      `### 5. Fair-time: ${VIT} (A) and resnet50 (B), batch ${opts.batch}, 2 workers × 1×1, 10-s-window rates from stats`,
      '',
      ...markdownTable(
        ['measure', 'value', 'target'],
        [
          ['gap |a−b|/max(a,b) at 15 s', pct(at15), '≤ 10%'],
          [`max gap from 15 s to ${opts.seconds} s`, pct(max(after15)), '≤ 10%'],
          [
            `mean gap from ${opts.steadyFromS} s to ${opts.seconds} s (steady state)`,
            pct(mean(steady)),
            '≤ 5%',
          ],
          [`max gap from ${opts.steadyFromS} s to ${opts.seconds} s`, pct(max(steady)), ''],
          [`samples within 5 % from ${opts.steadyFromS} s`, pct(within5), ''],
          ['A alone before B (q/s)', f1(aAlone), ''],
          ['A + B at the end (q/s)', f1((last?.a ?? Number.NaN) + (last?.b ?? Number.NaN)), ''],
          ['leader takeovers during the series', String(last?.takeovers ?? 0), '0'],
        ],
      ),
      '',
      '<details><summary>time series (s after B’s start-job returned; q/s)</summary>',
      '',
      ...markdownTable(
        ['t s', 'rate A', 'rate B', 'gap', 'takeovers so far'],
        series
          .filter((x) => Number.isInteger(x.t))
          .map((x) => [String(x.t), f1(x.a), f1(x.b), pct(x.gap), String(x.takeovers)]),
      ),
      '',
      '</details>',
      '',
    ],
  };
}
