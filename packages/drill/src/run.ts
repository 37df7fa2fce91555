/**
 * A drill run: a self-contained local cluster, a calibration pair of jobs, then for each trial a
 * job pair with enough work left, a baseline, the failure, detection and recovery, the restore;
 * finally every job's results, counted for lost and duplicated queries.
 */
import { readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_DEMO_IMAGE_COUNT,
  type LocalCluster,
  launchCluster,
  ONE_MACHINE_CLUSTER,
  writeSyntheticImages,
} from '@idunno/launcher';
import { JobsNotCompletedError, NoBaselineProgressError } from './errors.js';
import { injectFault, pickTarget, restore } from './faults.js';
import { lossOf, meanStd, rateBetween, recoveryMs } from './measure.js';
import {
  BASELINE_MS,
  DRILL_MODELS,
  type DrillKind,
  type DrillOptions,
  MAX_PAIR_MS,
  MIN_JOB_LEFT_MS,
  RECOVERY_CAP_MS,
  RECOVERY_WINDOW_MS,
  resolveDrillOptions,
  SAMPLE_INTERVAL_MS,
  TRIAL_GUESS_MS,
} from './options.js';
import { pollUntil } from './poll.js';
import type { DrillReport, DrillResult, JobRecord, TrialResult } from './report.js';
import { DrillCluster, settleBeforeBaseline } from './sampler.js';

/** A drill whose cluster is up: {@link Drill.run} runs the trials; the caller stops the cluster. */
export interface Drill {
  /** The drill's cluster; the caller stops it (also on error or a signal). */
  readonly cluster: LocalCluster;
  /** Runs every trial and the final accounting; once. */
  run(): Promise<DrillReport>;
  /** Stops the sampler and closes the connections (the cluster keeps running). */
  close(): void;
}

/**
 * Starts the drill's own cluster in `stateDir` (redis-server with append-only file, its data wiped
 * first, 2 coordinators, `workers` workers with both models preloaded) and writes the synthetic
 * input images when missing. Throws {@link InvalidDrillOptionError} before anything starts.
 */
export async function launchDrill(
  options: Pick<DrillOptions, 'kinds'> & Partial<Omit<DrillOptions, 'kinds'>>,
): Promise<Drill> {
  const o = resolveDrillOptions(options);
  const progress = o.onProgress;
  const state = resolve(o.stateDir);
  // Self-contained: yesterday's jobs in the AOF would collide with today's job ids.
  rmSync(join(state, 'redis'), { recursive: true, force: true });
  await mkdir(state, { recursive: true });
  await writeSyntheticImages(o.imagesDir, DEFAULT_DEMO_IMAGE_COUNT, { reuse: true });
  const files = readdirSync(o.imagesDir)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort()
    .map((f) => join(o.imagesDir, f));

  progress(`starting a local cluster in ${state}: redis-server, 2 coordinators, ${o.workers} workers`);
  const cluster = await launchCluster({
    ...ONE_MACHINE_CLUSTER,
    workers: o.workers,
    coordinators: 2,
    stateDir: state,
    preload: DRILL_MODELS.map((m) => m.model),
  });
  const d = new DrillCluster(cluster);
  return {
    cluster,
    run: () => {
      d.startSampling();
      return runDrills(d, o.kinds, o.trials, files, state, progress);
    },
    close: () => d.close(),
  };
}

interface Pair {
  jobs: { jobId: string; total: number }[];
}

