import { describe, expect, it } from 'vitest';
import { UsageError } from './args.js';
import { addJobRequest, jobRefArgs, resolveInput, setBatchSizeArgs } from './commands/jobs.js';
import { showResultsCommand } from './commands/results.js';
import { getJobStatsCommand } from './commands/stats.js';
import { boundedInt, jobName, parseCommand } from './flags.js';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('add-job arguments', () => {
  it('resolves local inputs against the cwd and leaves URLs untouched', () => {
    const r = addJobRequest(
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

  it('sends the batch size and top-k given', () => {
    const r = addJobRequest(
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
  ])('refuses %j with a precise message', (extra, message) => {
    expect(usage(() => addJobRequest(['j', '--model', 'm', '--input', 'd', ...extra]))).toBe(message);
  });

  it('refuses a missing job, model or input and a bad job name', () => {
    expect(usage(() => addJobRequest(['--model', 'm', '--input', 'd']))).toBe(
      'add-job needs <job> (see idunno add-job --help)',
    );
    expect(usage(() => addJobRequest(['j', '--input', 'd']))).toBe('add-job needs --model <name>');
    expect(usage(() => addJobRequest(['j', '--model', 'm']))).toBe(
      'add-job needs at least one --input <dir|list-file|image|url>',
    );
    expect(usage(() => addJobRequest(['a b', '--model', 'm', '--input', 'd']))).toBe(
      `job name "a b" is invalid: use 1-64 letters, digits, '.', '_' or '-'`,
    );
  });

  it('lets unknown options through to main as a TypeError (exit 2)', () => {
    expect(() => addJobRequest(['j', '--modle', 'm'])).toThrow(/Unknown option '--modle'/);
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
  it('parses <job> <n>, including a negative n as a value', () => {
    expect(setBatchSizeArgs(['j', '32'])).toEqual({ help: false, json: false, jobId: 'j', batchSize: 32 });
    expect(usage(() => setBatchSizeArgs(['j', '-1']))).toBe(
      'batch size must be an integer from 1 to 1024, got -1',
    );
    expect(usage(() => setBatchSizeArgs(['j', 'x']))).toBe(
      'batch size must be an integer from 1 to 1024, got "x"',
    );
    expect(usage(() => setBatchSizeArgs(['j']))).toBe(
      'set-batch-size needs <n> (see idunno set-batch-size --help)',
    );
  });

  it('refuses extra arguments', () => {
    expect(usage(() => jobRefArgs('start-job', ['a', 'b']))).toBe(
      'start-job takes <job>, got unexpected "b"',
    );
    expect(jobRefArgs('stop-job', ['a', '--json'])).toEqual({ help: false, json: true, jobId: 'a' });
  });

  it('recognises --help and -h', () => {
    expect(jobRefArgs('start-job', ['--help']).help).toBe(true);
    expect(setBatchSizeArgs(['-h']).help).toBe(true);
  });
});

describe('flag parsing', () => {
  it('keeps negative numbers as values and parses booleans', () => {
    const p = parseCommand(['--limit', '-5', 'job', '--json'], { limit: { type: 'string' } });
    expect(p.values.limit).toBe('-5');
    expect(p.positionals).toEqual(['job']);
    expect(p.json).toBe(true);
    expect(boundedInt('n', ' 7', 10)).toBe(7);
  });

  it('rejects a bad --out extension or --limit before any network call', async () => {
    await expect(showResultsCommand(['j', '--out', 'r.txt'])).rejects.toThrow(
      '--out must end in .jsonl or .csv, got "r.txt"',
    );
    await expect(showResultsCommand(['j', '--limit', '-1'])).rejects.toThrow(
      '--limit must be a non-negative integer, got "-1"',
    );
    await expect(getJobStatsCommand(['a', 'b'])).rejects.toThrow(
      'get-job-stats takes <job>, got unexpected "b"',
    );
  });
});
