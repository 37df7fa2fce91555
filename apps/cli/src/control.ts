/**
 * The CLI's side of the control API: where the coordinators are (IDUNNO_COORDINATORS, else the
 * `.idunno/cluster.json` that `idunno up` writes), which one leads, and promise-based calls with
 * the retries a takeover needs. Changes go to the leader only; reads take any coordinator that
 * answers, the leader first because its numbers are live.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { CoordinatorConnection } from '@idunno/coordinator';
import type { CoordLeaderInfo__Output } from '@idunno/proto';

export { CoordinatorConnection };

/** Comma-separated `host:port` list that overrides the cluster file. */
export const COORDINATORS_ENV = 'IDUNNO_COORDINATORS';
/** Written by `idunno up`, looked for in the current directory and its parents. */
export const CLUSTER_FILE = join('.idunno', 'cluster.json');

export const DEFAULT_PROBE_TIMEOUT_MS = 1500;
export const DEFAULT_RETRY_MS = 5000;
export const DEFAULT_RETRY_INTERVAL_MS = 250;
export const DEFAULT_READ_TIMEOUT_MS = 10_000;
export const DEFAULT_CHANGE_TIMEOUT_MS = 60_000;

/** How the CLI talks to coordinators. */
export interface ControlOptions {
  /** Deadline of each `Leader()` probe. @default 1500 ms */
  probeTimeoutMs: number;
  /** How long a change keeps looking for a leader (a takeover in progress). @default 5000 ms */
  retryMs: number;
  /** Pause between two discovery rounds. @default 250 ms */
  retryIntervalMs: number;
  /** Deadline of a read (stats, results page, members). @default 10 s */
  readTimeoutMs: number;
  /** Deadline of a change; add-job expands its inputs before answering. @default 60 s */
  changeTimeoutMs: number;
}

export function defaultControlOptions(): ControlOptions {
  return {
    probeTimeoutMs: DEFAULT_PROBE_TIMEOUT_MS,
    retryMs: DEFAULT_RETRY_MS,
    retryIntervalMs: DEFAULT_RETRY_INTERVAL_MS,
    readTimeoutMs: DEFAULT_READ_TIMEOUT_MS,
    changeTimeoutMs: DEFAULT_CHANGE_TIMEOUT_MS,
  };
}

function resolveControlOptions(partial: Partial<ControlOptions> = {}): ControlOptions {
  const o = { ...defaultControlOptions(), ...partial };
  for (const [k, v] of Object.entries(o)) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`control option ${k} must be ≥ 0, got ${v}`);
  }
  return o;
}

// ---- errors: each carries the exit code the CLI returns for it --------------------------------

/** Base of every error this module raises; `exitCode` is what the CLI exits with. */
export abstract class ControlError extends Error {
  abstract override readonly name: string;
  abstract readonly exitCode: number;
}

/** Neither IDUNNO_COORDINATORS nor a cluster file names a coordinator. */
export class NoClusterError extends ControlError {
  override readonly name = 'NoClusterError';
  readonly exitCode = 3;
  constructor(readonly searchedFrom: string) {
    super(`no cluster found: run \`pnpm idunno up\` in this directory or set ${COORDINATORS_ENV}`);
  }
}

