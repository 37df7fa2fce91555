import { InvalidOptionsError } from './errors.js';

/**
 * Protocol timings and limits. Every default is the `lan` profile, tuned so that a silently
 * failed node (SIGSTOP) is declared dead by every member within 2 s (median) at 10–50 nodes;
 * memberlist's LAN defaults (1 s probes, 4× suspicion) take about 6 s.
 */
export interface MembershipOptions {
  /** Time between two probes of this node (one member each, random round-robin). @default 200 ms */
  probeIntervalMs: number;
  /** How long a direct ping waits for its ack before asking `indirectChecks` peers. @default 100 ms */
  probeTimeoutMs: number;
  /** Peers asked to probe a member that did not answer a direct ping (SWIM's k). @default 3 */
  indirectChecks: number;
  /**
   * Suspicion timeout multiplier: the shortest suspicion lasts
   * `suspicionMult × max(1, log10(n)) × probeIntervalMs` (memberlist's formula). @default 3
   */
  suspicionMult: number;
  /** A suspicion without confirmations lasts this many times the shortest one (Lifeguard). @default 4 */
  suspicionMaxTimeoutMult: number;
  /**
   * Independent suspicions from other members that shrink the timeout to its minimum (Lifeguard's
   * k); the timeout shrinks logarithmically with each one. @default 2
   */
  suspicionConfirmations: number;
  /**
   * Lifeguard local health: probe timeouts and intervals are scaled by (score + 1), score in
   * [0, awarenessMax - 1]. Missed nacks and refutations raise the score, acks lower it. @default 8
   */
  awarenessMax: number;
  /** A broadcast is piggybacked `retransmitMult × ceil(log10(n + 1))` times. @default 4 */
  retransmitMult: number;
  /** Interval of gossip packets carrying pending broadcasts (sent only when some are pending). @default 100 ms */
  gossipIntervalMs: number;
  /** Members each gossip round sends to. @default 3 */
  gossipNodes: number;
  /**
   * Full-state exchange with one random live member (anti-entropy); scaled up by log2(n/32)
   * above 32 nodes like memberlist. Dead members are contacted by `reconnectIntervalMs` instead.
   * @default 20000 ms
   */
  pushPullIntervalMs: number;
  /**
   * Serf's reconnect: this often a node tries a full-state exchange with one random member it
   * holds dead, with probability (dead members / live members, at most 1), so that the cluster as
   * a whole tries each dead member about once per interval and a cluster whose halves each hold
   * the other dead merges again once the network heals: the smaller half tries on every tick,
   * which bounds the time from a heal to the first exchange by this interval. @default 1000 ms
   */
  reconnectIntervalMs: number;
  /**
   * A dead member is no longer contacted for reconnection this long after it was declared dead
   * (it stays in the view until `deadRetentionMs`). 0 turns reconnection off. At most
   * `deadRetentionMs`: a forgotten member cannot be contacted. @default 600000 ms
   */
  reconnectTimeoutMs: number;
  /** While this node knows no other alive member, it retries its seeds this often. @default 1000 ms */
  joinRetryIntervalMs: number;
  /** Byte budget of one packet's piggybacked updates and of one push-pull chunk. @default 1400 bytes */
  maxPacketBytes: number;
  /** Datagrams larger than this are dropped unread and counted. @default 65507 bytes */
  maxDatagramBytes: number;
  /** `leave()` keeps gossiping this long before it resolves so the leave spreads. @default 600 ms */
  leaveTimeoutMs: number;
  /** Dead and left members stay in the view this long, then are forgotten. @default 600000 ms */
  deadRetentionMs: number;
  /**
   * A protocol timer that fires this much later than scheduled means the event loop stalled (a
   * paused process, a saturated machine): its decision waits for queued datagrams first and the
   * local health score rises. @default 100 ms
   */
  stallThresholdMs: number;
}

