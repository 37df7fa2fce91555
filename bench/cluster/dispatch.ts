// Section 3: dispatch capacity with the near-free `tiny` model, and the CPU each process spends
// per query (/proc/<pid>/stat), above what it spends idle.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { f0, f1, f2, markdownTable, pct } from '../lib/markdown.js';
import { load1, procCpuSeconds, selfCpuSeconds } from '../lib/proc.js';
import { CPU_PROFILE_DIR_ENV } from './cpu-profile.js';
import {
  type BenchContext,
  type Headline,
  jobList,
  runJob,
  type SectionReport,
  tinyFiles,
  withCluster,
} from './harness.js';

export type DispatchInputs = 'synthetic' | 'png';

export interface DispatchOptions {
  /** Queries per measured job. */
  queries: number;
  batches: readonly number[];
  inputs: readonly DispatchInputs[];
  /** Seconds of idle CPU measured before each job, to tell per-query cost from background work. */
  idleSeconds: number;
  /** Profile every cluster process into this folder (`--cpu-prof`). */
  cpuProfileDir?: string;
}

const CPU_PROFILE_PRELOAD = fileURLToPath(new URL('./cpu-profile.js', import.meta.url));

export async function measureDispatch(ctx: BenchContext, opts: DispatchOptions): Promise<SectionReport> {
  const { tmp } = ctx;
  const files = await tinyFiles(tmp);
  const env: NodeJS.ProcessEnv = {};
  if (opts.cpuProfileDir !== undefined) {
    const dir = resolve(opts.cpuProfileDir);
    await mkdir(dir, { recursive: true });
    env.NODE_OPTIONS = `--import=${CPU_PROFILE_PRELOAD}`;
    env[CPU_PROFILE_DIR_ENV] = dir;
  }
  const rows: string[][] = [];
  const cpuRows: string[][] = [];
  const headlines: Headline[] = [];
  await withCluster(ctx, { workers: 2, workerArgs: ['--preload', 'tiny'], env }, async (ctl) => {
    const cluster = ctl.cluster;
    const warm = await jobList(tmp, files, 2_000);
    await runJob(ctl, { jobId: 'd-warm', model: 'tiny', inputs: [warm], batchSize: 64 });
    const runs = opts.inputs.flatMap((inputs) => opts.batches.map((batch) => ({ inputs, batch })));
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
        ['bench (stats polling)', selfCpuSeconds],
      ];
      const list = await jobList(tmp, sources, opts.queries);
      // Background CPU (gossip, lease renewals, stats polling) while idle, to tell per-query cost apart.
      const idle0 = procs.map(([, f]) => f());
      const i0 = performance.now();
      await sleep(opts.idleSeconds * 1000);
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
      ctx.log(`dispatch ${inputs} batch ${batch}: ${f0(qps)} q/s over ${f1(seconds)} s (load ${load1()})`);
      if (inputs === 'synthetic')
        headlines.push({
          measure: `dispatch capacity, tiny, batch ${batch}`,
          value: `${f0(qps)} q/s`,
          target: '≥ 10,000 q/s',
          met: qps >= 10_000,
        });
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
  return {
    headlines,
    lines: [
      '### 3. Dispatch capacity: model `tiny`, 2 workers, 1 coordinator pair, redis-server, one machine',
      '',
      'Inputs: `synthetic` = `synthetic://<seed>` URIs, for which a worker fills the tensor from the seed ' +
        '(no fetch, no decode), so the run measures the control plane (coordinator, Redis, gRPC); ' +
        '`png` = 4 small 32×32 PNG files repeated, which adds a file read and a sharp decode per query on the workers.',
      '',
      ...markdownTable(
        ['inputs', 'batch', 'queries', 'seconds', 'queries/s', 'peak 10-s rate', 'load avg', 'takeovers'],
        rows,
      ),
      '',
      'Target ≥ 10,000 queries/s. CPU seconds per process during each job (/proc/<pid>/stat):',
      '',
      ...markdownTable(
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
      ),
      '',
    ],
  };
}
