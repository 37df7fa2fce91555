import { ClusterClient, type CoordinatorConnection } from '@idunno/client';
import type { LocalCluster } from '@idunno/launcher';
import { LeaderNotFoundError } from './errors.js';
import type { Sample } from './measure.js';
import { LEADER_TIMEOUT_MS, SAMPLE_INTERVAL_MS, SETTLE_TIMEOUT_MS } from './options.js';
import { pollUntil } from './poll.js';

/** A process of the drill's cluster, as the trials track it (a copy: the launcher's object is its own). */
export interface DrillNode {
  id: string;
  address: string;
  pid: number;
}

/** The fields the drill tracks of one of the launcher's processes. */
export function nodeOf(p: DrillNode): DrillNode {
  return { id: p.id, address: p.address, pid: p.pid };
}

/** Wraps the cluster with what the trials need: live process lists, a throughput sampler, polling. */
export class DrillCluster {
  readonly workers: DrillNode[];
  readonly coordinators: DrillNode[];
  /** Combined done count over every job the drill started, sampled. */
  readonly samples: Sample[] = [];
  /** Highest done count seen per job (the primary's live view can be ahead of a standby's). */
  readonly done = new Map<string, number>();
  readonly totals = new Map<string, number>();
  readonly completed = new Set<string>();
  /** Short deadlines: a hung (SIGSTOPped) coordinator must not stall the sampler or a poll. */
  readonly client = new ClusterClient(() => this.coordinators.map((c) => c.address), {
    probeTimeoutMs: 1_000,
    readTimeoutMs: 1_500,
    retryIntervalMs: 100,
  });
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  failures: string[] = [];

  constructor(readonly cluster: LocalCluster) {
    this.workers = cluster.workers.map(nodeOf);
    this.coordinators = cluster.coordinators.map(nodeOf);
  }

  conn(address: string): CoordinatorConnection {
    return this.client.connection(address);
  }

  startSampling(): void {
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  private sample(): void {
    for (const c of this.coordinators) {
      if (this.busy.has(c.address)) continue;
      this.busy.add(c.address);
      this.conn(c.address)
        .stats()
        .then(
          (list) => {
            let changed = false;
            for (const s of list.jobs) {
              const id = s.job?.jobId;
              if (!id || !this.totals.has(id)) continue;
              if (s.done > (this.done.get(id) ?? 0)) {
                this.done.set(id, s.done);
                changed = true;
              }
              if (s.job?.state === 'completed') this.completed.add(id);
            }
            const total = [...this.done.values()].reduce((a, b) => a + b, 0);
            const last = this.samples[this.samples.length - 1];
            const now = Date.now();
            if (changed || !last || now - last.t >= SAMPLE_INTERVAL_MS / 2) {
              if (last && now <= last.t) return;
              this.samples.push({ t: now, done: total });
            }
          },
          () => undefined,
        )
        .finally(() => this.busy.delete(c.address));
    }
  }

  combinedDone(): number {
    return [...this.done.values()].reduce((a, b) => a + b, 0);
  }

  /** The coordinator that answers Leader() with isLeader (the highest epoch if two claim it). */
  async leader(timeoutMs = LEADER_TIMEOUT_MS): Promise<DrillNode & { epoch: number }> {
    const t0 = Date.now();
    const found: { node?: DrillNode & { epoch: number } } = {};
    const r = await pollUntil(
      t0,
      async () => {
        // ClusterClient waits while coordinators answer but none leads; none answering fails at once.
        const ref = await this.client.leader(Math.max(0, t0 + timeoutMs - Date.now()));
        const node = this.coordinators.find((c) => c.address === ref.connection.address);
        if (node) found.node = { ...node, epoch: ref.info.epoch };
        return node !== undefined;
      },
      timeoutMs,
    );
    if (r === null || !found.node) throw new LeaderNotFoundError(timeoutMs);
    return found.node;
  }

  async memberState(via: DrillNode, id: string): Promise<string | undefined> {
    const list = await this.conn(via.address).members();
    return list.members.find((m) => m.id === id)?.state;
  }

  async assignedIds(via: DrillNode): Promise<Set<string>> {
    const list = await this.conn(via.address).assigned();
    return new Set(list.jobs.flatMap((j) => j.workers.map((w) => w.workerId)));
  }

  /** Waits until the leader lists a member as alive. */
  async waitAlive(id: string, timeoutMs: number): Promise<boolean> {
    const t0 = Date.now();
    const r = await pollUntil(
      t0,
      async () => (await this.memberState(await this.leader(5_000), id)) === 'alive',
      timeoutMs,
    );
    return r !== null;
  }

  /**
   * Waits (bounded) until the cluster is fit for a baseline, which must measure the whole cluster
   * at work on both jobs: (1) every worker that the leader's Members() shows alive is in its
   * GetAssignedWorkers, so a worker that just joined, resumed or was rebalanced has its share
   * again; then (2) every job the drill started and that is still open has recorded more since
   * (1) held, so each job's results flow through the current leader and Redis with that
   * assignment. False when that does not happen within `timeoutMs`.
   */
  async settle(timeoutMs = SETTLE_TIMEOUT_MS): Promise<boolean> {
    const assigned: { doneThen?: Map<string, number> } = {};
    const r = await pollUntil(
      Date.now(),
      async () => {
        if (assigned.doneThen === undefined) {
          const leader = await this.leader(5_000);
          const [list, ids] = await Promise.all([
            this.conn(leader.address).members(),
            this.assignedIds(leader),
          ]);
          const idle = list.members.some((m) => m.role === 'worker' && m.state === 'alive' && !ids.has(m.id));
          if (idle) return false;
          assigned.doneThen = new Map(this.done);
        }
        const then = assigned.doneThen;
        return [...this.totals.keys()]
          .filter((id) => !this.completed.has(id))
          .every((id) => (this.done.get(id) ?? 0) > (then.get(id) ?? 0));
      },
      timeoutMs,
    );
    return r !== null;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.client.close();
  }
}

/** Waits for a settled cluster ({@link DrillCluster.settle}) and says so when it was not in time. */
export async function settleBeforeBaseline(d: DrillCluster, progress: (line: string) => void): Promise<void> {
  if (!(await d.settle()))
    progress(`the cluster did not settle within ${SETTLE_TIMEOUT_MS / 1000} s; taking the baseline anyway`);
}
