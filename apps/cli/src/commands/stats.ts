/** Reads about jobs: get-job-stats (C1, C2, progress, ETA) and get-job-assigned-vms. */

import { type ClusterClient, ControlError } from '@idunno/client';
import type {
  CoordAssignmentList__Output,
  CoordJobStats__Output,
  CoordJobStatsList__Output,
  CoordLeaderInfo__Output,
} from '@idunno/proto';
import {
  booleanFlag,
  countArg,
  EXIT_CODES,
  jobName,
  parseCommand,
  positionalArgs,
  printJson,
  stringFlag,
  withControl,
} from '../flags.js';
import { renderFields, renderTable } from '../render/table.js';

export const DEFAULT_WATCH_INTERVAL_MS = 1000;

export const GET_JOB_STATS_HELP = `usage: idunno get-job-stats [job] [--watch] [--interval-ms n] [--json]

Shows job statistics: progress, errors, query rate (C1), processing time (C2), ETA.
For each job (or one job): state, progress, errors, in flight, query rate over the last 10 s
(C1), per-query processing time mean/std/median/p90/p95/p99 (C2), ETA, workers, re-dispatched
queries. The header names the leader and where the numbers come from: live (the leader's
Trackers) or redis (a standby's view of the shared state).

options:
  --watch                redraw every interval until Ctrl-C; follows the leader through a takeover
  --interval-ms <n>      redraw interval for --watch (default ${DEFAULT_WATCH_INTERVAL_MS}, at least 100)
  --json                 one JSON document (with --watch: one per line per interval)
  -h, --help             this text

${EXIT_CODES}`;

export const GET_JOB_ASSIGNED_VMS_HELP = `usage: idunno get-job-assigned-vms [job] [--json]

Shows which workers each running job uses, and each worker's share of time.
For each job (or one job): worker id, address and weight, the share of that worker's time the
job gets (a worker shared by two jobs has weights summing to 1).

${EXIT_CODES}`;

const ms = (v: number) => v.toFixed(1);

/** "1 h 02 m", "3 m 05 s", "42 s"; "-" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

function progress(s: CoordJobStats__Output): string {
  const total = s.job?.totalQueries ?? 0;
  const pct = total > 0 ? ` (${((100 * s.done) / total).toFixed(1)}%)` : '';
  return `${s.done}/${total}${pct}`;
}

function eta(s: CoordJobStats__Output): string {
  const state = s.job?.state ?? '';
  if (s.completedAt > 0 || state === 'completed') return 'done';
  if (state !== 'running') return '-';
  return formatDuration(s.etaS);
}

/** The header and one block per job, as get-job-stats prints them. */
export function renderJobStats(
  list: CoordJobStatsList__Output,
  answeredBy?: CoordLeaderInfo__Output,
): string {
  const source = list.jobs[0]?.source || (answeredBy && !answeredBy.isLeader ? 'redis' : 'live');
  const header = `leader ${list.leaderId || '(none)'} epoch ${list.epoch} (source: ${source})`;
  if (list.jobs.length === 0)
    return `${header}\n\nno jobs: add one with idunno add-job <job> --model <name> --input <dir>`;
  const blocks = list.jobs.map((s) => {
    const p = s.processing;
    const title = `job ${s.job?.jobId ?? '?'}  ${s.job?.state ?? '?'}  model ${s.job?.model ?? '?'}  batch size ${s.job?.batchSize ?? '?'}`;
    return `${title}\n${renderFields(
      [
        ['progress', progress(s)],
        ['errors', String(s.errors)],
        ['in flight', String(s.inFlight)],
        ['rate', `${s.rateQps.toFixed(1)} q/s (last 10 s)`],
        [
          'time ms',
          p
            ? `mean ${ms(p.meanMs)}  std ${ms(p.stddevMs)}  median ${ms(p.medianMs)}  p90 ${ms(p.p90Ms)}  p95 ${ms(p.p95Ms)}  p99 ${ms(p.p99Ms)}`
            : '-',
        ],
        ['ETA', eta(s)],
        ['workers', s.workers.length > 0 ? s.workers.join(', ') : '-'],
        ['redispatched', String(s.redispatched)],
      ],
      { indent: '  ' },
    )}`;
  });
  return `${header}\n\n${blocks.join('\n\n')}`;
}

