/** Fixed-width text tables for the CLI's human output (the `--json` output is for machines). */

export interface Column {
  header: string;
  /** Numbers read best right-aligned. @default 'left' */
  align?: 'left' | 'right';
}

export interface TableOptions {
  /** Put before every line. @default '' */
  indent?: string;
  /** Spaces between columns. @default 2 */
  gap?: number;
  /** Print the header row. @default true */
  header?: boolean;
}

/** Width in code points: good enough for ids, paths and labels (no wide CJK or emoji handling). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'right' ? fill + s : s + fill;
}

/**
 * Renders rows under their headers, each column as wide as its widest cell. Newlines and tabs in
 * cells become spaces so that one row stays one line. No trailing spaces, no final newline.
 */
export function renderTable(
  columns: readonly (string | Column)[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const cols = columns.map(
    (c): Required<Column> =>
      typeof c === 'string' ? { header: c, align: 'left' } : { header: c.header, align: c.align ?? 'left' },
  );
  const indent = options.indent ?? '';
  const gap = ' '.repeat(options.gap ?? 2);
  const clean = rows.map((r) => cols.map((_, i) => (r[i] ?? '').replace(/[\r\n\t]+/g, ' ')));
  const all = options.header === false ? clean : [cols.map((c) => c.header), ...clean];
  const widths = cols.map((_, i) => Math.max(0, ...all.map((r) => width(r[i] ?? ''))));
  return all
    .map((r) => indent + r.map((cell, i) => pad(cell, widths[i] ?? 0, cols[i]?.align ?? 'left')).join(gap))
    .map((line) => line.trimEnd())
    .join('\n');
}

/** `key  value` lines with the keys aligned: a one-record table. */
export function renderFields(
  fields: readonly (readonly [string, string])[],
  options: TableOptions = {},
): string {
  return renderTable(['', ''], fields, { ...options, header: false });
}
