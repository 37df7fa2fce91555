export type { Cancel, Clock, Random, Transport } from './clock.js';
export { realClock } from './clock.js';
export type { DecodeResult, DropReason, Packet, PacketBody, PacketCodec, WireUpdate } from './codec.js';
export { Codec, ObjectCodec, PROTOCOL_VERSION } from './codec.js';
export {
  BindError,
  InvalidAddressError,
  InvalidMetaError,
  InvalidOptionsError,
  MembershipStoppedError,
} from './errors.js';
export type { MembershipListener } from './events.js';
export { defaultMeta, validateMeta } from './meta.js';
export type { Membership, StartMembershipOptions } from './node.js';
export { startMembership } from './node.js';
export type { MembershipOptions, ProfileName } from './profiles.js';
export {
  DEFAULT_AWARENESS_MAX,
  DEFAULT_DEAD_RETENTION_MS,
  DEFAULT_GOSSIP_INTERVAL_MS,
  DEFAULT_GOSSIP_NODES,
  DEFAULT_INDIRECT_CHECKS,
  DEFAULT_JOIN_RETRY_INTERVAL_MS,
  DEFAULT_LEAVE_TIMEOUT_MS,
  DEFAULT_MAX_DATAGRAM_BYTES,
  DEFAULT_MAX_PACKET_BYTES,
  DEFAULT_PROBE_INTERVAL_MS,
  DEFAULT_PROBE_TIMEOUT_MS,
  DEFAULT_PUSH_PULL_INTERVAL_MS,
  DEFAULT_RECONNECT_INTERVAL_MS,
  DEFAULT_RECONNECT_TIMEOUT_MS,
  DEFAULT_RETRANSMIT_MULT,
  DEFAULT_STALL_THRESHOLD_MS,
  DEFAULT_SUSPICION_CONFIRMATIONS,
  DEFAULT_SUSPICION_MAX_TIMEOUT_MULT,
  DEFAULT_SUSPICION_MULT,
  defaultOptions,
  healBoundMs,
  isProfileName,
  PROFILE_NAMES,
  profileOptions,
  resolveOptions,
  validateOptions,
} from './profiles.js';
export type { SimNode, SimulationOptions } from './sim.js';
export { SimClock, Simulation } from './sim.js';
export type { SwimConfig } from './swim.js';
export { Swim } from './swim.js';
export type {
  Member,
  MemberMeta,
  MemberState,
  MembershipCounters,
  MembershipEvent,
  MembershipEventKind,
  Role,
  ViewFreshness,
} from './types.js';
export { formatAddress, parseAddress, UdpTransport } from './udp.js';
