/** show-results' rows: the readable table and the .jsonl / .csv export formats. */
import { basename, extname } from 'node:path';
import { type ClassScore, decodeOutcome, type Outcome } from '@idunno/client';
import type { CoordResultRecord__Output } from '@idunno/proto';
import { UsageError } from '../flags.js';
import { renderTable } from './table.js';

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