/** What get-job-stats --json prints: the list as the coordinator sent it (numbers as numbers). */
export function jobStatsJson(list: CoordJobStatsList__Output, answeredBy?: CoordLeaderInfo__Output): object {
  return {
    leaderId: list.leaderId,
    epoch: list.epoch,
    answeredBy: answeredBy?.nodeId ?? '',
    jobs: list.jobs,
  };
}

async function fetchStats(client: ClusterClient, jobId: string) {
  return client.read(async (c, info) => ({ list: await c.stats(jobId), info }));
}

export async function getJobStatsCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, { watch: { type: 'boolean' }, 'interval-ms': { type: 'string' } });
  if (p.help) {
    process.stdout.write(`${GET_JOB_STATS_HELP}\n`);
    return 0;
  }
  const [job] = positionalArgs('get-job-stats', p.positionals, [], ['job']);
  const jobId = job === undefined ? '' : jobName(job);
  const interval = Math.max(
    100,
    countArg('--interval-ms', stringFlag(p, 'interval-ms'), DEFAULT_WATCH_INTERVAL_MS),
  );
  const print = (r: { list: CoordJobStatsList__Output; info: CoordLeaderInfo__Output }) =>
    p.json
      ? process.stdout.write(`${JSON.stringify(jobStatsJson(r.list, r.info))}\n`)
      : process.stdout.write(`${renderJobStats(r.list, r.info)}\n`);
  if (!booleanFlag(p, 'watch')) {
    return withControl(async (client) => {
      const r = await fetchStats(client, jobId);
      if (p.json) printJson(jobStatsJson(r.list, r.info));
      else print(r);
      return 0;
    });
  }
  return withControl((client) => watch(client, jobId, interval, print, p.json));
}

/**
 * Redraws until Ctrl-C. A failed read (the leader died, a takeover is under way) prints a note
 * and tries again next interval: every read re-probes, so the new leader is found by itself. A
 * refused read (unknown job) ends the watch with the refusal's exit code.
 */
async function watch(
  client: ClusterClient,
  jobId: string,
  intervalMs: number,
  print: (r: { list: CoordJobStatsList__Output; info: CoordLeaderInfo__Output }) => void,
  json: boolean,
): Promise<number> {
  const tty = process.stdout.isTTY === true && !json;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => {
    stop = r;
  });
  const onSigint = () => stop();
  process.once('SIGINT', onSigint);
  try {
    for (;;) {
      try {
        const r = await fetchStats(client, jobId);
        if (tty) process.stdout.write('\x1b[2J\x1b[H');
        print(r);
      } catch (err) {
        if (!(err instanceof ControlError) || err.exitCode !== 3) throw err;
        process.stderr.write(`idunno: ${err.message} (retrying every ${intervalMs} ms, Ctrl-C to stop)\n`);
      }
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<'tick'>((r) => {
        timer = setTimeout(() => r('tick'), intervalMs);
      });
      const what = await Promise.race([tick, stopped.then(() => 'stop' as const)]);
      clearTimeout(timer);
      if (what === 'stop') return 0;
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** One table per job: worker, address, weight (share of that worker's time). */
export function renderAssignments(list: CoordAssignmentList__Output): string {
  if (list.jobs.length === 0) return 'no running job has workers assigned';
  return list.jobs
    .map(
      (j) =>
        `job ${j.jobId}\n${
          j.workers.length === 0
            ? '  (no workers assigned)'
            : renderTable(
                ['WORKER', 'ADDRESS', { header: 'WEIGHT', align: 'right' }],
                j.workers.map((w) => [w.workerId, w.address, w.weight.toFixed(3)]),
                { indent: '  ' },
              )
        }`,
    )
    .join('\n\n');
}

export async function getJobAssignedVmsCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, {});
  if (p.help) {
    process.stdout.write(`${GET_JOB_ASSIGNED_VMS_HELP}\n`);
    return 0;
  }
  const [job] = positionalArgs('get-job-assigned-vms', p.positionals, [], ['job']);
  const jobId = job === undefined ? '' : jobName(job);
  return withControl(async (client) => {
    const list = await client.read((c) => c.assigned(jobId));
    if (p.json) printJson(list);
    else process.stdout.write(`${renderAssignments(list)}\n`);
    return 0;
  });
}
