/** show-results: pages through a job's recorded results to a table, a .jsonl or a .csv file. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { JOB_ID_RULE, RESULTS_PAGE_SIZE } from '@idunno/client';
import { Option } from 'commander';
import { EXIT_CODES, printJson, withControl } from '../control.js';
import { type CommandSpec, countArg, type JsonFlag, jobName, UsageError } from '../flags.js';
import {
  CSV_HEADER,
  csvLine,
  jsonLine,
  type OutFormat,
  outFormat,
  type ResultRow,
  renderResults,
  toRow,
} from '../render/results-format.js';

export interface ShowResultsFlags extends JsonFlag {
  /** @default Infinity (all) */
  limit: number;
  /** @default 0 */
  offset: number;
  out?: { path: string; format: OutFormat };
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

export const showResultsCommand: CommandSpec<[string, ShowResultsFlags]> = {
  define: (cmd) =>
    cmd
      .description(
        "Prints or exports a job's results (table, .jsonl or .csv). " +
          'One per query, in the order the coordinator lists them: query id, image name, top-1 label and ' +
          'probability, or the error code of a query that failed.',
      )
      .argument('<job>', JOB_ID_RULE, jobName)
      .addOption(
        new Option('--limit <n>', 'at most n results')
          .default(Number.POSITIVE_INFINITY, 'all')
          .argParser((v) => countArg('--limit', v)),
      )
      .addOption(
        new Option('--offset <n>', 'skip the first n results')
          .default(0)
          .argParser((v) => countArg('--offset', v)),
      )
      .addOption(
        new Option(
          '--out <file>',
          'write to a file instead: .jsonl one object per line {queryId, uri, kind, topK | error}; ' +
            `.csv with columns ${CSV_HEADER}`,
        ).argParser((path) => ({ path, format: outFormat(path) })),
      )
      .option(
        '--json',
        'one JSON document {jobId, totalRecorded, offset, results: [...]} (with --out: {out, format, written})',
      )
      .addHelpText('after', `\n${EXIT_CODES}`),
  run: (jobId, flags) => {
    const { limit, offset, json } = flags;
    const out = flags.out?.path;
    const format = flags.out?.format;
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
        if (json) printJson({ out, format, written });
        else process.stdout.write(`wrote ${written} results of job ${jobId} to ${out}\n`);
      } else if (json) printJson({ jobId, totalRecorded: total, offset, results: collected });
      else {
        process.stdout.write(collected.length > 0 ? `${renderResults(collected)}\n` : '');
        // The count goes to stderr so that the table can be piped on its own.
        process.stderr.write(
          `${collected.length} results shown (from ${offset}) of ${total} recorded for job ${jobId}\n`,
        );
      }
      return 0;
    });
  },
};
