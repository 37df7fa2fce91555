/** Job changes: add-job, start-job, stop-job, set-batch-size. Each goes to the leader. */
import { resolve } from 'node:path';
import { DEFAULT_TOP_K, JOB_ID_RULE, MAX_BATCH_SIZE, MAX_TOP_K } from '@idunno/client';
import { Option } from 'commander';
import { EXIT_CODES, printJson, withControl } from '../control.js';
import { boundedInt, type CommandSpec, collect, type JsonFlag, jobName, UsageError } from '../flags.js';

const JSON_JOB = 'print the job as JSON';

/** Local paths become absolute against the CLI's cwd; URLs (scheme://…) pass untouched. */
export function resolveInput(input: string, cwd: string = process.cwd()): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(input) ? input : resolve(cwd, input);
}

export interface AddJobFlags extends JsonFlag {
  model?: string;
  input?: string[];
  /** 0 = the coordinator's default (proto3 has no "unset" for scalars). @default 0 */
  batchSize: number;
  /** 0 = the coordinator's default. @default 0 */
  topK: number;
  sharedFilesystem?: boolean;
}

/** The request add-job sends, validated: UsageError (exit 2) for what commander cannot check. */
export function addJobRequest(jobId: string, flags: AddJobFlags, cwd: string = process.cwd()) {
  const { model, input: inputs = [] } = flags;
  if (!model) throw new UsageError('add-job needs --model <name>');
  if (inputs.length === 0)
    throw new UsageError('add-job needs at least one --input <dir|list-file|image|url>');
  if (inputs.some((i) => i.trim() === '')) throw new UsageError('--input must not be empty');
  return {
    jobId,
    model,
    inputs: inputs.map((i) => resolveInput(i, cwd)),
    batchSize: flags.batchSize,
    topK: flags.topK,
    ...(flags.sharedFilesystem ? { sharedFilesystem: true } : {}),
  };
}

export const addJobCommand: CommandSpec<[string, AddJobFlags]> = {
  define: (cmd) =>
    cmd
      .usage('<job> --model <name> --input <dir|list-file|image|url> [--input ...] [options]')
      .description(
        'Adds a job: a model and the images its queries run on. ' +
          'The coordinator expands the inputs into queries (stored in Redis); start it with start-job.',
      )
      .argument('<job>', JOB_ID_RULE, jobName)
      .option('--model <name>', 'model every query of the job runs on (see: idunno classify --help)')
      .option(
        '--input <x>',
        'a directory of images, a file listing one path or URL per line, an image or an http(s) URL; ' +
          'repeatable. Local paths are sent absolute (resolved here) and must exist on the ' +
          "coordinators' machine; the workers read them on theirs, so while workers run on other " +
          'hosts such a job is refused (serve the files over http(s), or see --shared-filesystem).',
        collect,
      )
      .option(
        '--shared-filesystem',
        'the local paths are mounted at the same place on every worker (NFS, a shared disk): add them ' +
          'even though workers run on other hosts',
      )
      .addOption(
        new Option('--batch-size <n>', `queries per task sent to a worker, 1 to ${MAX_BATCH_SIZE}`)
          .default(0, "the coordinator's, 8")
          .argParser((v) => boundedInt('--batch-size', v, MAX_BATCH_SIZE)),
      )
      .addOption(
        new Option('--top-k <k>', `classes kept per image, 1 to ${MAX_TOP_K}`)
          .default(0, `the coordinator's, ${DEFAULT_TOP_K}`)
          .argParser((v) => boundedInt('--top-k', v, MAX_TOP_K)),
      )
      .option('--json', JSON_JOB)
      .addHelpText('after', `\n${EXIT_CODES}`),
  run: async (jobId, flags) => {
    const request = addJobRequest(jobId, flags);
    return withControl(async (client) => {
      const job = await client.change((c) => c.addJob(request));
      if (flags.json) printJson(job);
      else
        process.stdout.write(
          `added job ${job.jobId}: ${job.totalQueries} queries on ${job.model}, batch size ${job.batchSize}, ` +
            `top-${job.topK} (state: ${job.state})\nstart it with: idunno start-job ${job.jobId}\n`,
        );
      return 0;
    });
  },
};

function jobRef(verb: 'started' | 'stopped', description: string): CommandSpec<[string, JsonFlag]> {
  return {
    define: (cmd) =>
      cmd
        .description(description)
        .argument('<job>', JOB_ID_RULE, jobName)
        .option('--json', JSON_JOB)
        .addHelpText('after', `\n${EXIT_CODES}`),
    run: (jobId, flags) =>
      withControl(async (client) => {
        const job = await client.change((c) => (verb === 'started' ? c.startJob(jobId) : c.stopJob(jobId)));
        if (flags.json) printJson(job);
        else process.stdout.write(`${verb} job ${job.jobId} (state: ${job.state})\n`);
        return 0;
      }),
  };
}

export const startJobCommand = jobRef(
  'started',
  'Starts (or resumes) a job on the workers the Scheduler assigns. ' +
    'At most two jobs run at once; a third is refused until one stops or completes.',
);

export const stopJobCommand = jobRef(
  'stopped',
  'Stops a running job; start-job resumes it where it stopped. ' +
    'No new batches are sent; batches in flight still record their results.',
);

export const setBatchSizeCommand: CommandSpec<[string, number, JsonFlag]> = {
  define: (cmd) =>
    cmd
      .description(
        `Changes a job's batch size (queries per task, 1 to ${MAX_BATCH_SIZE}), from the next batch on. ` +
          'Takes effect on the next batch dispatched; batches already in flight keep their size.',
      )
      .argument('<job>', JOB_ID_RULE, jobName)
      .argument('<n>', `the new batch size, 1 to ${MAX_BATCH_SIZE}`, (v) =>
        boundedInt('batch size', v, MAX_BATCH_SIZE),
      )
      .option('--json', JSON_JOB)
      .addHelpText('after', `\n${EXIT_CODES}`),
  run: (jobId, batchSize, flags) =>
    withControl(async (client) => {
      const job = await client.change((c) => c.setBatchSize(jobId, batchSize));
      if (flags.json) printJson(job);
      else
        process.stdout.write(
          `job ${job.jobId}: batch size ${job.batchSize} from the next batch on (batches in flight keep theirs)\n`,
        );
      return 0;
    }),
};