/** The cluster file or IDUNNO_COORDINATORS is unreadable or malformed. */
export class ClusterConfigError extends ControlError {
  override readonly name = 'ClusterConfigError';
  readonly exitCode = 3;
  constructor(
    readonly source: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${source}: ${message}`, options);
  }
}

/** Not one coordinator answered. */
export class NoCoordinatorError extends ControlError {
  override readonly name = 'NoCoordinatorError';
  readonly exitCode = 3;
  readonly addresses: readonly string[];
  constructor(readonly tried: readonly { address: string; reason: string }[]) {
    super(
      `no coordinator answers at ${tried.map((t) => (t.reason ? `${t.address} (${t.reason})` : t.address)).join(', ')}: ` +
        'is the cluster up? (pnpm idunno up)',
    );
    this.addresses = tried.map((t) => t.address);
  }
}

/** Coordinators answer but none holds the lease, even after retrying. */
export class NoLeaderError extends ControlError {
  override readonly name = 'NoLeaderError';
  readonly exitCode = 3;
  constructor(
    readonly answering: readonly string[],
    readonly waitedMs: number,
  ) {
    super(
      `no coordinator leads after ${(waitedMs / 1000).toFixed(1)} s (answering: ${answering.join(', ')}); ` +
        'a takeover may be in progress: try again in a few seconds',
    );
  }
}

/** A coordinator refused or failed the request; `details` is its message for the user. */
export class ControlRequestError extends ControlError {
  override readonly name = 'ControlRequestError';
  readonly exitCode = 1;
  constructor(
    readonly code: grpc.status,
    readonly details: string,
    readonly address: string,
    options?: ErrorOptions,
  ) {
    super(details, options);
  }
}

function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === 'number';
}

/** A standby's refusal, or a stale leader's fenced write: the change was not applied, retry on the leader. */
function isNotLeader(err: unknown): boolean {
  return (
    isServiceError(err) &&
    err.code === grpc.status.FAILED_PRECONDITION &&
    /\bis a standby\b|\bnot the leader\b|leads now/i.test(err.details)
  );
}

/** The coordinator could not be reached (or went away): try another one. */
function isUnreachable(err: unknown): boolean {
  return isServiceError(err) && err.code === grpc.status.UNAVAILABLE;
}

// ---- where the coordinators are ----------------------------------------------------------------

/** Where the addresses came from. */
export interface CoordinatorSource {
  addresses: string[];
  /** `IDUNNO_COORDINATORS`, or the cluster file's absolute path. */
  origin: string;
}

/** Splits a comma-separated address list; every entry must be `host:port`. */
export function parseAddresses(text: string, origin: string): string[] {
  const addresses = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (addresses.length === 0) throw new ClusterConfigError(origin, 'names no coordinator address');
  for (const a of addresses) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(a);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new ClusterConfigError(origin, `"${a}" is not a host:port address`);
    }
  }
  return addresses;
}

/** The nearest `.idunno/cluster.json` in `startDir` or a parent, or undefined. */
export function findClusterFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, CLUSTER_FILE);
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The `coordinators` of a cluster file (the rest of the file is `idunno up`'s business). */
export function readClusterFile(path: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ClusterConfigError(path, `unreadable (${(err as Error).message}); rerun \`pnpm idunno up\``, {
      cause: err,
    });
  }
  const list = (parsed as { coordinators?: unknown } | null)?.coordinators;
  if (!Array.isArray(list) || !list.every((a): a is string => typeof a === 'string')) {
    throw new ClusterConfigError(path, 'has no "coordinators" list of "host:port" strings');
  }
  return parseAddresses(list.join(','), path);
}

/** IDUNNO_COORDINATORS when set, else the nearest cluster file; NoClusterError when neither. */
export function resolveCoordinators(
  where: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): CoordinatorSource {
  const env = where.env ?? process.env;
  const cwd = where.cwd ?? process.cwd();
  const fromEnv = env[COORDINATORS_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { addresses: parseAddresses(fromEnv, COORDINATORS_ENV), origin: COORDINATORS_ENV };
  }
  const file = findClusterFile(cwd);
  if (!file) throw new NoClusterError(cwd);
  return { addresses: readClusterFile(file), origin: file };
}

// ---- which one leads ---------------------------------------------------------------------------

/** One coordinator's answer to `Leader()`, or why it gave none. */
export type Probe =
  | { address: string; info: CoordLeaderInfo__Output; error?: undefined }
  | { address: string; info?: undefined; error: string };

