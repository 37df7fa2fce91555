/**
 * The failures, one per drill kind: which process to break, how (a real signal to a real process,
 * or a Redis restart), how to tell that the cluster noticed, and how to bring the cluster back to
 * full strength afterwards so that the next trial starts equal.
 */
import { NoTargetError } from './errors.js';
import type { DrillKind } from './options.js';
import { pollUntil } from './poll.js';
import { type DrillCluster, type DrillNode, nodeOf, settleBeforeBaseline } from './sampler.js';

/** What a trial breaks, and what the leader said about it beforehand. */
export interface FaultTarget {
  node: DrillNode;
  /** Workers the leader had assigned work before the failure (worker drills only; else empty). */
  assignedBefore: ReadonlySet<string>;
}

/**
 * The process a drill kind breaks: a worker that is assigned work, the leader, the standby, or
 * Redis. `notes` gets a line when the choice was not the intended one.
 */
export async function pickTarget(
  d: DrillCluster,
  kind: DrillKind,
  leader: DrillNode,
  notes: string[],
): Promise<FaultTarget> {
  if (kind === 'kill-worker' || kind === 'hang-worker') {
    const assignedBefore = await d.assignedIds(leader);
    const busy = d.workers.find((w) => assignedBefore.has(w.id));
    if (!busy) notes.push('no worker was assigned work; took any');
    const w = busy ?? d.workers[0];
    if (!w) throw new NoTargetError('worker');
    return { node: w, assignedBefore };
  }
  if (kind === 'kill-primary' || kind === 'hang-primary') return { node: leader, assignedBefore: new Set() };
  if (kind === 'kill-standby') {
    const s = d.coordinators.find((c) => c.id !== leader.id);
    if (!s) throw new NoTargetError('standby');
    return { node: s, assignedBefore: new Set() };
  }
  return { node: { id: 'redis-server', address: d.cluster.redisUrl, pid: 0 }, assignedBefore: new Set() };
}

/**
 * Breaks the target at t0 and resolves once the failure is in place (for Redis: restarted and
 * answering PING), with the detection still running: it resolves with the ms from t0 until the
 * cluster shows the failure, or null past the cap.
 *   workers: the leader's Members() shows it not alive, or GetAssignedWorkers stops listing it;
 *   primary: another coordinator answers Leader() as leader;
 *   standby: the leader's Members() shows it not alive;
 *   Redis: the done counts move again.
 */
export async function injectFault(
  d: DrillCluster,
  kind: DrillKind,
  target: FaultTarget,
  leader: DrillNode,
  t0: number,
  notes: string[],
): Promise<{ detection: Promise<number | null> }> {
  const node = target.node;
  switch (kind) {
    case 'kill-worker':
    case 'hang-worker': {
      d.cluster.kill(node.pid, kind === 'kill-worker' ? 'SIGKILL' : 'SIGSTOP');
      const wasAssigned = target.assignedBefore.has(node.id);
      const detection = pollUntil(t0, async () => {
        const [state, assigned] = await Promise.all([
          d.memberState(leader, node.id).catch(() => 'alive'),
          wasAssigned ? d.assignedIds(leader).catch(() => undefined) : Promise.resolve(undefined),
        ]);
        return state !== 'alive' || (assigned !== undefined && !assigned.has(node.id));
      });
      return { detection };
    }
    case 'kill-primary':
    case 'hang-primary': {
      d.cluster.kill(node.pid, kind === 'kill-primary' ? 'SIGKILL' : 'SIGSTOP');
      const others = d.coordinators.filter((c) => c.id !== node.id);
      const detection = pollUntil(t0, async () => {
        const answers = await Promise.all(
          others.map((c) =>
            d
              .conn(c.address)
              .leader(1_000)
              .then((i) => i.isLeader)
              .catch(() => false),
          ),
        );
        return answers.some(Boolean);
      });
      return { detection };
    }
    case 'kill-standby': {
      d.cluster.kill(node.pid, 'SIGKILL');
      return { detection: pollUntil(t0, async () => (await d.memberState(leader, node.id)) !== 'alive') };
    }
    case 'restart-redis': {
      await d.cluster.restartRedis();
      const doneAtUp = d.combinedDone();
      notes.push(`redis answered PING after ${Date.now() - t0} ms`);
      return { detection: pollUntil(t0, async () => d.combinedDone() > doneAtUp) };
    }
  }
}

