/**
 * `idunno drill`: breaks a local cluster on purpose (SIGKILL or SIGSTOP of a real process, a Redis
 * restart) while two jobs run, and measures detection time, recovery time and lost or duplicated
 * queries. Thin by design: the cluster comes from the launcher, every number from the control API.
 */
import { readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterClient, type CoordinatorConnection } from '@idunno/client';
import {
  DEFAULT_DEMO_IMAGE_COUNT,
  type LocalCluster,
  launchCluster,
  ONE_MACHINE_CLUSTER,
  REPO_ROOT,
  writeSyntheticImages,
} from '@idunno/launcher';
import { positiveInt, UsageError } from '../args.js';
import { renderTable } from '../table.js';

export const DRILL_KINDS = [
  'kill-worker',
  'hang-worker',
  'kill-primary',
  'hang-primary',
  'kill-standby',
  'restart-redis',
] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** Throughput is sampled this often (GetJobStats on every live coordinator). */
export const SAMPLE_INTERVAL_MS = 250;
/** The baseline: combined throughput over this long before the failure. */
export const BASELINE_MS = 3_000;
/** Recovery: the first window of this length, after the failure, at ≥ RECOVERY_FRACTION of the baseline. */
export const RECOVERY_WINDOW_MS = 2_000;
export const RECOVERY_FRACTION = 0.9;
/** Recovery (and detection) not reached within this long is reported as "not recovered". */
export const RECOVERY_CAP_MS = 60_000;
/** A job pair is replaced before a trial when either job has less than this much work left. */
const MIN_JOB_LEFT_MS = RECOVERY_CAP_MS + BASELINE_MS + 15_000;
/** First guess at one trial's length, refined with every trial; sizes the job pairs. */
const TRIAL_GUESS_MS = 30_000;
/** At most this much work per job pair (bounds the final wait for completion). */
const MAX_PAIR_MS = 240_000;
const DEFAULT_TRIALS = 3;
const DEFAULT_WORKERS = 3;
const MODELS = [
  { name: 'vit', model: 'vit-tiny-untrained', batchSize: 8, calibration: 48 },
  { name: 'tiny', model: 'tiny', batchSize: 16, calibration: 192 },
] as const;

export const DRILL_HELP = `usage: idunno drill <${DRILL_KINDS.join('|')}|all> [--trials n] [--workers n] [--json]

Failure drills: breaks a local cluster on purpose and measures detection, recovery, lost queries.

Self-contained: starts its own cluster in .idunno/drill (redis-server with append-only file, 2
coordinators, --workers workers; its Redis data is wiped first), runs two jobs on synthetic images
(vit-tiny-untrained, batch 8, and tiny, batch 16; a fresh pair whenever one runs low) and for each
trial:
  1. baseline: the jobs' combined throughput over ${BASELINE_MS / 1000} s (done counts sampled every ${SAMPLE_INTERVAL_MS} ms)
  2. the failure, on a real process with a real signal:
       kill-worker    SIGKILL a worker that is assigned work
       hang-worker    SIGSTOP such a worker (SIGCONT after the trial)
       kill-primary   SIGKILL the leading coordinator
       hang-primary   SIGSTOP it (SIGCONT after the trial; it must then demote itself)
       kill-standby   SIGKILL the standby coordinator
       restart-redis  SIGKILL redis-server, start it again on the same port and data (AOF replay)
       all            every drill above in turn, --trials each
  3. detection: until the leader's Members() shows the worker not alive or GetAssignedWorkers
     stops listing it (workers), another coordinator answers Leader() as leader (primary), Members()
     shows the standby not alive (standby), the done counts move again (Redis);
     recovery: until the combined throughput over a ${RECOVERY_WINDOW_MS / 1000}-s window is back to ≥ ${RECOVERY_FRACTION * 100}% of the baseline,
     measured to the start of the first such window after the failure (0 = no visible dip);
     capped at ${RECOVERY_CAP_MS / 1000} s ("not recovered").
  Then the cluster is restored to full strength (a new worker or coordinator for a killed one).
At the end it waits for every job it started to complete and reads all results: duplicated =
result rows - distinct query ids, lost = total queries - distinct query ids.
Prints a table per drill (trials, mean, standard deviation) and the lost/duplicated totals;
progress goes to stderr. The cluster is always stopped at the end (also on error and Ctrl-C).

Note: recovery compares with the throughput of the full cluster. When workers are bound by CPU
cores rather than by their number (fewer cores than workers), losing one costs little.

options:
  --trials <n>     trials per drill (default ${DEFAULT_TRIALS})
  --workers <n>    workers in the cluster (default ${DEFAULT_WORKERS}, at least 2)
  --json           print one JSON document instead of tables
  -h, --help       this text

exit codes: 0 every trial measured and no query lost or duplicated, 1 a query was lost or
  duplicated, or a measurement failed (not detected, not recovered, a job did not complete, the
  hung primary did not demote itself), 2 bad usage, 130 interrupted.`;

