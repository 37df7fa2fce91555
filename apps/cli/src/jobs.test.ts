import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  type AddJobFlags,
  addJobCommand,
  addJobRequest,
  resolveInput,
  setBatchSizeCommand,
  startJobCommand,
  stopJobCommand,
} from './commands/jobs.js';
import { showResultsCommand } from './commands/results.js';
import { getJobStatsCommand } from './commands/stats.js';
import { boundedInt, CliCommand, type CommandSpec, type JsonFlag, jobName, UsageError } from './flags.js';

/**
 * Parses `argv` as `idunno <name> ...argv` does (main gives the spec a CliCommand, commander
 * parses), and returns what the spec's run would be called with, or 'help' for --help.
 */
async function parse(name: string, spec: CommandSpec, argv: string[]): Promise<unknown[] | 'help'> {
  const cmd = new CliCommand(name).exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  spec.define(cmd);
  let args: unknown[] = [];
  cmd.action((...a: unknown[]) => {
    args = a;
  });
  try {
    await cmd.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && err.code === 'commander.helpDisplayed') return 'help';
    throw err;
  }
  return args;
}

async function addJobArgs(argv: string[], cwd?: string) {
  const args = await parse('add-job', addJobCommand, argv);
  if (args === 'help') return { help: true as const };
  const [job, flags] = args as [string, AddJobFlags];
  return { help: false as const, request: addJobRequest(job, flags, cwd) };
}

async function jobRefArgs(command: 'start-job' | 'stop-job', argv: string[]) {
  const args = await parse(command, command === 'start-job' ? startJobCommand : stopJobCommand, argv);
  if (args === 'help') return { help: true as const };
  const [jobId, flags] = args as [string, JsonFlag];
  return { help: false as const, json: flags.json === true, jobId };
}

async function setBatchSizeArgs(argv: string[]) {
  const args = await parse('set-batch-size', setBatchSizeCommand, argv);
  if (args === 'help') return { help: true as const };
  const [jobId, batchSize, flags] = args as [string, number, JsonFlag];
  return { help: false as const, json: flags.json === true, jobId, batchSize };
}

