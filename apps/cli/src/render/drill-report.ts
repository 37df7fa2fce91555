/** `idunno drill`'s text report: a table per drill, then the lost/duplicated totals and the verdict. */
import type { DrillReport } from '@idunno/drill';
import { renderTable } from './table.js';

const fmt = (v: number | null) => (v === null || Number.isNaN(v) ? '-' : v.toFixed(0));

export function renderDrillReport(r: DrillReport): string {
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