/** Drops a node from a live list by id (callers hold copies, so not by identity). */
function removeNode(list: DrillNode[], id: string): void {
  const i = list.findIndex((n) => n.id === id);
  if (i >= 0) list.splice(i, 1);
}

/** Waits (bounded) until the leader assigns the worker to a job again. */
async function waitAssigned(d: DrillCluster, id: string, notes: string[]): Promise<void> {
  const r = await pollUntil(
    Date.now(),
    async () => (await d.assignedIds(await d.leader(5_000))).has(id),
    20_000,
  );
  if (r === null) notes.push(`${id} was not assigned work within 20 s`);
}

/**
 * Brings the cluster back to full strength so that the next trial starts equal: a new worker or
 * coordinator for a killed one, SIGCONT for a hung one (which must come back alive; a hung primary
 * must also demote itself), then waits until a leader answers and the cluster has settled.
 */
export async function restore(
  d: DrillCluster,
  kind: DrillKind,
  target: DrillNode,
  notes: string[],
  progress: (line: string) => void,
): Promise<void> {
  const replaceWorker = async () => {
    d.cluster.kill(target.pid, 'SIGKILL');
    removeNode(d.workers, target.id);
    const w = await d.cluster.addWorker();
    d.workers.push(nodeOf(w));
    progress(`started ${w.id} (pid ${w.pid}) in place of ${target.id}`);
    if (!(await d.waitAlive(w.id, 30_000))) d.failures.push(`${w.id} did not join within 30 s`);
    else await waitAssigned(d, w.id, notes);
  };
  const replaceCoordinator = async () => {
    removeNode(d.coordinators, target.id);
    const c = await d.cluster.addCoordinator();
    d.coordinators.push(nodeOf(c));
    progress(`started ${c.id} (pid ${c.pid}) in place of ${target.id}`);
    if (!(await d.waitAlive(c.id, 30_000))) d.failures.push(`${c.id} did not join within 30 s`);
  };
  switch (kind) {
    case 'kill-worker':
      await replaceWorker();
      break;
    case 'hang-worker': {
      d.cluster.kill(target.pid, 'SIGCONT');
      if (await d.waitAlive(target.id, 20_000)) {
        progress(`${target.id} resumed and is alive again`);
        await waitAssigned(d, target.id, notes);
      } else {
        notes.push(`${target.id} did not come back alive after SIGCONT; replaced`);
        await replaceWorker();
      }
      break;
    }
    case 'kill-primary':
    case 'kill-standby':
      await replaceCoordinator();
      break;
    case 'hang-primary': {
      d.cluster.kill(target.pid, 'SIGCONT');
      // A resumed ex-primary must notice that its lease is gone and step down.
      const t0 = Date.now();
      const demoted = await pollUntil(
        t0,
        async () => (await d.conn(target.address).leader(1_000)).isLeader === false,
        15_000,
      );
      if (demoted === null)
        d.failures.push(`hang-primary: ${target.id} still claims the lead 15 s after SIGCONT`);
      else {
        notes.push(`${target.id} demoted itself ${demoted} ms after SIGCONT`);
        progress(`${target.id} resumed and demoted itself after ${demoted} ms`);
      }
      if (!(await d.waitAlive(target.id, 20_000))) {
        notes.push(`${target.id} did not come back alive; replaced`);
        d.cluster.kill(target.pid, 'SIGKILL');
        await replaceCoordinator();
      }
      break;
    }
    case 'restart-redis':
      break;
  }
  await d.leader();
  await settleBeforeBaseline(d, progress);
}