async function usage(run: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('add-job arguments', () => {
  it('resolves local inputs against the cwd and leaves URLs untouched', async () => {
    const r = await addJobArgs(
      [
        'vit-a',
        '--model',
        'vit-tiny',
        '--input',
        'imgs',
        '--input',
        'https://x.test/a.jpg',
        '--input',
        '/abs/list.txt',
      ],
      '/home/me',
    );
    expect(r.help).toBe(false);
    if (r.help) return;
    expect(r.request).toEqual({
      jobId: 'vit-a',
      model: 'vit-tiny',
      inputs: ['/home/me/imgs', 'https://x.test/a.jpg', '/abs/list.txt'],
      batchSize: 0,
      topK: 0,
    });
    expect(resolveInput('file:///a.jpg', '/x')).toBe('file:///a.jpg');
    expect(resolveInput('../b', '/x/y')).toBe('/x/b');
  });

  it('sends --shared-filesystem when given, and nothing of it otherwise', async () => {
    const shared = await addJobArgs(['j', '--model', 'm', '--input', 'd', '--shared-filesystem'], '/');
    if (shared.help) throw new Error('unexpected help');
    expect(shared.request).toMatchObject({ sharedFilesystem: true });
    const plain = await addJobArgs(['j', '--model', 'm', '--input', 'd'], '/');
    if (plain.help) throw new Error('unexpected help');
    expect('sharedFilesystem' in plain.request).toBe(false);
  });

  it('sends the batch size and top-k given', async () => {
    const r = await addJobArgs(
      ['j', '--model', 'm', '--input', 'd', '--batch-size', '1024', '--top-k', '3'],
      '/',
    );
    expect(r.help ? undefined : [r.request.batchSize, r.request.topK]).toEqual([1024, 3]);
  });

  it.each([
    [['--batch-size', '0'], '--batch-size must be an integer from 1 to 1024, got 0'],
    [['--batch-size', '-3'], '--batch-size must be an integer from 1 to 1024, got -3'],
    [['--batch-size=-3'], '--batch-size must be an integer from 1 to 1024, got -3'],
    [['--batch-size', 'abc'], '--batch-size must be an integer from 1 to 1024, got "abc"'],
    [['--batch-size', '2.5'], '--batch-size must be an integer from 1 to 1024, got "2.5"'],
    [['--batch-size', '1025'], '--batch-size must be an integer from 1 to 1024, got 1025'],
    [['--top-k', '0'], '--top-k must be an integer from 1 to 100, got 0'],
  ])('refuses %j with a precise message', async (extra, message) => {
    expect(await usage(addJobArgs(['j', '--model', 'm', '--input', 'd', ...extra]))).toBe(message);
  });

  it('refuses a missing job, model or input and a bad job name', async () => {
    expect(await usage(addJobArgs(['--model', 'm', '--input', 'd']))).toBe(
      'add-job needs <job> (see idunno add-job --help)',
    );
    expect(await usage(addJobArgs(['j', '--input', 'd']))).toBe('add-job needs --model <name>');
    expect(await usage(addJobArgs(['j', '--model', 'm']))).toBe(
      'add-job needs at least one --input <dir|list-file|image|url>',
    );
    expect(await usage(addJobArgs(['a b', '--model', 'm', '--input', 'd']))).toBe(
      `job name "a b" is invalid: use 1-64 letters, digits, '.', '_' or '-'`,
    );
  });

  it('refuses an unknown option as commander words it (main exits 2, see main.test.ts)', async () => {
    await expect(addJobArgs(['j', '--modle', 'm'])).rejects.toThrow(/unknown option '--modle'/);
    await expect(addJobArgs(['j', '--modle', 'm'])).rejects.toMatchObject({
      code: 'commander.unknownOption',
    });
  });
});

describe('job names', () => {
  it('accepts 1-64 letters, digits, dot, underscore and dash', () => {
    expect(jobName('A.b_c-9')).toBe('A.b_c-9');
    expect(jobName('x'.repeat(64))).toBe('x'.repeat(64));
    expect(() => jobName('x'.repeat(65))).toThrow(UsageError);
    expect(() => jobName('')).toThrow(UsageError);
    expect(() => jobName('a/b')).toThrow(UsageError);
  });
});

describe('set-batch-size, start-job and stop-job arguments', () => {
  it('parses <job> <n>, including a negative n as a value', async () => {
    expect(await setBatchSizeArgs(['j', '32'])).toEqual({
      help: false,
      json: false,
      jobId: 'j',
      batchSize: 32,
    });
    expect(await usage(setBatchSizeArgs(['j', '-1']))).toBe(
      'batch size must be an integer from 1 to 1024, got -1',
    );
    expect(await usage(setBatchSizeArgs(['j', 'x']))).toBe(
      'batch size must be an integer from 1 to 1024, got "x"',
    );
    expect(await usage(setBatchSizeArgs(['j']))).toBe(
      'set-batch-size needs <n> (see idunno set-batch-size --help)',
    );
  });

  it('refuses extra arguments', async () => {
    expect(await usage(jobRefArgs('start-job', ['a', 'b']))).toBe(
      'start-job takes <job>, got unexpected "b"',
    );
    expect(await jobRefArgs('stop-job', ['a', '--json'])).toEqual({ help: false, json: true, jobId: 'a' });
  });

  it('recognises --help and -h', async () => {
    expect((await jobRefArgs('start-job', ['--help'])).help).toBe(true);
    expect((await setBatchSizeArgs(['-h'])).help).toBe(true);
  });
});

describe('flag parsing', () => {
  it('keeps negative numbers as values and parses booleans', async () => {
    const spec: CommandSpec = {
      define: (cmd) => cmd.argument('[job]').option('--limit <n>').option('--json'),
      run: async () => 0,
    };
    const [job, p] = (await parse('x', spec, ['--limit', '-5', 'job', '--json'])) as [
      string,
      { limit?: string; json?: boolean },
    ];
    expect(p.limit).toBe('-5');
    expect([job]).toEqual(['job']);
    expect(p.json).toBe(true);
    expect(boundedInt('n', ' 7', 10)).toBe(7);
  });

  it('rejects a bad --out extension or --limit before any network call', async () => {
    await expect(parse('show-results', showResultsCommand, ['j', '--out', 'r.txt'])).rejects.toThrow(
      '--out must end in .jsonl or .csv, got "r.txt"',
    );
    await expect(parse('show-results', showResultsCommand, ['j', '--limit', '-1'])).rejects.toThrow(
      '--limit must be a non-negative integer, got "-1"',
    );
    await expect(parse('get-job-stats', getJobStatsCommand, ['a', 'b'])).rejects.toThrow(
      'get-job-stats takes <job>, got unexpected "b"',
    );
  });
});
