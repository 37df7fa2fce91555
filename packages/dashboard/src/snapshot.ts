import type { DashboardJobView, DashboardMember, DashboardProcessing, DashboardRole } from './source.js';

/** How much rate history a snapshot carries. @default 120 s */
export const DEFAULT_HISTORY_S = 120;
/** Window over which a standby derives a job's rate from its stored done counts. */
const DERIVED_RATE_WINDOW_MS = 5_000;

export interface JobSnapshot {
  jobId: string;
  model: string;
  state: string;
  total: number;
  done: number;
  errors: number;
  /** Queries per second: the tracker's on the primary, derived from done counts on a standby. */
  rateQps: number;
  /** Only on the primary (live tracker stats). */
  processing: DashboardProcessing | null;
  etaS: number | null;
  pending: number | null;
  inFlight: number | null;
  workers: string[];
}

export interface MemberSnapshot {
  id: string;
  role: string;
  state: string;
  address: string;
  models: string[];
  dashboard: string | null;
}

/** What `/api/snapshot` returns and `/events` sends as `snapshot` once a second. */
export interface Snapshot {
  at: number;
  node: string;
  role: DashboardRole;
  isLeader: boolean;
  leader: string | null;
  epoch: number;
  /** 'tracker': live stats of the primary; 'redis': stored counts, read by a standby. */
  source: 'tracker' | 'redis';
  /** This dashboard's URL. */
  self: string;
  /** Every coordinator's dashboard known from gossip, this one included. */
  dashboards: string[];
  leaderDashboard: string | null;
  jobs: JobSnapshot[];
  members: MemberSnapshot[];
  /** Per job: [ms since epoch, queries/s] samples, oldest first, covering `historyS`. */
  history: Record<string, [number, number][]>;
  historyS: number;
}

export type LogKind =
  | 'role'
  | 'leader'
  | 'job'
  | 'worker-lost'
  | 'worker-joined'
  | 'member'
  | 'rebalance'
  | 'redispatch';

export interface LogEntry {
  /** Increasing per dashboard instance. */
  seq: number;
  at: number;
  /** The node whose dashboard observed it. */
  node: string;
  kind: LogKind;
  text: string;
}

export interface SourceState {
  now: number;
  nodeId: string;
  role: DashboardRole;
  epoch: number;
  leader: string | null;
  self: string;
  jobs: DashboardJobView[];
  members: DashboardMember[];
}

const LIVE_MEMBER = new Set(['alive', 'suspect']);

/**
 * Turns successive reads of a coordinator into snapshots with rate history, and notices what
 * changed between two reads (member states, the leader, job states, workers per job), because a
 * standby's coordinator emits no events for those. Pure: the caller passes the time and the reads.
 */
export class Sampler {
  private readonly historyMs: number;
  private readonly history = new Map<string, [number, number][]>();
  /** Per job: [at, done] reads, for the derived rate. */
  private readonly doneReads = new Map<string, [number, number][]>();
  private last: Snapshot | undefined;

  constructor(historyS = DEFAULT_HISTORY_S) {
    this.historyMs = historyS * 1000;
  }

  get latest(): Snapshot | undefined {
    return this.last;
  }