export const DEFAULT_PROBE_INTERVAL_MS = 200;
export const DEFAULT_PROBE_TIMEOUT_MS = 100;
export const DEFAULT_INDIRECT_CHECKS = 3;
export const DEFAULT_SUSPICION_MULT = 3;
export const DEFAULT_SUSPICION_MAX_TIMEOUT_MULT = 4;
export const DEFAULT_SUSPICION_CONFIRMATIONS = 2;
export const DEFAULT_AWARENESS_MAX = 8;
export const DEFAULT_RETRANSMIT_MULT = 4;
export const DEFAULT_GOSSIP_INTERVAL_MS = 100;
export const DEFAULT_GOSSIP_NODES = 3;
export const DEFAULT_PUSH_PULL_INTERVAL_MS = 20_000;
export const DEFAULT_RECONNECT_INTERVAL_MS = 1000;
export const DEFAULT_RECONNECT_TIMEOUT_MS = 600_000;
export const DEFAULT_JOIN_RETRY_INTERVAL_MS = 1000;
export const DEFAULT_MAX_PACKET_BYTES = 1400;
export const DEFAULT_MAX_DATAGRAM_BYTES = 65_507;
export const DEFAULT_LEAVE_TIMEOUT_MS = 600;
export const DEFAULT_DEAD_RETENTION_MS = 600_000;
export const DEFAULT_STALL_THRESHOLD_MS = 100;

/** A fresh copy of the defaults (the `lan` profile). */
export function defaultOptions(): MembershipOptions {
  return {
    probeIntervalMs: DEFAULT_PROBE_INTERVAL_MS,
    probeTimeoutMs: DEFAULT_PROBE_TIMEOUT_MS,
    indirectChecks: DEFAULT_INDIRECT_CHECKS,
    suspicionMult: DEFAULT_SUSPICION_MULT,
    suspicionMaxTimeoutMult: DEFAULT_SUSPICION_MAX_TIMEOUT_MULT,
    suspicionConfirmations: DEFAULT_SUSPICION_CONFIRMATIONS,
    awarenessMax: DEFAULT_AWARENESS_MAX,
    retransmitMult: DEFAULT_RETRANSMIT_MULT,
    gossipIntervalMs: DEFAULT_GOSSIP_INTERVAL_MS,
    gossipNodes: DEFAULT_GOSSIP_NODES,
    pushPullIntervalMs: DEFAULT_PUSH_PULL_INTERVAL_MS,
    reconnectIntervalMs: DEFAULT_RECONNECT_INTERVAL_MS,
    reconnectTimeoutMs: DEFAULT_RECONNECT_TIMEOUT_MS,
    joinRetryIntervalMs: DEFAULT_JOIN_RETRY_INTERVAL_MS,
    maxPacketBytes: DEFAULT_MAX_PACKET_BYTES,
    maxDatagramBytes: DEFAULT_MAX_DATAGRAM_BYTES,
    leaveTimeoutMs: DEFAULT_LEAVE_TIMEOUT_MS,
    deadRetentionMs: DEFAULT_DEAD_RETENTION_MS,
    stallThresholdMs: DEFAULT_STALL_THRESHOLD_MS,
  };
}

export type ProfileName = 'lan' | 'local';

export const PROFILE_NAMES: readonly ProfileName[] = ['lan', 'local'];

/**
 * `lan`: the defaults. `local`: one machine (tests, demos): half the probe interval, faster
 * anti-entropy, reconnection and join retries, so a test cluster converges, detects failures and
 * heals quickly.
 */
export function profileOptions(profile: ProfileName): MembershipOptions {
  const options = defaultOptions();
  if (profile === 'local') {
    options.probeIntervalMs = 100;
    options.probeTimeoutMs = 50;
    options.gossipIntervalMs = 50;
    options.pushPullIntervalMs = 2000;
    options.reconnectIntervalMs = 500;
    options.joinRetryIntervalMs = 200;
    options.leaveTimeoutMs = 300;
    options.stallThresholdMs = 50;
    // A larger multiplier keeps the shortest suspicion near lan's in absolute terms (0.4 s vs
    // 0.6 s at 10 nodes): test machines are busy and must not see false deaths.
    options.suspicionMult = 4;
  }
  return options;
}

