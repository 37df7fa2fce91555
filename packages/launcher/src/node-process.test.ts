import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventTimeoutError, ExitedBeforeEventError } from './errors.js';
import { spawnNode, WORKER_MALLOC_ENV } from './node-process.js';

// A stand-in for the repo's programs: JSON events on stdout (one of them "listening"), a log on
// stderr, SIGTERM handled unless told otherwise.
const PROGRAM = `
const emit = (e) => process.stdout.write(JSON.stringify(e) + '\\n');
process.stderr.write('started ' + process.argv.slice(2).join(' ') + '\\n');
if (process.env.EXIT_AT_ONCE) process.exit(3);
// Before the ready line: the test may signal as soon as it has read it.
process.on('SIGTERM', () => {
  if (process.env.IGNORE_TERM) return;
  process.stderr.write('bye\\n');
  process.exit(0);
});
if (!process.env.NEVER_READY) emit({ event: 'listening', pid: process.pid, env: process.env.MALLOC_TRIM_THRESHOLD_ ?? null });
process.stdout.write('not json\\n');
setTimeout(() => emit({ event: 'later', n: 1 }), 20);
setInterval(() => {}, 1000);
`;

let dir: string;
let script: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'idunno-node-process-'));
  script = join(dir, 'program.mjs');
  writeFileSync(script, PROGRAM);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('spawnNode', () => {
  it('resolves on the ready line, collects the JSON events, and waits for later ones', async () => {
    const p = await spawnNode(script, { args: ['--id', 'a'], env: { ...WORKER_MALLOC_ENV } });
    try {
      expect(p.ready).toMatchObject({ event: 'listening', pid: p.pid, env: '131072' });
      expect(p.logFile).toBeUndefined();
      const later = await p.waitEvent((e) => e.event === 'later', 5_000);
      expect(later).toEqual({ event: 'later', n: 1 });
      expect(p.events.map((e) => e.event)).toEqual(['listening', 'later']);
      // An event already seen resolves at once.
      expect(await p.waitEvent((e) => e.event === 'listening', 1)).toBe(p.ready);
      expect(p.stderr()).toContain('started --id a');
    } finally {
      await p.stop();
    }
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.stderr()).toContain('bye');
  });

  it('stops a process that ignores SIGTERM, or is stopped, with SIGKILL after the grace time', async () => {
    const p = await spawnNode(script, { env: { IGNORE_TERM: '1' } });
    p.kill('SIGSTOP');
    await p.stop(200);
    expect(await p.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Signals to a process that is gone are ignored.
    p.kill('SIGTERM');
  });

  it('appends stderr to a log file and names it when the program exits before it is ready', async () => {
    const logFile = join(dir, 'early.log');
    writeFileSync(logFile, 'an earlier run\n');
    const error = await spawnNode(script, { args: ['--early'], env: { EXIT_AT_ONCE: '1' }, logFile }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExitedBeforeEventError);
    expect((error as ExitedBeforeEventError).code).toBe(3);
    expect((error as Error).message).toContain('started --early');
    expect((error as Error).message).not.toContain('an earlier run');
    expect((error as Error).message).toContain(`(see ${logFile})`);
    expect(readFileSync(logFile, 'utf8')).toBe('an earlier run\nstarted --early\n');
  });

  it('gives up on a program that never prints its ready line', async () => {
    const error = await spawnNode(script, { env: { NEVER_READY: '1' }, readyTimeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventTimeoutError);
    expect((error as EventTimeoutError).timeoutMs).toBe(300);
  });

  it('rejects a waitEvent that no line matches in time, and one the exit makes hopeless', async () => {
    const p = await spawnNode(script);
    await expect(p.waitEvent((e) => e.event === 'nothing', 50)).rejects.toBeInstanceOf(EventTimeoutError);
    const hopeless = p.waitEvent((e) => e.event === 'nothing', 10_000);
    p.kill('SIGKILL');
    await expect(hopeless).rejects.toBeInstanceOf(ExitedBeforeEventError);
  });
});

// A bare network namespace (only lo), named the way the test kit names its own, so the kit's
// sweep removes it if this run is killed before afterAll.
const NETNS = `idn${process.pid}_launcher`;
/** Why the namespace test cannot run here, or undefined once the namespace exists. */
function makeNetns(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const made = spawnSync('ip', ['netns', 'add', NETNS], { encoding: 'utf8' });
  if (made.error) return `cannot run ip (${made.error.message}): install iproute2`;
  if (made.status !== 0) return `ip netns add failed: ${made.stderr.trim()}`;
  return undefined;
}
const netnsSkip = makeNetns();
if (netnsSkip) console.warn(`[spawnNode in a namespace] skipped: ${netnsSkip}`);
afterAll(() => {
  if (!netnsSkip) spawnSync('ip', ['netns', 'del', NETNS]);
});

describe.skipIf(netnsSkip !== undefined)('spawnNode in a network namespace', () => {
  it("runs node itself in the namespace, so the pid is node's and SIGTERM reaches it", async () => {
    const p = await spawnNode(script, { netns: NETNS, args: ['--in', 'ns'] });
    try {
      // The program prints its own pid: equal to the child's, so `ip netns exec` exec'd node.
      expect(p.ready.pid).toBe(p.pid);
      const netOf = (pid: number | 'self') => readlinkSync(`/proc/${pid}/ns/net`);
      expect(netOf(p.pid)).not.toBe(netOf('self'));
      expect(netOf(p.pid)).toBe(`net:[${statSync(`/run/netns/${NETNS}`).ino}]`);
      expect(p.stderr()).toContain('started --in ns');
    } finally {
      await p.stop();
    }
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.stderr()).toContain('bye');
  });
});
