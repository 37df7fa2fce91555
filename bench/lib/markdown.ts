// Markdown for the reports pasted into docs/BENCHMARKS.md and kept in docs/bench/*.md.

/**
 * A markdown table: header row, `---` delimiter row, one line per row. Cells are written as given
 * (no padding, no escaping: a `|` inside a cell is the caller's to avoid), the form every report in
 * docs/bench/ has. Returns the lines; callers put the blank line after it.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

const fixed =
  (digits: number) =>
  (x: number): string =>
    Number.isFinite(x) ? x.toFixed(digits) : '–';

/** A number with 0, 1 or 2 decimals; "–" for NaN or ±Infinity (a measurement that did not happen). */
export const f0 = fixed(0);
export const f1 = fixed(1);
export const f2 = fixed(2);

/** A fraction as a percentage with one decimal ("12.5%"); "–" when not finite. */
export function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–';
}
