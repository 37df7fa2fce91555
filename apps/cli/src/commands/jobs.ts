/** Job changes: add-job, start-job, stop-job, set-batch-size. Each goes to the leader. */
import { resolve } from 'node:path';
import { MAX_BATCH_SIZE, MAX_TOP_K } from '@idunno/client';
import type { CoordJobInfo__Output } from '@idunno/proto';
import { UsageError } from '../args.js';
import {
  boundedInt,
  EXIT_CODES,
  jobName,
  parseCommand,
  positionalArgs,
  printJson,
  stringFlag,
  stringFlags,
  withControl,
} from '../flags.js';

export const ADD_JOB_HELP = `usage: idunno add-job <job> --model <name> --input <dir|list-file|image|url> [--input ...] [options]

Adds a job: a model and the images its queries run on.
The coordinator expands the inputs into queries (stored in Redis); start it with start-job.

  <job>                  1-64 letters, digits, '.', '_' or '-'
options:
  --model <name>         model every query of the job runs on (see: idunno classify --help)
  --input <x>            a directory of images, a file listing one path or URL per line, an image
                         or an http(s) URL; repeatable. Local paths are sent absolute (resolved
                         here) and must exist on the coordinators' machine.
  --batch-size <n>       queries per task sent to a worker, 1 to ${MAX_BATCH_SIZE} (default: the coordinator's, 8)
  --top-k <k>            classes kept per image, 1 to ${MAX_TOP_K} (default: the coordinator's, 5)
  --json                 print the job as JSON
  -h, --help             this text

${EXIT_CODES}`;

export const START_JOB_HELP = `usage: idunno start-job <job> [--json]

Starts (or resumes) a job on the workers the Scheduler assigns.
At most two jobs run at once; a third is refused until one stops or completes.

${EXIT_CODES}`;

export const STOP_JOB_HELP = `usage: idunno stop-job <job> [--json]

Stops a running job; start-job resumes it where it stopped.
No new batches are sent; batches in flight still record their results.

${EXIT_CODES}`;

export const SET_BATCH_SIZE_HELP = `usage: idunno set-batch-size <job> <n> [--json]

Changes a job's batch size (queries per task, 1 to ${MAX_BATCH_SIZE}), from the next batch on.
Takes effect on the next batch dispatched; batches already in flight keep their size.

${EXIT_CODES}`;

/** Local paths become absolute against the CLI's cwd; URLs (scheme://…) pass untouched. */
export function resolveInput(input: string, cwd: string = process.cwd()): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(input) ? input : resolve(cwd, input);
}

/** A job as plain JSON (what --json prints). */
function jobJson(j: CoordJobInfo__Output): object {
  return {
    jobId: j.jobId,
    model: j.model,
    state: j.state,
    batchSize: j.batchSize,
    topK: j.topK,
    totalQueries: j.totalQueries,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
  };
}

/** The request add-job sends, validated: UsageError (exit 2) for what can be checked here. */
export function addJobRequest(argv: readonly string[], cwd: string = process.cwd()) {
  const p = parseCommand(argv, {
    model: { type: 'string' },
    input: { type: 'string', multiple: true },
    'batch-size': { type: 'string' },
    'top-k': { type: 'string' },
  });
  if (p.help) return { help: true as const };
  const [job = ''] = positionalArgs('add-job', p.positionals, ['job']);
  const jobId = jobName(job);
  const model = stringFlag(p, 'model');
  if (!model) throw new UsageError('add-job needs --model <name>');
  const inputs = stringFlags(p, 'input');
  if (inputs.length === 0)
    throw new UsageError('add-job needs at least one --input <dir|list-file|image|url>');
  if (inputs.some((i) => i.trim() === '')) throw new UsageError('--input must not be empty');
  const batch = stringFlag(p, 'batch-size');
  const topK = stringFlag(p, 'top-k');
  return {
    help: false as const,
    json: p.json,
    request: {
      jobId,
      model,
      inputs: inputs.map((i) => resolveInput(i, cwd)),
      // 0 = the coordinator's default (proto3 has no "unset" for scalars).
      batchSize: batch === undefined ? 0 : boundedInt('--batch-size', batch, MAX_BATCH_SIZE),
      topK: topK === undefined ? 0 : boundedInt('--top-k', topK, MAX_TOP_K),
    },
  };
}

export async function addJobCommand(argv: string[]): Promise<number> {
  const parsed = addJobRequest(argv);
  if (parsed.help) {
    process.stdout.write(`${ADD_JOB_HELP}\n`);
    return 0;
  }
  return withControl(async (client) => {
    const job = await client.change((c) => c.addJob(parsed.request));
    if (parsed.json) printJson(jobJson(job));
    else
      process.stdout.write(
        `added job ${job.jobId}: ${job.totalQueries} queries on ${job.model}, batch size ${job.batchSize}, ` +
          `top-${job.topK} (state: ${job.state})\nstart it with: idunno start-job ${job.jobId}\n`,
      );
    return 0;
  });
}

/** `<job>` of start-job / stop-job, validated. */
export function jobRefArgs(command: string, argv: readonly string[]) {
  const p = parseCommand(argv, {});
  if (p.help) return { help: true as const };
  const [job = ''] = positionalArgs(command, p.positionals, ['job']);
  return { help: false as const, json: p.json, jobId: jobName(job) };
}

function jobRefCommand(
  command: 'start-job' | 'stop-job',
  help: string,
  verb: string,
): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const parsed = jobRefArgs(command, argv);
    if (parsed.help) {
      process.stdout.write(`${help}\n`);
      return 0;
    }
    return withControl(async (client) => {
      const job = await client.change((c) =>
        command === 'start-job' ? c.startJob(parsed.jobId) : c.stopJob(parsed.jobId),
      );
      if (parsed.json) printJson(jobJson(job));
      else process.stdout.write(`${verb} job ${job.jobId} (state: ${job.state})\n`);
      return 0;
    });
  };
}

export const startJobCommand = jobRefCommand('start-job', START_JOB_HELP, 'started');
export const stopJobCommand = jobRefCommand('stop-job', STOP_JOB_HELP, 'stopped');

/** `<job> <n>` of set-batch-size, validated. */
export function setBatchSizeArgs(argv: readonly string[]) {
  const p = parseCommand(argv, {});
  if (p.help) return { help: true as const };
  const [job = '', n = ''] = positionalArgs('set-batch-size', p.positionals, ['job', 'n']);
  return {
    help: false as const,
    json: p.json,
    jobId: jobName(job),
    batchSize: boundedInt('batch size', n, MAX_BATCH_SIZE),
  };
}

export async function setBatchSizeCommand(argv: string[]): Promise<number> {
  const parsed = setBatchSizeArgs(argv);
  if (parsed.help) {
    process.stdout.write(`${SET_BATCH_SIZE_HELP}\n`);
    return 0;
  }
  return withControl(async (client) => {
    const job = await client.change((c) => c.setBatchSize(parsed.jobId, parsed.batchSize));
    if (parsed.json) printJson(jobJson(job));
    else
      process.stdout.write(
        `job ${job.jobId}: batch size ${job.batchSize} from the next batch on (batches in flight keep theirs)\n`,
      );
    return 0;
  });
}
