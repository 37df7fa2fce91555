/**
 * `idunno drill`: breaks a local cluster on purpose (SIGKILL or SIGSTOP of a real process, a Redis
 * restart) while two jobs run, and measures detection time, recovery time and lost or duplicated
 * queries. The engine is `@idunno/drill`; this command keeps the flags, the signals and the printing.
 */
import { parseArgs } from 'node:util';
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
import { positiveInt, UsageError } from '../args.js';
import { renderDrillReport } from '../render/drill-report.js';

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
  --trials <n>     trials per drill (default ${DEFAULT_DRILL_TRIALS})
  --workers <n>    workers in the cluster (default ${DEFAULT_DRILL_WORKERS}, at least ${MIN_DRILL_WORKERS})
  --json           print one JSON document instead of tables
  -h, --help       this text

exit codes: 0 every trial measured and no query lost or duplicated, 1 a query was lost or
  duplicated, or a measurement failed (not detected, not recovered, a job did not complete, the
  hung primary did not demote itself), 2 bad usage, 130 interrupted.`;

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
  const kinds: DrillKind[] = which === 'all' ? [...DRILL_KINDS] : isDrillKind(which) ? [which] : [];
  if (kinds.length === 0)
    throw new UsageError(`unknown drill "${which}": use one of ${DRILL_KINDS.join(', ')}, all`);
  const trials = positiveInt('trials', values.trials, DEFAULT_DRILL_TRIALS, 100);
  const workerCount = positiveInt('workers', values.workers, DEFAULT_DRILL_WORKERS, 16);
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
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
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
}
