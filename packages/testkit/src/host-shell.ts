import { spawn, spawnSync } from 'node:child_process';
import { killOnExit } from '@idunno/launcher';
import { TestNetworkCommandError } from './host-errors.js';

/**
 * The shell side of test hosts: running `ip`/`nft`/`tc`, probing what this machine permits, and
 * removing what earlier runs left behind. Every name the kit makes starts with `idn<pid>-` or
 * `idn<pid>_` (the pid of the process that made it), which is how a later run tells a dead run's
 * leftovers from a live one's.
 */

/** What a command run to completion printed, and how it ended. */
export interface ExecResult {
  /** Exit code; null when it was killed by a signal (e.g. on its timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to its stdin, which is then closed. @default nothing */
  input?: string;
  /** SIGKILL it after this long. @default 30_000 ms */
  timeoutMs?: number;
  /** Added to this process's environment. @default nothing added */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_RUN_TIMEOUT_MS = 30_000;

/** Runs a command to completion (never rejects for a non-zero exit: see {@link check}). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    killOnExit(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs a command and throws {@link TestNetworkCommandError} unless it exits 0; resolves with its stdout. */
export async function check(command: string, args: readonly string[], input?: string): Promise<string> {
  const r = await run(command, args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new TestNetworkCommandError([command, ...args], r.code, r.stderr);
  return r.stdout;
}

/** `ip -batch -` lines (optionally in one namespace), all or nothing: the first failure throws. */
export function ipBatch(lines: readonly string[], netns?: string): Promise<string> {
  return check('ip', [...(netns === undefined ? [] : ['-n', netns]), '-batch', '-'], `${lines.join('\n')}\n`);
}

/** A name the kit made: `idn<pid>-…` or `idn<pid>_…`; the pid is its maker's. */
const KIT_NAME = /^idn(\d+)[-_]/;

/** The pid in a kit-made name, or undefined for any other name (e.g. someone's `idnme0`). */
export function makerPid(name: string): number | undefined {
  const m = KIT_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** True while a process with this pid exists (a reused pid counts as alive: its leftovers wait). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const parseJsonList = (text: string): Record<string, unknown>[] => {
  const trimmed = text.trim();
  // `ip -j netns list` prints nothing at all when there is no namespace.
  return trimmed === '' ? [] : (JSON.parse(trimmed) as Record<string, unknown>[]);
};

/** Network namespaces on this machine (`ip netns list`). */
export async function listNamespaces(): Promise<string[]> {
  return parseJsonList(await check('ip', ['-j', 'netns', 'list'])).map((n) => String(n.name));
}

/** Interfaces of this process's (the root) namespace. */
export async function listLinks(): Promise<string[]> {
  return parseJsonList(await check('ip', ['-j', 'link', 'show'])).map((l) => String(l.ifname));
}

/** IPv4 routes of every table of this namespace: destination (as `ip -j route` prints it) and device. */
export async function routes(): Promise<{ dst: string; dev: string }[]> {
  return parseJsonList(await check('ip', ['-4', '-j', 'route', 'show', 'table', 'all'])).map((r) => ({
    dst: String(r.dst),
    dev: String(r.dev),
  }));
}

/** Pids of the processes inside a namespace. */
export async function namespacePids(netns: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', netns]);
  return r.stdout.split(/\s+/).filter(Boolean).map(Number);
}

/** SIGKILLs every process in the namespaces (a leftover redis-server or node), then removes them. */
export async function removeNamespaces(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const pids = (await Promise.all(names.map(namespacePids))).flat();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  // -force: go on after one that is gone already. A namespace whose processes are still dying
  // lingers (invisibly, without a name) only until they are gone.
  await run('ip', ['-force', '-batch', '-'], { input: `${names.map((n) => `netns del ${n}`).join('\n')}\n` });
}

/** The same for an exit hook, which must be synchronous. */
export function removeNamespacesSync(links: readonly string[], names: readonly string[]): void {
  for (const netns of names) {
    const pids = spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of pids.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }
  const lines = [...links.map((l) => `link del ${l}`), ...names.map((n) => `netns del ${n}`)];
  if (lines.length > 0) spawnSync('ip', ['-force', '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

/** What {@link sweepStaleTestNetworks} removed. */
export interface SweepResult {
  namespaces: string[];
  links: string[];
}

/**
 * Removes what test networks of runs that are gone left behind: every `idn<pid>…` namespace and
 * root-namespace interface whose pid no longer exists (SIGKILLing the processes still inside:
 * a killed test run's children outlive it). Live runs' networks and any other names are left
 * alone. `createTestNetwork` calls it first.
 */
export async function sweepStaleTestNetworks(): Promise<SweepResult> {
  const stale = (name: string) => {
    const pid = makerPid(name);
    return pid !== undefined && pid !== process.pid && !isAlive(pid);
  };
  const links = (await listLinks()).filter(stale);
  const namespaces = (await listNamespaces()).filter(stale);
  // Links first: a root veth would otherwise go only once the kernel frees its peer's namespace,
  // which it does in the background.
  if (links.length > 0)
    await run('ip', ['-force', '-batch', '-'], {
      input: `${links.map((l) => `link del ${l}`).join('\n')}\n`,
    });
  await removeNamespaces(namespaces);
  return { namespaces, links };
}

/** Whether test hosts can be made here, and why not. */
export type TestNetworkSupport = { readonly ok: true } | { readonly ok: false; readonly reason: string };

interface Probe {
  support: TestNetworkSupport;
  /** Why `tc … netem` failed in a scratch namespace, or undefined when it worked. */
  netemMissing: string | undefined;
}

let probed: Probe | undefined;

/**
 * Whether this machine lets the kit build test hosts: Linux, root, `ip` and `nft` installed, a
 * namespace can be made and entered, veth pairs work, and nftables has the netdev ingress and
 * egress hooks that faults use. Probed once per process in a scratch namespace (made and removed
 * here), synchronously so a test file can decide at load time:
 *
 * ```ts
 * const support = testNetworkSupport();
 * if (!support.ok) console.warn(`[hosts] skipped: ${support.reason}`);
 * describe.skipIf(!support.ok)('…', () => { … });
 * ```
 */
export function testNetworkSupport(): TestNetworkSupport {
  probed ??= probe();
  return probed.support;
}

/** Why netem (delay, jitter) is unavailable here, or undefined when it works; probed with {@link testNetworkSupport}. */
export function netemMissing(): string | undefined {
  probed ??= probe();
  return probed.netemMissing;
}

function probe(): Probe {
  const no = (reason: string): Probe => ({ support: { ok: false, reason }, netemMissing: reason });
  if (process.platform !== 'linux')
    return no(`network namespaces are Linux only (this is ${process.platform})`);
  const uid = process.getuid?.();
  if (uid !== 0) return no(`not root (uid ${uid}): creating network namespaces needs root`);
  const sh = (command: string, args: readonly string[], input?: string) => {
    const r = spawnSync(command, args, { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
    const out = r.error ? r.error.message : `${r.stderr}${r.stdout}`.trim();
    return { ok: r.status === 0 && !r.error, missing: r.error !== undefined, out };
  };
  if (sh('ip', ['-V']).missing) return no('ip not found: install the Debian package iproute2');
  if (sh('nft', ['--version']).missing) return no('nft not found: install the Debian package nftables');
  const ns = `idn${process.pid}_probe`;
  const made = sh('ip', ['netns', 'add', ns]);
  if (!made.ok) return no(`ip netns add refused: ${made.out}`);
  try {
    const entered = sh('ip', ['netns', 'exec', ns, 'true']);
    if (!entered.ok) return no(`ip netns exec refused (it needs unshare and mount): ${entered.out}`);
    const veth = sh('ip', ['-n', ns, 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1']);
    if (!veth.ok) return no(`veth pairs refused: ${veth.out}`);
    const hooks = sh(
      'ip',
      ['netns', 'exec', ns, 'nft', '-f', '-'],
      'table netdev probe {\n' +
        '\tchain i { type filter hook ingress device "probe0" priority filter; }\n' +
        '\tchain e { type filter hook egress device "probe0" priority filter; }\n}\n',
    );
    if (!hooks.ok)
      return no(`nftables netdev ingress/egress hooks refused (egress needs Linux ≥ 5.16): ${hooks.out}`);
    const netem = sh('ip', [
      'netns',
      'exec',
      ns,
      'tc',
      'qdisc',
      'add',
      'dev',
      'lo',
      'root',
      'netem',
      'delay',
      '1ms',
    ]);
    return { support: { ok: true }, netemMissing: netem.ok ? undefined : netem.out };
  } finally {
    sh('ip', ['netns', 'del', ns]);
  }
}