async function runDrills(
  d: DrillCluster,
  kinds: readonly DrillKind[],
  trials: number,
  files: string[],
  state: string,
  progress: (line: string) => void,
): Promise<DrillReport> {
  let pairNo = 0;
  const started: { jobId: string; model: string }[] = [];
  /** Per-job queries per second while both run, learned from the calibration pair. */
  const rates = new Map<string, number>();
  const pairStartedAt = new Map<string, number>();

  const startPair = async (sizes: number[]): Promise<Pair> => {
    pairNo++;
    const leader = await d.leader();
    const c = d.conn(leader.address);
    const jobs: Pair['jobs'] = [];
    for (const [i, m] of DRILL_MODELS.entries()) {
      const jobId = `drill-${m.name}-${pairNo}`;
      const total = sizes[i] ?? 1;
      const list = join(state, `${jobId}.txt`);
      await writeFile(
        list,
        `${Array.from({ length: total }, (_, k) => files[k % files.length]).join('\n')}\n`,
      );
      const info = await c.addJob({ jobId, model: m.model, inputs: [list], batchSize: m.batchSize });
      d.totals.set(jobId, info.totalQueries);
      d.done.set(jobId, 0);
      jobs.push({ jobId, total: info.totalQueries });
      started.push({ jobId, model: m.model });
    }
    for (const j of jobs) {
      await c.startJob(j.jobId);
      pairStartedAt.set(j.jobId, Date.now());
    }
    progress(`started jobs ${jobs.map((j) => `${j.jobId} (${j.total} queries)`).join(', ')}`);
    return { jobs };
  };

  // The sampler learns completion, so checking more often than it samples gains nothing.
  const waitCompleted = async (jobIds: string[], timeoutMs: number): Promise<boolean> => {
    const t0 = Date.now();
    let lastLog = 0;
    const r = await pollUntil(
      t0,
      async () => {
        if (jobIds.every((id) => d.completed.has(id))) return true;
        if (Date.now() - t0 <= timeoutMs && Date.now() - lastLog > 5_000) {
          lastLog = Date.now();
          progress(
            `waiting for ${jobIds
              .filter((id) => !d.completed.has(id))
              .map((id) => `${id} ${d.done.get(id) ?? 0}/${d.totals.get(id) ?? '?'}`)
              .join(', ')} to complete`,
          );
        }
        return false;
      },
      timeoutMs,
      SAMPLE_INTERVAL_MS,
    );
    return r !== null;
  };

  // Calibration: a small pair warms the models and tells each job's rate with both running.
  progress('calibrating: a small pair of jobs to measure each model’s rate');
  const calT0 = Date.now();
  const cal = await startPair(DRILL_MODELS.map((m) => m.calibration));
  // Rates come in bursts of a batch, so a few seconds' window says little. Take the time while both
  // ran: from the start until the first completes, each job's done count over that time.
  let firstDone: { at: number; done: Map<string, number> } | undefined;
  const calDone = await pollUntil(
    calT0,
    async () => {
      if (!firstDone && cal.jobs.some((j) => d.completed.has(j.jobId)))
        firstDone = { at: Date.now(), done: new Map(d.done) };
      return cal.jobs.every((j) => d.completed.has(j.jobId));
    },
    180_000,
  );
  if (calDone === null || !firstDone)
    throw new JobsNotCompletedError(
      'calibration',
      cal.jobs.map((j) => j.jobId),
      180_000,
    );
  const both = firstDone;
  for (const j of cal.jobs)
    rates.set(
      j.jobId.replace(/-\d+$/, ''),
      Math.max(0.5, ((both.done.get(j.jobId) ?? 0) * 1000) / Math.max(1, both.at - calT0)),
    );
  progress(`calibrated rates: ${[...rates].map(([k, v]) => `${k} ${v.toFixed(1)} q/s`).join(', ')}`);

  const totalTrials = kinds.length * trials;
  let trialsDone = 0;
  const trialMs: number[] = [];
  let pair: Pair | undefined;
  /** Work left in a job at its rate so far in this pair (the calibrated rate until it has one). */
  const jobLeftMs = (jobId: string): number => {
    const done = d.done.get(jobId) ?? 0;
    const left = (d.totals.get(jobId) ?? 0) - done;
    const since = pairStartedAt.get(jobId);
    const elapsed = since === undefined ? 0 : Date.now() - since;
    const rate =
      elapsed > 5_000 && done > 0 ? (done * 1000) / elapsed : (rates.get(jobId.replace(/-\d+$/, '')) ?? 1);
    return (left / rate) * 1000;
  };
  const ensurePair = async () => {
    if (pair?.jobs.every((j) => !d.completed.has(j.jobId) && jobLeftMs(j.jobId) >= MIN_JOB_LEFT_MS)) return;
    if (pair) {
      progress('the job pair is running low: letting it complete before a fresh pair');
      const ids = pair.jobs.map((j) => j.jobId);
      if (!(await waitCompleted(ids, 300_000))) throw new JobsNotCompletedError('pair', ids, 300_000);
    }
    const est = meanStd(trialMs).mean;
    const perTrial = Number.isNaN(est) ? TRIAL_GUESS_MS : est;
    const wantMs = Math.min(MAX_PAIR_MS, (totalTrials - trialsDone) * perTrial + MIN_JOB_LEFT_MS);
    pair = await startPair(
      DRILL_MODELS.map((m) => Math.max(50, Math.ceil(((rates.get(`drill-${m.name}`) ?? 1) * wantMs) / 1000))),
    );
    // Let both jobs get going (assignment, first batches) before a baseline is taken.
    await pollUntil(Date.now(), async () => pair!.jobs.every((j) => (d.done.get(j.jobId) ?? 0) > 0), 60_000);
    await settleBeforeBaseline(d, progress);
  };

  const drills: DrillResult[] = [];
  for (const kind of kinds) {
    const results: TrialResult[] = [];
    for (let n = 1; n <= trials; n++) {
      const t = Date.now();
      await ensurePair();
      results.push(await runTrial(d, kind, n, progress));
      trialsDone++;
      trialMs.push(Date.now() - t);
    }
    const det = results.map((r) => r.detectionMs).filter((v): v is number => v !== null);
    const rec = results.map((r) => r.recoveryMs).filter((v): v is number => v !== null);
    const ds = meanStd(det);
    const rs = meanStd(rec);
    drills.push({
      drill: kind,
      trials: results,
      detection: { mean: det.length ? ds.mean : null, stddev: det.length ? ds.stddev : null },
      recovery: { mean: rec.length ? rs.mean : null, stddev: rec.length ? rs.stddev : null },
    });
  }

  // Every job the drill started must complete; then its results tell what was lost or doubled.
  const open = started.map((j) => j.jobId).filter((id) => !d.completed.has(id));
  if (open.length > 0) {
    const leftMs = Math.max(...open.map(jobLeftMs));
    const bound = Math.max(120_000, 3 * leftMs);
    progress(`waiting (up to ${(bound / 1000).toFixed(0)} s) for ${open.join(', ')} to complete`);
    if (!(await waitCompleted(open, bound)))
      d.failures.push(
        `jobs did not complete within ${(bound / 1000).toFixed(0)} s: ${open.filter((id) => !d.completed.has(id)).join(', ')}`,
      );
  }
  progress('reading every result to count lost and duplicated queries');
  await d.leader();
  const jobs: JobRecord[] = [];
  for (const j of started) {
    const ids: string[] = [];
    let errors = 0;
    for (const r of await d.client.allResults(j.jobId)) {
      ids.push(r.queryId);
      if (r.kind === 'error') errors++;
    }
    const total = d.totals.get(j.jobId) ?? 0;
    const loss = lossOf(total, ids);
    jobs.push({
      jobId: j.jobId,
      model: j.model,
      totalQueries: total,
      rows: ids.length,
      distinct: new Set(ids).size,
      errors,
      ...loss,
      completed: d.completed.has(j.jobId),
    });
  }
  const lost = jobs.reduce((a, j) => a + j.lost, 0);
  const duplicated = jobs.reduce((a, j) => a + j.duplicated, 0);
  for (const r of drills)
    for (const t of r.trials) {
      if (t.detectionMs === null) d.failures.push(`${r.drill} trial ${t.trial}: failure not detected`);
      if (t.recoveryMs === null) d.failures.push(`${r.drill} trial ${t.trial}: not recovered within 60 s`);
    }
  return {
    drills,
    jobs,
    totalQueries: jobs.reduce((a, j) => a + j.totalQueries, 0),
    lost,
    duplicated,
    failures: d.failures,
    workers: d.workers.length,
    coordinators: d.coordinators.length,
    ok: lost === 0 && duplicated === 0 && d.failures.length === 0,
  };
}

