// The cluster under test: start it, reach its leader, run jobs on it, and the inputs the jobs use.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoordinatorConnection } from '@idunno/client';
import {
  gradientPng,
  listFile,
  mirror,
  mirrorEnv,
  photos,
  shared,
  startCluster,
  type TestCluster,
  waitFor,
} from '@idunno/testkit';
import { Control } from '../lib/control.js';

/** One headline number against its BRIEF §5 target, repeated in the report's summary. */
export interface Headline {
  measure: string;
  value: string;
  target: string;
  met: boolean;
}

/** What a section hands back to main: its markdown, and its headline numbers for the summary. */
export interface SectionReport {
  lines: string[];
  headlines: Headline[];
}

/** What every section gets from main. */
export interface BenchContext {
  /** Scratch folder for list files and generated images, removed by main. */
  tmp: string;
  /** Progress on stderr (the report is stdout). */
  log: (msg: string) => void;
  /** Clusters running now; main's signal handler stops them. */
  running: Set<TestCluster>;
}

/** Model directory of the mirror, when there is one; else the benches use the untrained twin. */
export const MIRROR_DIR = mirror.dir;

export interface ClusterSetup {
  workers: number;
  workerArgs: string[];
  coordinatorArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a cluster (redis-server, a coordinator pair, `workers` workers) on the production `lan`
 * timings, waits until the leader sees every worker alive, runs `fn` and always stops it.
 */
export async function withCluster<T>(
  ctx: BenchContext,
  options: ClusterSetup,
  fn: (ctl: Control) => Promise<T>,
): Promise<T> {
  ctx.log(`starting a cluster: 2 coordinators, ${options.workers} worker(s) ${options.workerArgs.join(' ')}`);
  const cluster = await startCluster({
    workers: options.workers,
    coordinators: 2,
    // The default (production) timings: 'local' gossips 2–4× as often, which costs CPU the
    // workers would use.
    profile: 'lan',
    workerArgs: options.workerArgs,
    coordinatorArgs: options.coordinatorArgs ?? [],
    env: { ...mirrorEnv, ...options.env },
  });
  ctx.running.add(cluster);
  const ctl = new Control(cluster);
  try {
    // Every worker must be known to the leader before a job starts, or the first seconds measure
    // membership instead of dispatch.
    await waitFor(
      async () => {
        const m = await ctl.call((c) => c.members());
        const alive = m.members.filter((x) => x.role === 'worker' && x.state === 'alive').length;
        return alive >= options.workers ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, message: 'every worker alive in the leader’s view' },
    );
    return await fn(ctl);
  } finally {
    ctl.close();
    await cluster.stop();
    ctx.running.delete(cluster);
  }
}

let listSeq = 0;
/** A fresh list file in `dir` naming `files` repeated until `total` lines. */
export function jobList(dir: string, files: readonly string[], total: number): Promise<string> {
  return listFile(join(dir, `list-${++listSeq}.txt`), files, total);
}

export type JobStats = Awaited<ReturnType<CoordinatorConnection['stats']>>['jobs'][number];

export async function jobStats(ctl: Control, jobId: string): Promise<JobStats> {
  const s = await ctl.call((c) => c.stats(jobId));
  const j = s.jobs.find((x) => x.job?.jobId === jobId);
  if (!j) throw new Error(`no stats for job ${jobId}`);
  return j;
}

/**
 * Runs a job to completion; returns seconds from start-job's return to completion. Without
 * `onSample` the end is the leader's own `job-completed` line on stdout (its wall-clock `at`), so
 * no stats polling loads the leader during the measurement; with it, stats are polled every
 * `pollMs` and the end is the first poll that sees the job completed.
 */
export async function runJob(
  ctl: Control,
  req: { jobId: string; model: string; inputs: string[]; batchSize: number },
  pollMs = 50,
  onSample?: (s: JobStats, elapsedS: number) => void,
): Promise<{ seconds: number; total: number }> {
  const info = await ctl.call((c) => c.addJob({ ...req, topK: 5 }));
  const completed = (e: Record<string, unknown>) => e.event === 'job-completed' && e.jobId === req.jobId;
  const done = onSample
    ? undefined
    : Promise.race(ctl.cluster.coordinators.map((c) => c.waitEvent(completed, 1_800_000)));
  done?.catch(() => {}); // a coordinator killed meanwhile; the race still settles on the leader's
  await ctl.call((c) => c.startJob(req.jobId));
  const wall0 = Date.now();
  const t0 = performance.now();
  if (done) {
    const e = await done;
    return { seconds: (Number(e.at) - wall0) / 1000, total: Number(info.totalQueries) };
  }
  for (;;) {
    const s = await jobStats(ctl, req.jobId);
    const elapsed = (performance.now() - t0) / 1000;
    onSample?.(s, elapsed);
    if (s.job?.state === 'completed') return { seconds: elapsed, total: Number(info.totalQueries) };
    if (elapsed > 1800) throw new Error(`job ${req.jobId} did not complete in 30 min`);
    await sleep(pollMs);
  }
}

/** The 12 shared photos when the mirror and the photos are there, else 12 synthetic images in `tmp`. */
export async function photoPaths(tmp: string): Promise<{ paths: string[]; real: boolean }> {
  return { paths: await photos(tmp, 12), real: mirror.dir !== undefined && shared.dir !== undefined };
}

/** Four 32×32 PNGs for the near-free `tiny` model. */
export async function tinyFiles(tmp: string): Promise<string[]> {
  const dir = join(tmp, 'tiny');
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < 4; i++) {
    const p = join(dir, `tiny-${i}.png`);
    await writeFile(p, gradientPng(32, 32, i));
    files.push(p);
  }
  return files;
}
