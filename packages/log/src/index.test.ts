import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLogger, LOG_LEVEL_ENV, type LogLevel } from './index.js';
import { MAX_SERIALIZE_DEPTH } from './serialize.js';

/** A logger writing into an array, and the lines parsed back. */
function capture(options: { level?: LogLevel; base?: Record<string, unknown> } = {}) {
  const lines: string[] = [];
  const log = jsonLogger({ ...options, write: (line) => lines.push(line) });
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, parsed };
}

class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';
  constructor(
    readonly jobId: string,
    options?: ErrorOptions,
  ) {
    super(`job ${jobId} does not exist`, options);
  }
}

describe('line shape', () => {
  it('writes ts, level name, event, base fields, then the call fields, as one JSON line', () => {
    const { log, lines } = capture({ base: { node: 'w1', role: 'worker' } });
    log.info('listening', { address: '127.0.0.1:5000' });
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    // Key order is part of the shape: people read these lines, not only parsers.
    expect(line).toMatch(
      /^\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","event":"listening","node":"w1","role":"worker","address":"127\.0\.0\.1:5000"\}\n$/,
    );
    const ts = (JSON.parse(line) as { ts: string }).ts;
    expect(Math.abs(Date.parse(ts) - Date.now())).toBeLessThan(60_000);
  });

  it('adds nothing of its own: no pid, hostname, msg or numeric level', () => {
    const { log, parsed } = capture();
    log.warn('lease_renew_failed');
    expect(Object.keys(parsed()[0]!)).toEqual(['ts', 'level', 'event']);
  });

  it('lets a call field replace a base field of the same name, once', () => {
    const { log, lines, parsed } = capture({ base: { node: 'a', epoch: 1 } });
    log.info('promoted', { epoch: 2 });
    expect(parsed()[0]).toMatchObject({ node: 'a', epoch: 2 });
    expect(lines[0]!.match(/"epoch"/g)).toHaveLength(1);
  });

  it('writes circular fields instead of throwing into the caller', () => {
    const { log, parsed } = capture();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    log.info('odd_fields', { loop });
    expect(parsed()[0]).toMatchObject({ event: 'odd_fields', loop: { name: 'loop' } });
  });
});

describe('levels', () => {
  const saved = process.env[LOG_LEVEL_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[LOG_LEVEL_ENV];
    else process.env[LOG_LEVEL_ENV] = saved;
  });

  function levelsWritten(log: ReturnType<typeof capture>) {
    log.log.debug('d');
    log.log.info('i');
    log.log.warn('w');
    log.log.error('e');
    return log.parsed().map((l) => l.level);
  }

  it('writes info and above by default', () => {
    delete process.env[LOG_LEVEL_ENV];
    expect(levelsWritten(capture())).toEqual(['info', 'warn', 'error']);
  });

  it('takes the level from the option', () => {
    expect(levelsWritten(capture({ level: 'debug' }))).toEqual(['debug', 'info', 'warn', 'error']);
    expect(levelsWritten(capture({ level: 'error' }))).toEqual(['error']);
    expect(levelsWritten(capture({ level: 'silent' }))).toEqual([]);
  });

  it('takes the level from $IDUNNO_LOG_LEVEL when the option is absent', () => {
    process.env[LOG_LEVEL_ENV] = 'warn';
    expect(levelsWritten(capture())).toEqual(['warn', 'error']);
    process.env[LOG_LEVEL_ENV] = 'debug';
    expect(levelsWritten(capture({ level: 'error' }))).toEqual(['error']);
  });

  it('falls back to info on an unknown $IDUNNO_LOG_LEVEL', () => {
    process.env[LOG_LEVEL_ENV] = 'toString';
    expect(levelsWritten(capture())).toEqual(['info', 'warn', 'error']);
  });
});

describe('child', () => {
  it('adds its fields after the parent base fields, and nests', () => {
    const { log, lines } = capture({ base: { node: 'c1', role: 'coordinator' } });
    const mirror = log.child({ part: 'mirror' });
    mirror.child({ epoch: 3 }).info('mirror_synced', { jobs: 2 });
    log.info('listening');
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(first!)).toEqual(['ts', 'level', 'event', 'node', 'role', 'part', 'epoch', 'jobs']);
    expect(first).toMatchObject({ event: 'mirror_synced', node: 'c1', part: 'mirror', epoch: 3, jobs: 2 });
    expect(second).not.toHaveProperty('part');
  });

  it('keeps the parent level', () => {
    const { log, parsed } = capture({ level: 'warn' });
    const child = log.child({ part: 'membership' });
    child.info('hidden');
    child.warn('gossip_send_failed');
    expect(parsed().map((l) => l.event)).toEqual(['gossip_send_failed']);
  });
});