async function runTrial(
  d: DrillCluster,
  kind: DrillKind,
  n: number,
  progress: (line: string) => void,
): Promise<TrialResult> {
  const notes: string[] = [];
  const leader = await d.leader();
  progress(`${kind} #${n}: baseline over ${BASELINE_MS / 1000} s (leader ${leader.id})`);
  // The baseline is a measurement window, not a wait for something: a timed wait is right here.
  await sleep(BASELINE_MS);
  const now = (d.samples[d.samples.length - 1]?.t ?? Date.now()) - 1;
  const baselineQps = rateBetween(d.samples, now - BASELINE_MS, now) ?? 0;
  if (baselineQps <= 0) throw new NoBaselineProgressError(kind, n);

  const target = await pickTarget(d, kind, leader, notes);
  const node = target.node;
  progress(
    `${kind} #${n}: baseline ${baselineQps.toFixed(1)} q/s; ${kind.startsWith('hang') ? 'SIGSTOP' : 'SIGKILL'} ${node.id}${node.pid ? ` (pid ${node.pid})` : ''}`,
  );

  const t0 = Date.now();
  const { detection } = await injectFault(d, kind, target, leader, t0, notes);

  // Recovery: watch the samples until a good window shows up or the cap passes.
  const recovery = (async () => {
    const found: { ms: number | undefined } = { ms: undefined };
    const r = await pollUntil(
      t0,
      async () => {
        found.ms = recoveryMs(d.samples, t0, baselineQps);
        return found.ms !== undefined;
      },
      RECOVERY_CAP_MS + RECOVERY_WINDOW_MS,
      SAMPLE_INTERVAL_MS,
    );
    return r === null ? null : (found.ms ?? null);
  })();
  const [detectionMs, rec] = await Promise.all([detection, recovery]);
  const recovered = rec !== null && rec <= RECOVERY_CAP_MS ? rec : null;
  progress(
    `${kind} #${n}: detected ${detectionMs === null ? 'NOT' : `in ${detectionMs} ms`}, ${recovered === null ? 'NOT recovered' : `recovered in ${recovered} ms`}; restoring`,
  );

  await restore(d, kind, node, notes, progress);
  return { trial: n, baselineQps, detectionMs, recoveryMs: recovered, target: node.id, notes };
}
