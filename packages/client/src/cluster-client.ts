/**
 * "How do I talk to the cluster?": a {@link ClusterClient} knows a cluster's coordinators, finds
 * the one that leads and follows it through takeovers. Changes go to the leader only, retried while
 * the chosen coordinator turns out to be a standby or deposed (such refusals mean the change was
 * not applied); reads take any coordinator that answers, the leader first because its numbers are
 * live. Every caller (CLI, demo, drills, benchmarks, tests) uses this one retry policy.
 */
import * as grpc from '@grpc/grpc-js';
import type { CoordLeaderInfo__Output } from '@idunno/proto';
import { resolveCoordinators } from './cluster-file.js';
import { type ConnectionTimeouts, CoordinatorConnection } from './coordinator-connection.js';
import {
  ControlError,
  ControlRequestError,
  fromServiceError,
  NoCoordinatorError,
  NoLeaderError,
  NotLeaderError,
  remoteErrorInfo,
  StaleEpochError,
} from './errors.js';
import { isServiceError } from './grpc-call.js';
import { decodeOutcome, type Outcome } from './outcome.js';

export const DEFAULT_PROBE_TIMEOUT_MS = 1500;
export const DEFAULT_RETRY_MS = 5000;
export const DEFAULT_RETRY_INTERVAL_MS = 250;
export const DEFAULT_READ_TIMEOUT_MS = 10_000;
export const DEFAULT_CHANGE_TIMEOUT_MS = 60_000;
export const DEFAULT_LEADER_SETTLE_MS = 150;
/** Results asked per GetResults call. */
export const RESULTS_PAGE_SIZE = 1000;

/** How a client talks to coordinators. */
export interface ClusterClientOptions extends ConnectionTimeouts {
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
  /**
   * After the first coordinator answers that it leads, how long a probe round still waits for
   * the others (a deposed leader may not know yet; the higher epoch wins). Coordinators that have
   * not answered by then are passed over, so a dark host costs this, not the probe deadline.
   * @default 150 ms
   */
  leaderSettleMs: number;
}

export function defaultClusterClientOptions(): ClusterClientOptions {
  return {
    probeTimeoutMs: DEFAULT_PROBE_TIMEOUT_MS,
    retryMs: DEFAULT_RETRY_MS,
    retryIntervalMs: DEFAULT_RETRY_INTERVAL_MS,
    readTimeoutMs: DEFAULT_READ_TIMEOUT_MS,
    changeTimeoutMs: DEFAULT_CHANGE_TIMEOUT_MS,
    leaderSettleMs: DEFAULT_LEADER_SETTLE_MS,
  };
}

function resolveOptions(partial: Partial<ClusterClientOptions> = {}): ClusterClientOptions {
  const o = { ...defaultClusterClientOptions(), ...partial };
  for (const [k, v] of Object.entries(o)) {
    if (!Number.isFinite(v) || v < 0)
      throw new RangeError(`cluster client option ${k} must be ≥ 0, got ${v}`);
  }
  return o;
}

/**
 * A refusal that means "not applied, ask the leader": a standby's NotLeaderError, or a deposed
 * leader whose fenced write the store refused (StaleEpochError).
 */
function isNotLeader(err: unknown): boolean {
  const typed = fromServiceError(err);
  return typed instanceof NotLeaderError || typed instanceof StaleEpochError;
}

/** The coordinator could not be reached (or went away): try another one. */
function isUnreachable(err: unknown): boolean {
  return isServiceError(err) && err.code === grpc.status.UNAVAILABLE;
}

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

const SYSTEM_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connect timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host lookup failed',
};

/**
 * A short reason for the user: "connection refused", "no answer in time", or the server's details.
 * Only for display: no decision is taken on this text.
 */