/** The coordinator that says it leads with the highest epoch (a deposed leader may not know yet). */
export function pickLeader(
  probes: readonly Probe[],
): (Probe & { info: CoordLeaderInfo__Output }) | undefined {
  let best: (Probe & { info: CoordLeaderInfo__Output }) | undefined;
  for (const p of probes) {
    if (p.info?.isLeader && (!best || p.info.epoch > best.info.epoch)) best = { ...p, info: p.info };
  }
  return best;
}

/** A short reason for the user: "connection refused", "no answer in 1.5 s", or the server's details. */
function reason(err: unknown): string {
  if (!isServiceError(err)) return err instanceof Error ? err.message : String(err);
  if (err.code === grpc.status.DEADLINE_EXCEEDED) return 'no answer in time';
  if (err.code === grpc.status.UNAVAILABLE) {
    const sys = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)\b/.exec(
      err.details,
    );
    const words: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ECONNRESET: 'connection reset',
      ETIMEDOUT: 'connect timed out',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
      ENOTFOUND: 'unknown host',
      EAI_AGAIN: 'host lookup failed',
    };
    if (sys?.[1]) return words[sys[1]] ?? sys[1];
  }
  return err.details || grpc.status[err.code] || err.message;
}

function describe(p: Probe & { info: CoordLeaderInfo__Output }): string {
  const role = p.info.isLeader ? 'leader' : 'standby';
  return `${p.info.nodeId || p.address} ${role}${p.info.leaderId && !p.info.isLeader ? ` (leader: ${p.info.leaderId})` : ''}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The current leader, as far as one discovery round could tell. */
export interface LeaderRef {
  connection: CoordinatorConnection;
  info: CoordLeaderInfo__Output;
}

/**
 * A handle on a cluster's coordinators: one channel per address, kept across calls so that a
 * retry after a takeover reuses connections that are already up.
 */
export class ControlClient {
  readonly addresses: readonly string[];
  readonly options: ControlOptions;
  private readonly connections = new Map<string, CoordinatorConnection>();
  private cached: LeaderRef | undefined;

  constructor(addresses: readonly string[], options: Partial<ControlOptions> = {}) {
    if (addresses.length === 0) throw new RangeError('ControlClient needs at least one coordinator address');
    this.addresses = [...new Set(addresses)];
    this.options = resolveControlOptions(options);
  }

  /** A client for the coordinators `resolveCoordinators` finds. */
  static fromEnvironment(
    where: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
    options: Partial<ControlOptions> = {},
  ): ControlClient {
    return new ControlClient(resolveCoordinators(where).addresses, options);
  }

  connection(address: string): CoordinatorConnection {
    let c = this.connections.get(address);
    if (!c) {
      c = new CoordinatorConnection(address, this.options);
      this.connections.set(address, c);
    }
    return c;
  }

  /** Asks every coordinator `Leader()` at once; never rejects. */
  async probe(): Promise<Probe[]> {
    return Promise.all(
      this.addresses.map(async (address): Promise<Probe> => {
        try {
          return { address, info: await this.connection(address).leader() };
        } catch (err) {
          return { address, error: reason(err) };
        }
      }),
    );
  }

  /**
   * The leader, waiting up to `retryMs` while coordinators answer but none leads (a takeover in
   * progress). NoCoordinatorError at once when none answers at all: a dead cluster fails fast.
   */
  async leader(retryMs = this.options.retryMs): Promise<LeaderRef> {
    const started = Date.now();
    for (;;) {
      const probes = await this.probe();
      const best = pickLeader(probes);
      if (best) {
        this.cached = { connection: this.connection(best.address), info: best.info };
        return this.cached;
      }
      const answering = probes.filter((p): p is Probe & { info: CoordLeaderInfo__Output } => !!p.info);
      if (answering.length === 0) {
        throw new NoCoordinatorError(probes.map((p) => ({ address: p.address, reason: p.error ?? '' })));
      }
      const waited = Date.now() - started;
      if (waited >= retryMs) throw new NoLeaderError(answering.map(describe), waited);
      await sleep(Math.min(this.options.retryIntervalMs, retryMs - waited));
    }
  }

  /**
   * Runs a change on the leader. Retried (re-discovering the leader) while it is refused because
   * the chosen coordinator is a standby or was deposed, or cannot be reached, for up to `retryMs`;
   * such refusals mean the change was not applied. A call that reached a coordinator and timed out
   * is not retried: it may have been applied.
   */
  async change<T>(fn: (c: CoordinatorConnection, info: CoordLeaderInfo__Output) => Promise<T>): Promise<T> {
    const started = Date.now();
    let ref = this.cached ?? (await this.leader());
    for (;;) {
      try {
        return await fn(ref.connection, ref.info);
      } catch (err) {
        const retryable = isNotLeader(err) || isUnreachable(err);
        const left = this.options.retryMs - (Date.now() - started);
        if (!retryable || left <= 0) throw this.wrap(err, ref.connection.address);
        this.cached = undefined;
        await sleep(Math.min(this.options.retryIntervalMs, left));
        ref = await this.leader(Math.max(0, left));
      }
    }
  }

  /**
   * Runs a read on the leader when one answers, else on any coordinator that answers (a standby
   * reads the shared state from Redis). Falls through to the next coordinator when one is
   * unreachable.
   */
  async read<T>(fn: (c: CoordinatorConnection, info: CoordLeaderInfo__Output) => Promise<T>): Promise<T> {
    const probes = await this.probe();
    const leader = pickLeader(probes);
    const order = [
      ...(leader ? [leader] : []),
      ...probes.filter((p): p is Probe & { info: CoordLeaderInfo__Output } => !!p.info && p !== leader),
    ].filter((p, i, all) => all.findIndex((q) => q.address === p.address) === i);
    if (order.length === 0) {
      throw new NoCoordinatorError(probes.map((p) => ({ address: p.address, reason: p.error ?? '' })));
    }
    if (leader) this.cached = { connection: this.connection(leader.address), info: leader.info };
    const tried: { address: string; reason: string }[] = [];
    for (const p of order) {
      try {
        return await fn(this.connection(p.address), p.info);
      } catch (err) {
        if (!isUnreachable(err)) throw this.wrap(err, p.address);
        tried.push({ address: p.address, reason: reason(err) });
      }
    }
    throw new NoCoordinatorError(tried);
  }

  private wrap(err: unknown, address: string): Error {
    if (err instanceof ControlError) return err;
    if (isServiceError(err)) {
      const details =
        err.code === grpc.status.DEADLINE_EXCEEDED
          ? `coordinator ${address} did not answer in time; the request may still have been applied: check with idunno get-job-stats`
          : reason(err);
      return new ControlRequestError(err.code, details, address, { cause: err });
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  close(): void {
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
    this.cached = undefined;
  }
}

/**
 * Finds the leader of the cluster named by IDUNNO_COORDINATORS or the nearest cluster file (or the
 * given addresses), waiting up to `retryMs` for a takeover to finish. The returned client sends
 * changes there (`change`) and keeps following the leader; close it when done.
 */
export async function connectLeader(
  addresses?: readonly string[],
  options: Partial<ControlOptions> = {},
): Promise<ControlClient> {
  const client = new ControlClient(addresses ?? resolveCoordinators().addresses, options);
  try {
    await client.leader();
    return client;
  } catch (err) {
    client.close();
    throw err;
  }
}

/**
 * The CLI's handling of a failed command: one `idunno: <message>` line on stderr, and the exit
 * code of the condition (1 refused, 3 no cluster/coordinator/leader). Other errors are rethrown
 * for main's handler (UsageError → 2).
 */
export function reportControlError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (!(err instanceof ControlError)) throw err;
  stderr.write(`idunno: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
  return err.exitCode;
}