  /** Builds the snapshot for `state` and returns what changed since the previous one. */
  sample(state: SourceState): { snapshot: Snapshot; changes: Omit<LogEntry, 'seq' | 'node'>[] } {
    const { now } = state;
    const jobs = state.jobs.map((v) => this.jobSnapshot(v, now));
    const seen = new Set(jobs.map((j) => j.jobId));
    for (const id of [...this.history.keys()]) {
      if (!seen.has(id)) {
        this.history.delete(id);
        this.doneReads.delete(id);
      }
    }
    for (const j of jobs) {
      const h = this.history.get(j.jobId) ?? [];
      // A finished job's line stays on the chart, at zero, until it scrolls off.
      h.push([now, j.state === 'running' ? j.rateQps : 0]);
      while (h.length > 0 && h[0]![0] < now - this.historyMs) h.shift();
      this.history.set(j.jobId, h);
    }
    const members: MemberSnapshot[] = state.members.map((m) => ({
      id: m.id,
      role: m.role,
      state: m.state,
      address: m.address,
      models: [...m.models],
      dashboard: m.labels.dashboard ?? null,
    }));
    const dashboards = new Set([state.self]);
    for (const m of members) if (m.dashboard && LIVE_MEMBER.has(m.state)) dashboards.add(m.dashboard);
    const isLeader = state.role === 'primary';
    const leaderDashboard = isLeader
      ? state.self
      : (members.find((m) => m.id === state.leader)?.dashboard ?? null);
    const snapshot: Snapshot = {
      at: now,
      node: state.nodeId,
      role: state.role,
      isLeader,
      leader: isLeader ? state.nodeId : state.leader,
      epoch: state.epoch,
      source: isLeader ? 'tracker' : 'redis',
      self: state.self,
      dashboards: [...dashboards].sort(),
      leaderDashboard,
      jobs,
      members,
      history: Object.fromEntries([...this.history].map(([id, h]) => [id, h.map((p) => [p[0], p[1]])])),
      historyS: this.historyMs / 1000,
    };
    const changes = this.last ? diff(this.last, snapshot) : [];
    this.last = snapshot;
    return { snapshot, changes };
  }

  private jobSnapshot(v: DashboardJobView, now: number): JobSnapshot {
    const { job, stats } = v;
    const done = stats?.done ?? job.done;
    const reads = this.doneReads.get(job.jobId) ?? [];
    reads.push([now, done]);
    while (reads.length > 2 && reads[1]![0] <= now - DERIVED_RATE_WINDOW_MS) reads.shift();
    this.doneReads.set(job.jobId, reads);
    let rateQps = stats?.rateQps;
    if (rateQps === undefined) {
      const first = reads[0]!;
      const dt = (now - first[0]) / 1000;
      rateQps = dt > 0 ? Math.max(0, done - first[1]) / dt : 0;
    }
    return {
      jobId: job.jobId,
      model: job.model,
      state: job.state,
      total: stats?.total ?? job.totalQueries,
      done,
      errors: stats?.errors ?? job.errors,
      rateQps: job.state === 'running' ? rateQps : 0,
      processing: stats ? { ...stats.processing } : null,
      etaS: stats && Number.isFinite(stats.etaS) ? stats.etaS : null,
      pending: stats?.pending ?? null,
      inFlight: stats?.inFlight ?? null,
      workers: [...v.workers].sort(),
    };
  }
}

function diff(prev: Snapshot, next: Snapshot): Omit<LogEntry, 'seq' | 'node'>[] {
  const at = next.at;
  const out: Omit<LogEntry, 'seq' | 'node'>[] = [];
  if (prev.leader !== next.leader) {
    out.push({
      at,
      kind: 'leader',
      text: `leader ${prev.leader ?? 'none'} → ${next.leader ?? 'none'} (epoch ${next.epoch})`,
    });
  }
  const before = new Map(prev.members.map((m) => [m.id, m]));
  for (const m of next.members) {
    const p = before.get(m.id);
    if (!p) out.push({ at, kind: 'member', text: `${m.role} ${m.id} joined (${m.state})` });
    else if (p.state !== m.state)
      out.push({ at, kind: 'member', text: `${m.role} ${m.id} ${p.state} → ${m.state}` });
    before.delete(m.id);
  }
  for (const p of before.values()) out.push({ at, kind: 'member', text: `${p.role} ${p.id} left the view` });
  const jobsBefore = new Map(prev.jobs.map((j) => [j.jobId, j]));
  for (const j of next.jobs) {
    const p = jobsBefore.get(j.jobId);
    if (!p) out.push({ at, kind: 'job', text: `job ${j.jobId} (${j.model}) added: ${j.state}` });
    else if (p.state !== j.state)
      out.push({ at, kind: 'job', text: `job ${j.jobId} ${p.state} → ${j.state}` });
    // Workers per job are known only on the primary; a change there is the Scheduler rebalancing.
    else if (
      prev.isLeader &&
      next.isLeader &&
      j.state === 'running' &&
      p.workers.join(',') !== j.workers.join(',')
    ) {
      out.push({
        at,
        kind: 'rebalance',
        text: `rebalance ${j.jobId}: [${p.workers.join(', ')}] → [${j.workers.join(', ')}]`,
      });
    }
  }
  return out;
}