describe('errors in fields', () => {
  it('keeps name, message, stack, typed fields and the cause chain', () => {
    const { log, parsed } = capture();
    const root = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const middle = new TypeError('store unreachable', { cause: root });
    const err = new JobNotFoundError('job-7', { cause: middle });
    log.error('record_failed', { jobId: 'job-7', error: err });
    const error = parsed()[0]!.error as Record<string, unknown>;
    expect(Object.keys(error)).toEqual(['name', 'message', 'stack', 'jobId', 'cause']);
    expect(error).toMatchObject({
      name: 'JobNotFoundError',
      message: 'job job-7 does not exist',
      jobId: 'job-7',
    });
    expect(error.stack).toContain('index.test.ts');
    expect(error.cause).toMatchObject({
      name: 'TypeError',
      message: 'store unreachable',
      cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379' },
    });
    expect((error.cause as { stack: string }).stack).toContain('store unreachable');
  });

  it('finds errors nested in objects and arrays, and leaves the caller objects alone', () => {
    const { log, parsed } = capture();
    const fields = { batch: { failures: [new RangeError('bad batch size')] }, err: new Error('plain') };
    log.warn('task_failed', fields);
    const line = parsed()[0]!;
    expect(line.batch).toMatchObject({ failures: [{ name: 'RangeError', message: 'bad batch size' }] });
    expect(line.err).toMatchObject({ name: 'Error', message: 'plain' });
    expect(line).not.toHaveProperty('msg');
    expect(fields.batch.failures[0]).toBeInstanceOf(RangeError);
  });

  it('keeps a non-error cause as it is and serialises aggregate members', () => {
    const { log, parsed } = capture();
    const agg = new AggregateError([new Error('a'), new Error('b')], 'both failed', { cause: 'timeout' });
    log.error('warm_model_failed', { error: agg });
    expect(parsed()[0]!.error).toMatchObject({
      name: 'AggregateError',
      message: 'both failed',
      errors: [{ message: 'a' }, { message: 'b' }],
      cause: 'timeout',
    });
  });

  it('bounds a cause chain that loops', () => {
    const { log, parsed } = capture();
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    log.error('loop', { error: a });
    let depth = 0;
    let e = parsed()[0]!.error as { cause?: unknown } | undefined;
    while (e?.cause !== undefined) {
      e = e.cause as { cause?: unknown };
      depth++;
    }
    expect(depth).toBeGreaterThan(3);
    expect(depth).toBeLessThanOrEqual(MAX_SERIALIZE_DEPTH);
    expect(e).toMatchObject({ name: 'Error' });
    expect(e).not.toHaveProperty('stack');
  });
});

describe('write sink', () => {
  it('gets one call per line, each a whole JSON object ending in a newline', () => {
    const calls: string[] = [];
    const log = jsonLogger({ write: (line) => calls.push(line), base: { node: 'n' } });
    log.info('a');
    log.child({ part: 'p' }).error('b', { n: 1 });
    expect(calls).toHaveLength(2);
    for (const line of calls) {
      expect(line.endsWith('\n')).toBe(true);
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  // Each line is written before the call returns, so neither an exit nor a SIGKILL right after
  // logging loses it. 2000 lines overflow a 64 KiB pipe: a buffered write would still be queued.
  function logThenDie(end: string) {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import { jsonLogger } from ${JSON.stringify(dist)};
      const log = jsonLogger({ level: 'info', base: { node: 'exiting' } });
      for (let i = 0; i < 2000; i++) log.info('line', { i });
      ${end};`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines, run.stderr.slice(-2000)).toHaveLength(2000);
    expect(JSON.parse(lines[1999]!)).toMatchObject({ event: 'line', node: 'exiting', i: 1999 });
    expect(run.stdout).toBe('');
    return run;
  }

  it('has written every line to stderr when the process exits right after logging', () => {
    expect(logThenDie('process.exit(3)').status).toBe(3);
  });

  it('has written every line to stderr when the process is killed right after logging', () => {
    expect(logThenDie("process.kill(process.pid, 'SIGKILL')").signal).toBe('SIGKILL');
  });
});
