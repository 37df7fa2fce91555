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
 * How current a node's view is, for a caller that acts on a `dead` verdict (a standby taking the
 * lease early): a verdict reached before the latest heal may describe the far side of a partition
 * that has since ended, not a failure. Times are on the node's membership clock, like
 * `Member.since` (`startMembership`: `performance.now()` of its process).
 */
export interface ViewFreshness {
  /**
   * Heals seen so far: +1 each time a member this node held dead is alive again (it refuted with a
   * higher incarnation), and each time this node learns that it was itself declared dead (it
   * refutes). 0 until the first.
   */
  generation: number;
  /**
   * Clock time of the latest heal; undefined before the first. A member still `dead` whose
   * `since` is earlier was judged before that heal: it is either on the far side and about to
   * refute, or really dead (reconnection keeps trying it).
   */
  lastHealAt: number | undefined;
  /** The membership clock's current time, to age `since` and `lastHealAt` against. */
  now: number;
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
  /** Push-pulls sent to a member this node holds dead (Serf's reconnect), included in pushPulls. */
  reconnects: number;
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
    reconnects: 0,
    stalls: 0,
  };
}