/**
 * How long after a partition heals every node sees every member alive again (no loss, every
 * member of each side reachable, each side holding the other dead):
 * `2 × reconnectIntervalMs + 10 × gossipIntervalMs` (3 s lan, 1.5 s local).
 * - within one reconnect interval a node of the smaller side (dead ≥ live, so it tries on every
 *   tick) exchanges full state with a member of the other side: each learns it was declared dead,
 *   refutes and sends its refutation to every member it knows; each also suspects its own side's
 *   members (the other's push-pull holds them dead), so they refute too, and the refutations
 *   spread by gossip in a few gossip rounds;
 * - one side's refutations spread first among members that still hold the other side dead and do
 *   not gossip to it, so a few verdicts can outlive the rumours: a node that saw a heal and still
 *   holds a verdict from before it exchanges full state with a live member at its next reconnect
 *   tick, within one more interval.
 * Measured in simulation (`pnpm bench:membership`): typically a third of the bound.
 */
export function healBoundMs(options: MembershipOptions): number {
  return 2 * options.reconnectIntervalMs + 10 * options.gossipIntervalMs;
}

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}

/** Profile defaults overlaid with `overrides`, validated. Throws InvalidOptionsError. */
export function resolveOptions(
  profile: ProfileName = 'lan',
  overrides: Partial<MembershipOptions> = {},
): MembershipOptions {
  if (!isProfileName(profile)) {
    throw new InvalidOptionsError('profile', profile, `must be one of ${PROFILE_NAMES.join(', ')}`);
  }
  const options: MembershipOptions = { ...profileOptions(profile) };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in options)) throw new InvalidOptionsError(key, value, 'unknown option');
    if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  }
  validateOptions(options);
  return options;
}

function requireInt(options: MembershipOptions, field: keyof MembershipOptions, min: number, max: number) {
  const value = options[field];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionsError(field, value, `must be an integer in [${min}, ${max}]`);
  }
}

/** Throws InvalidOptionsError naming the first offending field. */
export function validateOptions(options: MembershipOptions): void {
  requireInt(options, 'probeIntervalMs', 1, 60_000);
  requireInt(options, 'probeTimeoutMs', 1, 60_000);
  if (options.probeTimeoutMs >= options.probeIntervalMs) {
    throw new InvalidOptionsError(
      'probeTimeoutMs',
      options.probeTimeoutMs,
      `must be shorter than probeIntervalMs (${options.probeIntervalMs}) to leave time for indirect probes`,
    );
  }
  requireInt(options, 'indirectChecks', 0, 16);
  requireInt(options, 'suspicionMult', 1, 100);
  requireInt(options, 'suspicionMaxTimeoutMult', 1, 100);
  requireInt(options, 'suspicionConfirmations', 0, 32);
  requireInt(options, 'awarenessMax', 1, 64);
  requireInt(options, 'retransmitMult', 1, 64);
  requireInt(options, 'gossipIntervalMs', 1, 60_000);
  requireInt(options, 'gossipNodes', 1, 64);
  requireInt(options, 'pushPullIntervalMs', 10, 3_600_000);
  requireInt(options, 'reconnectIntervalMs', 10, 3_600_000);
  requireInt(options, 'joinRetryIntervalMs', 10, 3_600_000);
  requireInt(options, 'maxDatagramBytes', 512, 65_507);
  requireInt(options, 'maxPacketBytes', 512, options.maxDatagramBytes);
  requireInt(options, 'leaveTimeoutMs', 0, 60_000);
  requireInt(options, 'deadRetentionMs', 0, 86_400_000);
  requireInt(options, 'reconnectTimeoutMs', 0, 86_400_000);
  if (options.reconnectTimeoutMs > options.deadRetentionMs) {
    throw new InvalidOptionsError(
      'reconnectTimeoutMs',
      options.reconnectTimeoutMs,
      `must not exceed deadRetentionMs (${options.deadRetentionMs}): a forgotten member cannot be contacted; lower it or raise deadRetentionMs`,
    );
  }
  requireInt(options, 'stallThresholdMs', 1, 60_000);
}
