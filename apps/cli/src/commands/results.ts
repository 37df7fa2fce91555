/** show-results: pages through a job's recorded results to a table, a .jsonl or a .csv file. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { type ClassScore, decodeOutcome, type Outcome, RESULTS_PAGE_SIZE } from '@idunno/client';
import type { CoordResultRecord__Output } from '@idunno/proto';
import { UsageError } from '../args.js';
import {
  countArg,
  EXIT_CODES,
  jobName,
  parseCommand,
  positionalArgs,
  printJson,
  stringFlag,
  withControl,
} from '../flags.js';
import { renderTable } from '../render/table.js';

export const SHOW_RESULTS_HELP = `usage: idunno show-results <job> [--limit n] [--offset n] [--out file.jsonl|file.csv] [--json]

Prints or exports a job's results (table, .jsonl or .csv).
One per query, in the order the coordinator lists them: query id, image name, top-1 label and
probability, or the error code of a query that failed.

options:
  --limit <n>            at most n results (default: all)
  --offset <n>           skip the first n results (default 0)
  --out <file>           write to a file instead: .jsonl one object per line
                         {queryId, uri, kind, topK | error}; .csv with columns
                         ${'query_id,uri,kind,top1_index,top1_label,top1_probability,error_code,error_message'}
  --json                 one JSON document {jobId, totalRecorded, offset, results: [...]}
                         (with --out: {out, format, written})
  -h, --help             this text

${EXIT_CODES}`;

/** One row as show-results prints and exports it: the outcome without its timing fields. */
export type ResultRow =
  | { queryId: string; uri: string; kind: 'result'; topK: ClassScore[] }
  | { queryId: string; uri: string; kind: 'error'; error: { code: string; message: string } };

/** The row of a stored record (decoded by the contract's decoder; a bad payload is a BAD_PAYLOAD error row). */
export function decodeResult(r: CoordResultRecord__Output): ResultRow {
  return toRow(decodeOutcome(r));
}

export function toRow(o: Outcome): ResultRow {
  return o.kind === 'result'
    ? { queryId: o.queryId, uri: o.uri, kind: 'result', topK: o.topK }
    : { queryId: o.queryId, uri: o.uri, kind: 'error', error: o.error };
}

/** RFC 4180 quoting: a field with a comma, quote, CR or LF (or edge spaces) is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const CSV_HEADER = 'query_id,uri,kind,top1_index,top1_label,top1_probability,error_code,error_message';

export function csvLine(row: ResultRow): string {
  const top = row.kind === 'result' ? row.topK[0] : undefined;
  const fields =
    row.kind === 'result'
      ? [
          row.queryId,
          row.uri,
          row.kind,
          top ? String(top.index) : '',
          top?.label ?? '',
          top ? String(top.probability) : '',
          '',
          '',
        ]
      : [row.queryId, row.uri, row.kind, '', '', '', row.error.code, row.error.message];
  return fields.map(csvField).join(',');
}

export function jsonLine(row: ResultRow): string {
  return JSON.stringify(row);
}

export type OutFormat = 'jsonl' | 'csv';

/** The format `--out` asks for, by extension; any other extension is bad usage. */
export function outFormat(path: string): OutFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw new UsageError(`--out must end in .jsonl or .csv, got ${JSON.stringify(path)}`);
}

/** The readable table's rows: query id, image name, top-1 label + probability or ERROR code. */
export function renderResults(rows: readonly ResultRow[]): string {
  return renderTable(
    ['QUERY', 'IMAGE', 'TOP-1'],
    rows.map((r) => {
      const name = basename(r.uri.replace(/[?#].*$/, '')) || r.uri;
      if (r.kind === 'error') return [r.queryId, name, `ERROR ${r.error.code}: ${r.error.message}`];
      const top = r.topK[0];
      return [r.queryId, name, top ? `${top.label} (${top.probability.toFixed(3)})` : '-'];
    }),
  );
}

function write(stream: WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(text)) resolve();
    else {
      stream.once('drain', resolve);
      stream.once('error', reject);
    }
  });
}

export async function showResultsCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, {
    limit: { type: 'string' },
    offset: { type: 'string' },
    out: { type: 'string' },
  });
  if (p.help) {
    process.stdout.write(`${SHOW_RESULTS_HELP}\n`);
    return 0;
  }
  const [job = ''] = positionalArgs('show-results', p.positionals, ['job']);
  const jobId = jobName(job);
  const limit = countArg('--limit', stringFlag(p, 'limit'), Number.POSITIVE_INFINITY);
  const offset = countArg('--offset', stringFlag(p, 'offset'), 0);
  const out = stringFlag(p, 'out');
  const format = out === undefined ? undefined : outFormat(out);

  return withControl(async (client) => {
    const collected: ResultRow[] = [];
    let stream: WriteStream | undefined;
    let written = 0;
    let total = 0;
    try {
      if (out !== undefined) {
        stream = createWriteStream(out);
        await new Promise<void>((resolve, reject) => {
          stream?.once('open', () => resolve());
          stream?.once('error', (e) => reject(new UsageError(`cannot write ${out}: ${e.message}`)));
        });
        if (format === 'csv') await write(stream, `${CSV_HEADER}\n`);
      }
      // Each page is its own read, so a takeover between pages only costs a re-probe.
      for await (const page of client.resultPages(jobId, { offset, limit, pageSize: RESULTS_PAGE_SIZE })) {
        total = page.totalRecorded;
        const rows = page.outcomes.map(toRow);
        if (stream) {
          const text = rows.map((r) => (format === 'csv' ? csvLine(r) : jsonLine(r))).join('\n');
          if (text) await write(stream, `${text}\n`);
        } else collected.push(...rows);
        written += rows.length;
      }
    } finally {
      if (stream) {
        const s = stream;
        await new Promise<void>((resolve) => s.end(resolve));
      }
    }
    if (out !== undefined) {
      if (p.json) printJson({ out, format, written });
      else process.stdout.write(`wrote ${written} results of job ${jobId} to ${out}\n`);
    } else if (p.json) printJson({ jobId, totalRecorded: total, offset, results: collected });
    else {
      process.stdout.write(collected.length > 0 ? `${renderResults(collected)}\n` : '');
      // The count goes to stderr so that the table can be piped on its own.
      process.stderr.write(
        `${collected.length} results shown (from ${offset}) of ${total} recorded for job ${jobId}\n`,
      );
    }
    return 0;
  });
}