// ---- measurement (pure) ----

/** One reading of the jobs' combined done count. */
export interface Sample {
  t: number;
  done: number;
}

/** Mean and (sample) standard deviation; NaN for no values, stddev 0 for one. */
export function meanStd(values: readonly number[]): { mean: number; stddev: number } {
  if (values.length === 0) return { mean: Number.NaN, stddev: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { mean, stddev: 0 };
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, stddev: Math.sqrt(v) };
}

/** The done count at time t, interpolated between samples (sorted by t); undefined outside them. */
export function doneAt(samples: readonly Sample[], t: number): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || t < first.t || t > last.t) return undefined;
  let lo = 0;
  let hi = samples.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid]?.t ?? 0) <= t) lo = mid;
    else hi = mid;
  }
  const a = samples[lo]!;
  const b = samples[hi]!;
  if (b.t === a.t) return b.done;
  return a.done + ((b.done - a.done) * (t - a.t)) / (b.t - a.t);
}

/** Queries per second between two times; undefined when the samples do not cover both. */
export function rateBetween(samples: readonly Sample[], from: number, to: number): number | undefined {
  const a = doneAt(samples, from);
  const b = doneAt(samples, to);
  if (a === undefined || b === undefined || to <= from) return undefined;
  return ((b - a) * 1000) / (to - from);
}

/**
 * Milliseconds from the failure at t0 to the start of the first window (of windowMs, starting at
 * a sample at or after t0) whose rate is ≥ fraction × baseline; undefined if none is covered yet.
 */
export function recoveryMs(
  samples: readonly Sample[],
  t0: number,
  baselineQps: number,
  windowMs = RECOVERY_WINDOW_MS,
  fraction = RECOVERY_FRACTION,
): number | undefined {
  const starts = [t0, ...samples.filter((s) => s.t > t0).map((s) => s.t)];
  for (const start of starts) {
    const r = rateBetween(samples, start, start + windowMs);
    if (r === undefined) return undefined;
    if (r >= fraction * baselineQps) return start - t0;
  }
  return undefined;
}

/** Lost and duplicated queries of one job from its result rows' query ids. */
export function lossOf(
  totalQueries: number,
  queryIds: readonly string[],
): { lost: number; duplicated: number } {
  const distinct = new Set(queryIds).size;
  return { lost: Math.max(0, totalQueries - distinct), duplicated: queryIds.length - distinct };
}

// ---- the drill ----

export interface TrialResult {
  trial: number;
  baselineQps: number;
  /** null: not detected within the cap. */
  detectionMs: number | null;
  /** null: not recovered within the cap. */
  recoveryMs: number | null;
  target: string;
  notes: string[];
}

export interface DrillResult {
  drill: DrillKind;
  trials: TrialResult[];
  detection: { mean: number | null; stddev: number | null };
  recovery: { mean: number | null; stddev: number | null };
}

