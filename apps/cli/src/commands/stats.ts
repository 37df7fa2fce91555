/** Reads about jobs: get-job-stats (C1, C2, progress, ETA) and get-job-assigned-vms. */
import { type ClusterClient, ControlError } from '@idunno/client';
import type { CoordJobStatsList__Output, CoordLeaderInfo__Output } from '@idunno/proto';
import { Option } from 'commander';
import { EXIT_CODES, printJson, withControl } from '../control.js';
import { type CommandSpec, countArg, type JsonFlag, jobName } from '../flags.js';
import { renderAssignments, renderJobStats } from '../render/job-stats.js';

export const DEFAULT_WATCH_INTERVAL_MS = 1000;
/** Faster redraws would only load the leader. */
export const MIN_WATCH_INTERVAL_MS = 100;

const JOB_ARG = 'only this job (default: every job)';

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

export interface JobStatsFlags extends JsonFlag {
  watch?: boolean;
  /** @default DEFAULT_WATCH_INTERVAL_MS, at least MIN_WATCH_INTERVAL_MS */
  intervalMs: number;
}

export const getJobStatsCommand: CommandSpec<[string | undefined, JobStatsFlags]> = {
  define: (cmd) =>
    cmd
      .description(
        'Shows job statistics: progress, errors, query rate (C1), processing time (C2), ETA. ' +
          'For each job (or one job): state, progress, errors, in flight, query rate over the last 10 s ' +
          '(C1), per-query processing time mean/std/median/p90/p95/p99 (C2), ETA, workers, re-dispatched ' +
          "queries. The header names the leader and where the numbers come from: live (the leader's " +
          "Trackers) or redis (a standby's view of the shared state).",
      )
      .argument('[job]', JOB_ARG, jobName)
      .option('--watch', 'redraw every interval until Ctrl-C; follows the leader through a takeover')
      .addOption(
        new Option('--interval-ms <n>', `redraw interval for --watch, at least ${MIN_WATCH_INTERVAL_MS}`)
          .default(DEFAULT_WATCH_INTERVAL_MS)
          .argParser((v) => Math.max(MIN_WATCH_INTERVAL_MS, countArg('--interval-ms', v))),
      )
      .option('--json', 'one JSON document (with --watch: one per line per interval)')
      .addHelpText('after', `\n${EXIT_CODES}`),
  run: async (job, flags) => {
    const jobId = job ?? '';
    const json = flags.json === true;
    const print = (r: { list: CoordJobStatsList__Output; info: CoordLeaderInfo__Output }) =>
      json
        ? process.stdout.write(`${JSON.stringify(jobStatsJson(r.list, r.info))}\n`)
        : process.stdout.write(`${renderJobStats(r.list, r.info)}\n`);
    if (!flags.watch) {
      return withControl(async (client) => {
        const r = await fetchStats(client, jobId);
        if (json) printJson(jobStatsJson(r.list, r.info));
        else print(r);
        return 0;
      });
    }
    return withControl((client) => watch(client, jobId, flags.intervalMs, print, json));
  },
};

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

export const getJobAssignedVmsCommand: CommandSpec<[string | undefined, JsonFlag]> = {
  define: (cmd) =>
    cmd
      .description(
        "Shows which workers each running job uses, and each worker's share of time. " +
          "For each job (or one job): worker id, address and weight, the share of that worker's time the " +
          'job gets (a worker shared by two jobs has weights summing to 1).',
      )
      .argument('[job]', JOB_ARG, jobName)
      .option('--json', 'print the assignments as JSON')
      .addHelpText('after', `\n${EXIT_CODES}`),
  run: (job, flags) =>
    withControl(async (client) => {
      const list = await client.read((c) => c.assigned(job ?? ''));
      if (flags.json) printJson(list);
      else process.stdout.write(`${renderAssignments(list)}\n`);
      return 0;
    }),
};
