/** get-job-stats' and get-job-assigned-vms' text output. */
import type {
  CoordAssignmentList__Output,
  CoordJobStats__Output,
  CoordJobStatsList__Output,
  CoordLeaderInfo__Output,
} from '@idunno/proto';
import { renderFields, renderTable } from './table.js';

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