interface JobRecord {
  jobId: string;
  model: string;
  totalQueries: number;
  rows: number;
  distinct: number;
  errors: number;
  lost: number;
  duplicated: number;
  completed: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class MeasurementError extends Error {
  override readonly name = 'MeasurementError';
}

interface Node {
  id: string;
  address: string;
  pid: number;
}

/** Wraps the cluster with what the trials need: live process lists, a throughput sampler, polling. */
class DrillCluster {
  readonly workers: Node[];
  readonly coordinators: Node[];
  /** Combined done count over every job the drill started, sampled. */
  readonly samples: Sample[] = [];
  /** Highest done count seen per job (the primary's live view can be ahead of a standby's). */
  readonly done = new Map<string, number>();
  readonly totals = new Map<string, number>();
  readonly completed = new Set<string>();
  /** Short deadlines: a hung (SIGSTOPped) coordinator must not stall the sampler or a poll. */
  readonly client = new ClusterClient(() => this.coordinators.map((c) => c.address), {
    probeTimeoutMs: 1_000,
    readTimeoutMs: 1_500,
    retryIntervalMs: 100,
  });
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  failures: string[] = [];

  constructor(readonly cluster: LocalCluster) {
    this.workers = cluster.workers.map((w) => ({ ...w }));
    this.coordinators = cluster.coordinators.map((c) => ({ id: c.id, address: c.address, pid: c.pid }));
  }

  conn(address: string): CoordinatorConnection {
    return this.client.connection(address);
  }

  startSampling(): void {
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  private sample(): void {
    for (const c of this.coordinators) {
      if (this.busy.has(c.address)) continue;
      this.busy.add(c.address);
      this.conn(c.address)
        .stats()
        .then(
          (list) => {
            let changed = false;
            for (const s of list.jobs) {
              const id = s.job?.jobId;
              if (!id || !this.totals.has(id)) continue;
              if (s.done > (this.done.get(id) ?? 0)) {
                this.done.set(id, s.done);
                changed = true;
              }
              if (s.job?.state === 'completed') this.completed.add(id);
            }
            const total = [...this.done.values()].reduce((a, b) => a + b, 0);
            const last = this.samples[this.samples.length - 1];
            const now = Date.now();
            if (changed || !last || now - last.t >= SAMPLE_INTERVAL_MS / 2) {
              if (last && now <= last.t) return;
              this.samples.push({ t: now, done: total });
            }
          },
          () => undefined,
        )
        .finally(() => this.busy.delete(c.address));
    }
  }

  combinedDone(): number {
    return [...this.done.values()].reduce((a, b) => a + b, 0);
  }

  /** The coordinator that answers Leader() with isLeader (the highest epoch if two claim it). */
  async leader(timeoutMs = 30_000): Promise<Node & { epoch: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // ClusterClient waits while coordinators answer but none leads; none answering fails at once.
      const ref = await this.client.leader(Math.max(0, deadline - Date.now())).catch(() => undefined);
      const node = ref && this.coordinators.find((c) => c.address === ref.connection.address);
      if (ref && node) return { ...node, epoch: ref.info.epoch };
      if (Date.now() > deadline)
        throw new MeasurementError(`no coordinator leads after ${timeoutMs / 1000} s`);
      await sleep(100);
    }
  }

  /** Polls check every 100 ms until it is true; the elapsed ms since t0, or null after the cap. */
  async pollUntil(
    t0: number,
    check: () => Promise<boolean>,
    capMs = RECOVERY_CAP_MS,
  ): Promise<number | null> {
    for (;;) {
      const ok = await check().catch(() => false);
      const now = Date.now();
      if (ok) return now - t0;
      if (now - t0 > capMs) return null;
      await sleep(100);
    }
  }

  async memberState(via: Node, id: string): Promise<string | undefined> {
    const list = await this.conn(via.address).members();
    return list.members.find((m) => m.id === id)?.state;
  }

