// The built CLI (apps/cli/dist/main.js) run as a user runs it: its exit codes, its help, its
// usage messages. The refusal (exit 1) is in control.test.ts, next to the fake leader it needs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@idunno/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const COMMANDS = [
  'classify',
  'demo',
  'drill',
  'up',
  'add-job',
  'start-job',
  'stop-job',
  'set-batch-size',
  'get-job-stats',
  'get-job-assigned-vms',
  'show-results',
  'members',
];

/** Nothing answers on port 1: no coordinator. */
const NO_CLUSTER = { IDUNNO_COORDINATORS: '127.0.0.1:1' };

describe('idunno exits 0 for help', () => {
  it('lists every command with a one-line summary for --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code, run.stderr).toBe(0);
    for (const name of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${name} +\\S.*$`, 'm'));
    expect(run.stdout).toContain('exit codes: 0 ok');
  });

  it('explains a command as its help always did: options with defaults, exit codes, where coordinators are found', async () => {
    const run = await runCli(['add-job', '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Usage: idunno add-job <job> --model <name> --input/);
    expect(run.stdout).toContain('Adds a job: a model and the images its queries run on.');
    expect(run.stdout).toMatch(
      /--batch-size <n>\s+queries per task sent to a worker, 1 to 1024\s+\(default:\s+the\s+coordinator's, 8\)/,
    );
    expect(run.stdout).toContain('exit codes: 0 ok, 1 the coordinator refused the request');
    expect(run.stdout).toContain('coordinators: $IDUNNO_COORDINATORS');
    const help = await runCli(['help', 'add-job']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toBe(run.stdout);
  });

  it('takes its help numbers from the drill engine', async () => {
    const run = await runCli(['drill', '-h']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/--trials <n> +trials per drill, at most 100 \(default: \d+\)/);
    expect(run.stdout).toContain('kill-primary   SIGKILL the leading coordinator');
    expect(run.stdout).toContain('130 interrupted');
  });
});

describe('idunno exits 2 for bad usage', () => {
  it('prints the help for no command at all', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Usage: idunno <command> [options]');
  });

  it('refuses an unknown command and lists the commands', async () => {
    const run = await runCli(['get-jobs-stats']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^idunno: unknown command 'get-jobs-stats'/);
    expect(run.stderr).toContain('get-job-stats');
  });

  it('refuses an unknown option', async () => {
    const run = await runCli(['add-job', 'x', '--modle', 'tiny'], { env: NO_CLUSTER });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^idunno: unknown option '--modle'/);
  });

  it('refuses a missing argument', async () => {
    const run = await runCli(['start-job'], { env: NO_CLUSTER });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('idunno: start-job needs <job> (see idunno start-job --help)\n');
  });

  it('takes a negative number as the value it is and refuses it with the range', async () => {
    const flag = await runCli(['add-job', 'x', '--model', 'tiny', '--input', '/tmp', '--batch-size', '-3'], {
      env: NO_CLUSTER,
    });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('idunno: --batch-size must be an integer from 1 to 1024, got -3\n');
    const arg = await runCli(['set-batch-size', 'job', '-3'], { env: NO_CLUSTER });
    expect(arg.code).toBe(2);
    expect(arg.stderr).toBe('idunno: batch size must be an integer from 1 to 1024, got -3\n');
  });

  it('refuses a value out of range for the local commands too', async () => {
    const run = await runCli(['drill', 'kill-worker', '--trials', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('idunno: --trials must be a positive integer, got "0"\n');
  });
});

describe('idunno exits 3 without a cluster', () => {
  it('says in one line that no coordinator answers', async () => {
    const run = await runCli(['get-job-stats'], { env: NO_CLUSTER });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^idunno: no coordinator answers at 127\.0\.0\.1:1 [^\n]*\n$/);
    expect(run.stdout).toBe('');
  });
});

describe('a cluster command', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idunno-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads neither sharp nor onnxruntime', async () => {
    // Runs in the CLI's process and lists, as it exits, the native inference libraries mapped into it.
    const probe = join(dir, 'native-libs.mjs');
    await writeFile(
      probe,
      `import { readFileSync } from 'node:fs';
process.on('exit', () => {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  process.stderr.write('native: ' + ['sharp', 'onnxruntime'].filter((n) => maps.includes(n)).join(',') + '\\n');
});
`,
    );
    const env = { ...NO_CLUSTER, NODE_OPTIONS: `--import=${probe}` };
    const run = await runCli(['get-job-stats'], { env });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('native: \n');
    // The probe does see them where they are loaded.
    const classify = await runCli(['classify', '--help'], { env });
    expect(classify.code).toBe(0);
    expect(classify.stderr).toMatch(/native: .*sharp/);
  });
});