export function describeFailure(err: unknown): string {
  if (!isServiceError(err)) return err instanceof Error ? err.message : String(err);
  if (err.code === grpc.status.DEADLINE_EXCEEDED) return 'no answer in time';
  if (err.code === grpc.status.UNAVAILABLE) {
    const sys = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)\b/.exec(
      err.details,
    );
    if (sys?.[1]) return SYSTEM_ERRORS[sys[1]] ?? sys[1];
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

/** One page of a job's recorded outcomes. */
export interface ResultsPage {
  outcomes: Outcome[];
  /** Outcomes recorded for the job so far, as the answering coordinator counts them. */
  totalRecorded: number;
  /** Position of the page's first outcome in the job's recording order. */
  offset: number;
}

/**
 * A handle on a cluster's coordinators: one channel per address, kept across calls so that a
 * retry after a takeover reuses connections that are already up. The addresses may be a function,
 * for callers whose set of coordinators changes (drills that add coordinators, tests).
 */
export class ClusterClient {
  readonly options: ClusterClientOptions;
  private readonly source: () => readonly string[];
  private readonly connections = new Map<string, CoordinatorConnection>();
  private cached: LeaderRef | undefined;

  constructor(
    addresses: readonly string[] | (() => readonly string[]),
    options: Partial<ClusterClientOptions> = {},
  ) {
    if (typeof addresses !== 'function' && addresses.length === 0)
      throw new RangeError('ClusterClient needs at least one coordinator address');
    const list = typeof addresses === 'function' ? addresses : () => addresses;
    this.source = () => [...new Set(list())];
    this.options = resolveOptions(options);
  }

  /** A client for the coordinators `resolveCoordinators` finds (IDUNNO_COORDINATORS or the cluster file). */
  static fromEnvironment(
    where: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
    options: Partial<ClusterClientOptions> = {},
  ): ClusterClient {
    return new ClusterClient(resolveCoordinators(where).addresses, options);
  }

  /** The coordinators' control addresses, now. */
  get addresses(): readonly string[] {
    return this.source();
  }

  /** The (cached) connection to one coordinator. */
  connection(address: string): CoordinatorConnection {
    let c = this.connections.get(address);
    if (!c) {
      c = new CoordinatorConnection(address, this.options);
      this.connections.set(address, c);
    }
    return c;
  }

  /**
   * Asks every coordinator `Leader()` at once; never rejects. Resolves once every one has answered
   * or failed, or `leaderSettleMs` after the first that says it leads, whichever comes first: a
   * coordinator on a dark host (its packets dropped, so its call only ends at the probe deadline)
   * then costs nothing once the leader has answered. Probes still open are reported as errors.
   */
  probe(): Promise<Probe[]> {
    const addresses = this.addresses;
    const probes: (Probe | undefined)[] = addresses.map(() => undefined);
    return new Promise((resolve) => {
      let open = addresses.length;
      let settle: NodeJS.Timeout | undefined;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(settle);
        resolve(addresses.map((address, i) => probes[i] ?? { address, error: 'no answer yet' }));
      };
      if (open === 0) return finish();
      addresses.forEach((address, i) => {
        this.connection(address)
          .leader(this.options.probeTimeoutMs)
          .then(
            (info) => {
              probes[i] = { address, info };
              if (info.isLeader && settle === undefined)
                settle = setTimeout(finish, this.options.leaderSettleMs);
            },
            (err: unknown) => {
              probes[i] = { address, error: describeFailure(err) };
            },
          )
          .finally(() => {
            if (--open === 0) finish();
          });
      });
    });
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
        tried.push({ address: p.address, reason: describeFailure(err) });
      }
    }
    throw new NoCoordinatorError(tried);
  }

  /**
   * A job's recorded outcomes, page by page, from `offset` on and at most `limit` of them. Each
   * page is its own read, so a takeover between pages costs only a re-probe.
   */
  async *resultPages(
    jobId: string,
    o: { offset?: number; limit?: number; pageSize?: number } = {},
  ): AsyncGenerator<ResultsPage> {
    const limit = o.limit ?? Number.POSITIVE_INFINITY;
    const pageSize = o.pageSize ?? RESULTS_PAGE_SIZE;
    let at = o.offset ?? 0;
    for (let got = 0; got < limit; ) {
      const want = Math.min(pageSize, limit - got);
      const page = await this.read((c) => c.results(jobId, at, want));
      const outcomes = page.results.map(decodeOutcome);
      yield { outcomes, totalRecorded: page.totalRecorded, offset: at };
      got += outcomes.length;
      at += outcomes.length;
      if (outcomes.length < want) return;
    }
  }

  /** Every recorded outcome of a job, in recording order. */
  async allResults(jobId: string): Promise<Outcome[]> {
    const out: Outcome[] = [];
    for await (const page of this.resultPages(jobId)) out.push(...page.outcomes);
    return out;
  }

  private wrap(err: unknown, address: string): Error {
    if (err instanceof ControlError) return err;
    if (isServiceError(err)) {
      const details =
        err.code === grpc.status.DEADLINE_EXCEEDED
          ? `coordinator ${address} did not answer in time; the request may still have been applied: check with idunno get-job-stats`
          : describeFailure(err);
      return new ControlRequestError(err.code, details, address, remoteErrorInfo(err), {
        cause: fromServiceError(err),
      });
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
  options: Partial<ClusterClientOptions> = {},
): Promise<ClusterClient> {
  const client = new ClusterClient(addresses ?? resolveCoordinators().addresses, options);
  try {
    await client.leader();
    return client;
  } catch (err) {
    client.close();
    throw err;
  }
}
