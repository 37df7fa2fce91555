/** What a node believes about a member. `left` is a graceful leave, `dead` a detected failure. */
export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

export type Role = 'coordinator' | 'worker';

/**
 * Metadata every node publishes about itself. Versioned by the member's incarnation: a change
 * bumps the incarnation and spreads like any other state change.
 */
export interface MemberMeta {
  role: Role;
  /** `host:port` of the node's gRPC server ('' when it has none). */
  grpcAddress: string;
  /** Models the node has loaded. */
  models: string[];
  /** Free-form labels. */
  labels: Record<string, string>;
}

/** A snapshot of one member as seen by the local node. Copies: mutating it changes nothing. */
export interface Member {
  id: string;
  /** Gossip address, `host:port`. */
  address: string;
  state: MemberState;
  incarnation: number;
  meta: MemberMeta;
  /** Clock time (ms, the node's clock) of the last state change. */
  since: number;
}

/**
 * Kinds of membership events.
 * - `joined`: a member became alive and was not alive or suspect before (new, or back after
 *   dead/left). Consumers add members on `joined`.
 * - `suspect`: a member stopped answering probes; it may still refute.
 * - `alive`: a suspect member refuted the suspicion.
 * - `dead`: a suspicion timed out. Consumers remove members on `dead` and `left`.
 * - `left`: the member left gracefully.
 * - `updated`: an alive member changed its metadata or address.
 */
export type MembershipEventKind = 'joined' | 'suspect' | 'alive' | 'dead' | 'left' | 'updated';

export interface MembershipEvent {
  kind: MembershipEventKind;
  member: Member;
  /** State before the change; undefined for a member seen for the first time. */
  previous: MemberState | undefined;
}

/** Protocol counters, monotonically increasing since start. */
export interface MembershipCounters {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Datagrams dropped for any reason (sum of the dropped* fields). */
  dropped: number;
  droppedMalformed: number;
  droppedVersion: number;
  droppedOversized: number;
  /** Wrong or missing HMAC while a cluster key is set. */
  droppedUnauthenticated: number;
  /** Pings addressed to another node id. */
  droppedMisdirected: number;
  probes: number;
  probesFailed: number;
  indirectProbes: number;
  /** Suspicions this node raised about others. */
  suspicionsRaised: number;
  /** Times this node refuted a suspicion (or death) about itself: each one is a false suspicion. */
  refutes: number;
  pushPulls: number;
  /** Timers that fired late by more than the stall threshold (event loop stalled, process paused). */
  stalls: number;
}

export function emptyCounters(): MembershipCounters {
  return {
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    dropped: 0,
    droppedMalformed: 0,
    droppedVersion: 0,
    droppedOversized: 0,
    droppedUnauthenticated: 0,
    droppedMisdirected: 0,
    probes: 0,
    probesFailed: 0,
    indirectProbes: 0,
    suspicionsRaised: 0,
    refutes: 0,
    pushPulls: 0,
    stalls: 0,
  };
}
