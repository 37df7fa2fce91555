/**
 * Gossip membership as the coordinator reads it: which workers it may dispatch to, where the
 * other coordinators' control APIs are and whether they are dead, and the member list that the
 * control API and the dashboard show.
 */
import type { Member, Membership } from '@idunno/membership';
import type { PeerView } from './leadership.js';
import type { WorkerDirectory } from './workers.js';

/** The part of a running membership node these adapters read. */
export type MembershipView = Pick<Membership, 'members' | 'member' | 'on'>;

/**
 * Dispatch policy: a worker that gossip lists as alive or *suspect* gets work. A suspect may
 * refute the suspicion, and if it really died, its tasks fail (or miss their deadline) and are
 * requeued; dropping suspects would move work away from every busy worker whose ack came late.
 */
export function isDispatchable(m: Member): boolean {
  return (
    m.meta.role === 'worker' && (m.state === 'alive' || m.state === 'suspect') && m.meta.grpcAddress !== ''
  );
}

/** The workers gossip says may take tasks, updated whenever the membership changes. */
export function gossipWorkerDirectory(membership: MembershipView): WorkerDirectory {
  return {
    workers: () =>
      membership
        .members()
        .filter(isDispatchable)
        .map((m) => ({ id: m.id, address: m.meta.grpcAddress })),
    onChange: (listener) => {
      membership.on('change', () => listener());
    },
  };
}

/**
 * Where a coordinator's control API is, and since when gossip has held it dead (or left). The
 * membership's clock is the process's monotonic clock (`performance.now()`), the coordinator's too.
 */
export function gossipPeerView(membership: MembershipView): PeerView {
  return {
    controlAddress: (id) => membership.member(id)?.meta.grpcAddress || undefined,
    deadSince: (id) => {
      const m = membership.member(id);
      return m && (m.state === 'dead' || m.state === 'left') ? m.since : undefined;
    },
  };
}

/** One cluster member as the control API (Members) and the dashboard show it. */
export interface MemberView {
  id: string;
  role: string;
  state: string;
  /** The gRPC address when the member serves one, else its gossip address. */
  address: string;
  models: string[];
  incarnation: number;
  /** Coordinators publish their dashboard URL as `labels.dashboard`. */
  labels: Record<string, string>;
}

export function memberViews(membership: MembershipView): MemberView[] {
  return membership.members().map((m) => ({
    id: m.id,
    role: m.meta.role,
    state: m.state,
    address: m.meta.grpcAddress || m.address,
    models: m.meta.models,
    incarnation: m.incarnation,
    labels: m.meta.labels,
  }));
}