  async assignedIds(via: Node): Promise<Set<string>> {
    const list = await this.conn(via.address).assigned();
    return new Set(list.jobs.flatMap((j) => j.workers.map((w) => w.workerId)));
  }

  /** Waits until the leader lists a member as alive. */
  async waitAlive(id: string, timeoutMs: number): Promise<boolean> {
    const t0 = Date.now();
    const r = await this.pollUntil(
      t0,
      async () => (await this.memberState(await this.leader(5_000), id)) === 'alive',
      timeoutMs,
    );
    return r !== null;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.client.close();
  }
}

interface Pair {
  jobs: { jobId: string; total: number }[];
}

export async function drillCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      trials: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${DRILL_HELP}\n`);
    return 0;
  }
  const [which, ...extra] = positionals;
  if (which === undefined) throw new UsageError(`drill needs one of ${DRILL_KINDS.join(', ')}, all`);
  if (extra.length > 0) throw new UsageError(`drill takes one drill, got also: ${extra.join(' ')}`);
  const kinds: DrillKind[] =
    which === 'all'
      ? [...DRILL_KINDS]
      : (DRILL_KINDS as readonly string[]).includes(which)
        ? [which as DrillKind]
        : [];
  if (kinds.length === 0)
    throw new UsageError(`unknown drill "${which}": use one of ${DRILL_KINDS.join(', ')}, all`);
  const trials = positiveInt('trials', values.trials, DEFAULT_TRIALS, 100);
  const workerCount = positiveInt('workers', values.workers, DEFAULT_WORKERS, 16);
  if (workerCount < 2) throw new UsageError('--workers must be at least 2 (a drill kills one)');

  const t00 = Date.now();
  const progress = (line: string) =>
    process.stderr.write(`[${((Date.now() - t00) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
  const state = resolve('.idunno/drill');
  // Self-contained: yesterday's jobs in the AOF would collide with today's job ids.
  rmSync(join(state, 'redis'), { recursive: true, force: true });
  await mkdir(state, { recursive: true });
  const images = join(REPO_ROOT, '.idunno/demo-images');
  await writeSyntheticImages(images, DEFAULT_DEMO_IMAGE_COUNT, { reuse: true });
  const files = readdirSync(images)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort()
    .map((f) => join(images, f));

  progress(`starting a local cluster in ${state}: redis-server, 2 coordinators, ${workerCount} workers`);
  const cluster = await launchCluster({
    ...ONE_MACHINE_CLUSTER,
    workers: workerCount,
    coordinators: 2,
    stateDir: state,
    preload: MODELS.map((m) => m.model),
  });
  let interrupted = false;
  const d = new DrillCluster(cluster);
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    progress(`${sig}: stopping the cluster`);
    d.close();
    void cluster.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    d.startSampling();
    const report = await runDrills(d, kinds, trials, files, state, progress);
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${renderReport(report)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    d.close();
    if (!interrupted) {
      progress('stopping the cluster');
      await cluster.stop();
    }
  }
}

interface Report {
  drills: DrillResult[];
  jobs: JobRecord[];
  totalQueries: number;
  lost: number;
  duplicated: number;
  failures: string[];
  workers: number;
  coordinators: number;
  ok: boolean;
}

async function runDrills(
  d: DrillCluster,
  kinds: DrillKind[],
  trials: number,
  files: string[],
  state: string,
  progress: (line: string) => void,
): Promise<Report> {
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
    for (const [i, m] of MODELS.entries()) {
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

  const waitCompleted = async (jobIds: string[], timeoutMs: number): Promise<boolean> => {
    const t0 = Date.now();
    let lastLog = 0;
    for (;;) {
      if (jobIds.every((id) => d.completed.has(id))) return true;
      if (Date.now() - t0 > timeoutMs) return false;
      if (Date.now() - lastLog > 5_000) {
        lastLog = Date.now();
        progress(
          `waiting for ${jobIds
            .filter((id) => !d.completed.has(id))
            .map((id) => `${id} ${d.done.get(id) ?? 0}/${d.totals.get(id) ?? '?'}`)
            .join(', ')} to complete`,
        );
      }
      await sleep(250);
    }
  };

  // Calibration: a small pair warms the models and tells each job's rate with both running.
  progress('calibrating: a small pair of jobs to measure each model’s rate');
  const calT0 = Date.now();
  const cal = await startPair(MODELS.map((m) => m.calibration));
  // Rates come in bursts of a batch, so a few seconds' window says little. Take the time while both
  // ran: from the start until the first completes, each job's done count over that time.
  let firstDone: { at: number; done: Map<string, number> } | undefined;
  const calDone = await d.pollUntil(
    calT0,
    async () => {
      if (!firstDone && cal.jobs.some((j) => d.completed.has(j.jobId)))
        firstDone = { at: Date.now(), done: new Map(d.done) };
      return cal.jobs.every((j) => d.completed.has(j.jobId));
    },
    180_000,
  );
  if (calDone === null || !firstDone)
    throw new MeasurementError('the calibration jobs did not complete within 180 s');
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
      if (
        !(await waitCompleted(
          pair.jobs.map((j) => j.jobId),
          300_000,
        ))
      )
        throw new MeasurementError('a job pair did not complete within 300 s');
    }
    const est = meanStd(trialMs).mean;
    const perTrial = Number.isNaN(est) ? TRIAL_GUESS_MS : est;
    const wantMs = Math.min(MAX_PAIR_MS, (totalTrials - trialsDone) * perTrial + MIN_JOB_LEFT_MS);
    pair = await startPair(
      MODELS.map((m) => Math.max(50, Math.ceil(((rates.get(`drill-${m.name}`) ?? 1) * wantMs) / 1000))),
    );
    // Let both jobs get going (assignment, first batches) before a baseline is taken.
    await d.pollUntil(
      Date.now(),
      async () => pair!.jobs.every((j) => (d.done.get(j.jobId) ?? 0) > 0),
      60_000,
    );
    await sleep(1_000);
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
  await sleep(BASELINE_MS);
  const now = (d.samples[d.samples.length - 1]?.t ?? Date.now()) - 1;
  const baselineQps = rateBetween(d.samples, now - BASELINE_MS, now) ?? 0;
  if (baselineQps <= 0)
    throw new MeasurementError(`${kind} #${n}: the jobs made no progress during the baseline`);

  let target: Node;
  let assignedBefore = new Set<string>();
  if (kind === 'kill-worker' || kind === 'hang-worker') {
    assignedBefore = await d.assignedIds(leader);
    const busy = d.workers.find((w) => assignedBefore.has(w.id));
    if (!busy) notes.push('no worker was assigned work; took any');
    const w = busy ?? d.workers[0];
    if (!w) throw new MeasurementError('no worker left to break');
    target = w;
  } else if (kind === 'kill-primary' || kind === 'hang-primary') {
    target = leader;
  } else if (kind === 'kill-standby') {
    const s = d.coordinators.find((c) => c.id !== leader.id);
    if (!s) throw new MeasurementError('no standby coordinator to kill');
    target = s;
  } else {
    target = { id: 'redis-server', address: d.cluster.redisUrl, pid: 0 };
  }
  progress(
    `${kind} #${n}: baseline ${baselineQps.toFixed(1)} q/s; ${kind.startsWith('hang') ? 'SIGSTOP' : 'SIGKILL'} ${target.id}${target.pid ? ` (pid ${target.pid})` : ''}`,
  );

  const t0 = Date.now();
  let detection: Promise<number | null>;
  switch (kind) {
    case 'kill-worker':
    case 'hang-worker': {
      d.cluster.kill(target.pid, kind === 'kill-worker' ? 'SIGKILL' : 'SIGSTOP');
      const wasAssigned = assignedBefore.has(target.id);
      detection = d.pollUntil(t0, async () => {
        const [state, assigned] = await Promise.all([
          d.memberState(leader, target.id).catch(() => 'alive'),
          wasAssigned ? d.assignedIds(leader).catch(() => undefined) : Promise.resolve(undefined),
        ]);
        return state !== 'alive' || (assigned !== undefined && !assigned.has(target.id));
      });
      break;
    }
    case 'kill-primary':
    case 'hang-primary': {
      d.cluster.kill(target.pid, kind === 'kill-primary' ? 'SIGKILL' : 'SIGSTOP');
      const others = d.coordinators.filter((c) => c.id !== target.id);
      detection = d.pollUntil(t0, async () => {
        const answers = await Promise.all(
          others.map((c) =>
            d
              .conn(c.address)
              .leader(1_000)
              .then((i) => i.isLeader)
              .catch(() => false),
          ),
        );
        return answers.some(Boolean);
      });
      break;
    }
    case 'kill-standby': {
      d.cluster.kill(target.pid, 'SIGKILL');
      detection = d.pollUntil(t0, async () => (await d.memberState(leader, target.id)) !== 'alive');
      break;
    }
    case 'restart-redis': {
      await d.cluster.restartRedis();
      const doneAtUp = d.combinedDone();
      notes.push(`redis answered PING after ${Date.now() - t0} ms`);
      detection = d.pollUntil(t0, async () => d.combinedDone() > doneAtUp);
      break;
    }
  }

  // Recovery: watch the samples until a good window shows up or the cap passes.
  const recovery = (async () => {
    for (;;) {
      const r = recoveryMs(d.samples, t0, baselineQps);
      if (r !== undefined) return r;
      if (Date.now() - t0 > RECOVERY_CAP_MS + RECOVERY_WINDOW_MS) return null;
      await sleep(SAMPLE_INTERVAL_MS);
    }
  })();
  const [detectionMs, rec] = await Promise.all([detection, recovery]);
  const recovered = rec !== null && rec <= RECOVERY_CAP_MS ? rec : null;
  progress(
    `${kind} #${n}: detected ${detectionMs === null ? 'NOT' : `in ${detectionMs} ms`}, ${recovered === null ? 'NOT recovered' : `recovered in ${recovered} ms`}; restoring`,
  );

  await restore(d, kind, target, notes, progress);
  return { trial: n, baselineQps, detectionMs, recoveryMs: recovered, target: target.id, notes };
}

/** Drops a node from a live list by id (callers hold copies, so not by identity). */
function removeNode(list: Node[], id: string): void {
  const i = list.findIndex((n) => n.id === id);
  if (i >= 0) list.splice(i, 1);
}

/** Brings the cluster back to full strength so that the next trial starts equal. */
async function restore(
  d: DrillCluster,
  kind: DrillKind,
  target: Node,
  notes: string[],
  progress: (line: string) => void,
): Promise<void> {
  const replaceWorker = async () => {
    d.cluster.kill(target.pid, 'SIGKILL');
    removeNode(d.workers, target.id);
    const w = await d.cluster.addWorker();
    d.workers.push(w);
    progress(`started ${w.id} (pid ${w.pid}) in place of ${target.id}`);
    if (!(await d.waitAlive(w.id, 30_000))) d.failures.push(`${w.id} did not join within 30 s`);
    else await waitAssigned(d, w.id, notes);
  };
  const replaceCoordinator = async () => {
    removeNode(d.coordinators, target.id);
    const c = await d.cluster.addCoordinator();
    d.coordinators.push({ id: c.id, address: c.address, pid: c.pid });
    progress(`started ${c.id} (pid ${c.pid}) in place of ${target.id}`);
    if (!(await d.waitAlive(c.id, 30_000))) d.failures.push(`${c.id} did not join within 30 s`);
  };
  switch (kind) {
    case 'kill-worker':
      await replaceWorker();
      break;
    case 'hang-worker': {
      d.cluster.kill(target.pid, 'SIGCONT');
      if (await d.waitAlive(target.id, 20_000)) {
        progress(`${target.id} resumed and is alive again`);
        await waitAssigned(d, target.id, notes);
      } else {
        notes.push(`${target.id} did not come back alive after SIGCONT; replaced`);
        await replaceWorker();
      }
      break;
    }
    case 'kill-primary':
    case 'kill-standby':
      await replaceCoordinator();
      break;
    case 'hang-primary': {
      d.cluster.kill(target.pid, 'SIGCONT');
      // A resumed ex-primary must notice that its lease is gone and step down.
      const t0 = Date.now();
      const demoted = await d.pollUntil(
        t0,
        async () => (await d.conn(target.address).leader(1_000)).isLeader === false,
        15_000,
      );
      if (demoted === null)
        d.failures.push(`hang-primary: ${target.id} still claims the lead 15 s after SIGCONT`);
      else {
        notes.push(`${target.id} demoted itself ${demoted} ms after SIGCONT`);
        progress(`${target.id} resumed and demoted itself after ${demoted} ms`);
      }
      if (!(await d.waitAlive(target.id, 20_000))) {
        notes.push(`${target.id} did not come back alive; replaced`);
        d.cluster.kill(target.pid, 'SIGKILL');
        await replaceCoordinator();
      }
      break;
    }
    case 'restart-redis':
      break;
  }
  await d.leader();
  // Let the rebalanced cluster settle before the next baseline.
  await sleep(1_000);
}

/** Waits (bounded) until the leader assigns the worker to a job again. */
async function waitAssigned(d: DrillCluster, id: string, notes: string[]): Promise<void> {
  const r = await d.pollUntil(
    Date.now(),
    async () => (await d.assignedIds(await d.leader(5_000))).has(id),
    20_000,
  );
  if (r === null) notes.push(`${id} was not assigned work within 20 s`);
}

const fmt = (v: number | null) => (v === null || Number.isNaN(v) ? '-' : v.toFixed(0));

function renderReport(r: Report): string {
  const out: string[] = [];
  for (const dr of r.drills) {
    out.push(`${dr.drill} (${r.coordinators} coordinators, ${r.workers} workers)`);
    const rows = dr.trials.map((t) => [
      String(t.trial),
      t.target,
      t.baselineQps.toFixed(1),
      t.detectionMs === null ? 'not detected' : String(t.detectionMs),
      t.recoveryMs === null ? 'not recovered' : String(t.recoveryMs),
    ]);
    rows.push(['mean', '', '', fmt(dr.detection.mean), fmt(dr.recovery.mean)]);
    rows.push(['stddev', '', '', fmt(dr.detection.stddev), fmt(dr.recovery.stddev)]);
    out.push(
      renderTable(
        [
          'trial',
          'target',
          { header: 'baseline q/s', align: 'right' },
          { header: 'detection ms', align: 'right' },
          { header: 'recovery ms', align: 'right' },
        ],
        rows,
        { indent: '  ' },
      ),
    );
    for (const t of dr.trials) for (const note of t.notes) out.push(`  trial ${t.trial}: ${note}`);
    out.push('');
  }
  out.push(
    `queries: ${r.totalQueries} in ${r.jobs.length} jobs, lost ${r.lost}, duplicated ${r.duplicated}` +
      (r.jobs.some((j) => j.errors > 0)
        ? `, recorded as errors ${r.jobs.reduce((a, j) => a + j.errors, 0)}`
        : ''),
  );
  for (const j of r.jobs.filter((j) => j.lost > 0 || j.duplicated > 0 || !j.completed))
    out.push(
      `  ${j.jobId}: ${j.distinct}/${j.totalQueries} distinct, ${j.rows} rows, lost ${j.lost}, duplicated ${j.duplicated}${j.completed ? '' : ' (not completed)'}`,
    );
  for (const f of r.failures) out.push(`FAILED: ${f}`);
  out.push(r.ok ? 'PASS' : 'FAIL');
  return out.join('\n');
}
