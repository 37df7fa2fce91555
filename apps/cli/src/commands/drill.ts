/**
 * `idunno drill`: breaks a local cluster on purpose (SIGKILL or SIGSTOP of a real process, a Redis
 * restart) while two jobs run, and measures detection time, recovery time and lost or duplicated
 * queries. The engine is `@idunno/drill`; this command keeps the flags, the signals and the printing.
 */
import {
  BASELINE_MS,
  DEFAULT_DRILL_TRIALS,
  DEFAULT_DRILL_WORKERS,
  DRILL_KINDS,
  type DrillKind,
  isDrillKind,
  launchDrill,
  MIN_DRILL_WORKERS,
  RECOVERY_CAP_MS,
  RECOVERY_FRACTION,
  RECOVERY_WINDOW_MS,
  SAMPLE_INTERVAL_MS,
} from '@idunno/drill';
import { type Command, Option } from 'commander';
import { type CommandSpec, positiveInt, UsageError } from '../flags.js';
import { renderDrillReport } from '../render/drill-report.js';

const KINDS = `${DRILL_KINDS.join(', ')}, all`;

const DRILL_STEPS = `
Self-contained: starts its own cluster in .idunno/drill (redis-server with
append-only file, 2 coordinators, --workers workers; its Redis data is wiped
first), runs two jobs on synthetic images (vit-tiny-untrained, batch 8, and
tiny, batch 16; a fresh pair whenever one runs low) and for each trial:
  1. baseline: the jobs' combined throughput over ${BASELINE_MS / 1000} s (done counts sampled
     every ${SAMPLE_INTERVAL_MS} ms)
  2. the failure, on a real process with a real signal:
       kill-worker    SIGKILL a worker that is assigned work
       hang-worker    SIGSTOP such a worker (SIGCONT after the trial)
       kill-primary   SIGKILL the leading coordinator
       hang-primary   SIGSTOP it (SIGCONT after the trial; it must then demote
                      itself)
       kill-standby   SIGKILL the standby coordinator
       restart-redis  SIGKILL redis-server, start it again on the same port and
                      data (AOF replay)
       all            every drill above in turn, --trials each
  3. detection: until the leader's Members() shows the worker not alive or
     GetAssignedWorkers stops listing it (workers), another coordinator answers
     Leader() as leader (primary), Members() shows the standby not alive
     (standby), the done counts move again (Redis);
     recovery: until the combined throughput over a ${RECOVERY_WINDOW_MS / 1000}-s window is back
     to ≥ ${RECOVERY_FRACTION * 100}% of the baseline, measured to the start of the first such
     window after the failure (0 = no visible dip); capped at ${RECOVERY_CAP_MS / 1000} s
     ("not recovered").
  Then the cluster is restored to full strength (a new worker or coordinator for
  a killed one).
At the end it waits for every job it started to complete and reads all results:
duplicated = result rows - distinct query ids, lost = total queries - distinct
query ids. Prints a table per drill (trials, mean, standard deviation) and the
lost/duplicated totals; progress goes to stderr. The cluster is always stopped
at the end (also on error and Ctrl-C).

Note: recovery compares with the throughput of the full cluster. When workers
are bound by CPU cores rather than by their number (fewer cores than workers),
losing one costs little.

exit codes: 0 every trial measured and no query lost or duplicated, 1 a query
  was lost or duplicated, or a measurement failed (not detected, not recovered,
  a job did not complete, the hung primary did not demote itself), 2 bad usage,
  130 interrupted.`;

export interface DrillFlags {
  /** @default DEFAULT_DRILL_TRIALS */
  trials: number;
  /** @default DEFAULT_DRILL_WORKERS */
  workers: number;
  json?: boolean;
}

/** The drills `<drill>` names: one kind, or every kind for "all". */
export function drillKinds(which: string): DrillKind[] {
  if (which === 'all') return [...DRILL_KINDS];
  if (isDrillKind(which)) return [which];
  throw new UsageError(`unknown drill "${which}": use one of ${KINDS}`);
}

export const drillCommand: CommandSpec<[string | undefined, DrillFlags, Command]> = {
  define: (cmd) =>
    cmd
      .usage(`<${DRILL_KINDS.join('|')}|all> [options]`)
      .description(
        'Failure drills: breaks a local cluster on purpose and measures detection, recovery, lost queries.',
      )
      // Optional for commander so that a missing or an extra drill gets the messages below.
      .argument('[drill]', `one of ${KINDS}`)
      .allowExcessArguments()
      .addOption(
        new Option('--trials <n>', 'trials per drill, at most 100')
          .default(DEFAULT_DRILL_TRIALS)
          .argParser((v) => positiveInt('trials', v, 100)),
      )
      .addOption(
        new Option('--workers <n>', `workers in the cluster, at least ${MIN_DRILL_WORKERS}, at most 16`)
          .default(DEFAULT_DRILL_WORKERS)
          .argParser((v) => positiveInt('workers', v, 16)),
      )
      .option('--json', 'print one JSON document instead of tables')
      .addHelpText('after', DRILL_STEPS),
  run: async (which, flags, cmd) => {
    if (which === undefined) throw new UsageError(`drill needs one of ${KINDS}`);
    const extra = cmd.args.slice(1);
    if (extra.length > 0) throw new UsageError(`drill takes one drill, got also: ${extra.join(' ')}`);
    const kinds = drillKinds(which);
    const { trials, workers: workerCount } = flags;
    if (workerCount < MIN_DRILL_WORKERS)
      throw new UsageError(`--workers must be at least ${MIN_DRILL_WORKERS} (a drill kills one)`);

    const t00 = Date.now();
    const progress = (line: string) =>
      process.stderr.write(`[${((Date.now() - t00) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
    const drill = await launchDrill({ kinds, trials, workers: workerCount, onProgress: progress });
    let interrupted = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (interrupted) return;
      interrupted = true;
      progress(`${sig}: stopping the cluster`);
      drill.close();
      void drill.cluster.stop().then(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const report = await drill.run();
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${renderDrillReport(report)}\n`);
      return report.ok ? 0 : 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      drill.close();
      if (!interrupted) {
        progress('stopping the cluster');
        await drill.cluster.stop();
      }
    }
  },
};
