import { randomInt } from 'node:crypto';
import type { Logger } from '@idunno/log';
import { mulberry32 } from '@idunno/random';
import { realClock } from './clock.js';
import { Codec } from './codec.js';
import { InvalidOptionsError, MembershipStoppedError } from './errors.js';
import type { MembershipListener } from './events.js';
import { defaultMeta } from './meta.js';
import { type MembershipOptions, type ProfileName, resolveOptions } from './profiles.js';
import { Swim } from './swim.js';
import type { Member, MemberMeta, MembershipCounters, MembershipEventKind, ViewFreshness } from './types.js';
import { formatAddress, parseAddress, UdpTransport } from './udp.js';

export interface StartMembershipOptions {
  /** Unique, stable name of this node (e.g. `worker-3`). */
  nodeId: string;
  /** @default '0.0.0.0' */
  bindHost?: string;
  /** 0 picks a free port. @default 7946 */
  bindPort?: number;
  /** Host other members reach this node at. @default bindHost, or 127.0.0.1 when bindHost is 0.0.0.0 */
  advertiseHost?: string;
  /** @default the bound port */
  advertisePort?: number;
  /** `host:port` of members to join through; empty for the first node. @default [] */
  seeds?: readonly string[];
  /** @default { role: 'worker', grpcAddress: '', models: [], labels: {} } */
  meta?: MemberMeta;
  /** @default 'lan' */
  profile?: ProfileName;
  /** Overrides on top of the profile. @default {} */
  options?: Partial<MembershipOptions>;
  /** Shared secret: every datagram is authenticated with HMAC-SHA256. @default none */
  clusterKey?: string;
  /** @default silent */
  logger?: Logger;
  /** Seed of the protocol's randomness (tests). @default random */
  seed?: number;
}

/** A running membership node on a real UDP socket. */
export interface Membership {
  readonly nodeId: string;
  /** `host:port` this node advertises (the port actually bound). */
  readonly address: string;
  /** Every known member, this node included, sorted by id. */
  members(): Member[];
  member(id: string): Member | undefined;
  /**
   * Heals seen so far, the latest one's time and the clock's current time, on the clock of
   * `Member.since`: a `dead` verdict older than the latest heal may be stale (see ViewFreshness).
   */
  freshness(): ViewFreshness;
  /** Subscribes to one event kind, or to `change` for all; returns the unsubscribe function. */
  on(kind: MembershipEventKind | 'change', listener: MembershipListener): () => void;
  off(kind: MembershipEventKind | 'change', listener: MembershipListener): void;
  /** Publishes new metadata, merged into the current one. */
  updateMeta(partial: Partial<MemberMeta>): void;
  /** Announces a graceful leave, gossips it for `leaveTimeoutMs`, then stops. */
  leave(): Promise<void>;
  /** Stops without announcing (others will detect a failure). Idempotent. */
  stop(): Promise<void>;
  counters(): MembershipCounters & { sendErrors: number; healthScore: number; incarnation: number };
}

/** Binds a UDP socket, starts the SWIM core and joins through the seeds (in the background). */
export async function startMembership(opts: StartMembershipOptions): Promise<Membership> {
  if (typeof opts.nodeId !== 'string' || opts.nodeId.length === 0 || opts.nodeId.length > 256) {
    throw new InvalidOptionsError(
      'nodeId',
      opts.nodeId,
      'must be a non-empty string of at most 256 characters',
    );
  }
  const options = resolveOptions(opts.profile ?? 'lan', opts.options ?? {});
  const seeds = [...(opts.seeds ?? [])];
  for (const seed of seeds) parseAddress(seed);
  const bindHost = opts.bindHost ?? '0.0.0.0';
  const transport = await UdpTransport.bind(bindHost, opts.bindPort ?? 7946);
  const advertiseHost =
    opts.advertiseHost ?? (bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost);
  const address = formatAddress(advertiseHost, opts.advertisePort ?? transport.port);
  const swim = new Swim({
    id: opts.nodeId,
    address,
    meta: opts.meta ?? defaultMeta(),
    seeds,
    options,
    clock: realClock,
    transport,
    random: mulberry32(opts.seed ?? randomInt(2 ** 32)),
    codec: new Codec({ clusterKey: opts.clusterKey, maxDatagramBytes: options.maxDatagramBytes }),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  swim.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    swim.stop();
    await transport.close();
  };
  return {
    nodeId: opts.nodeId,
    address,
    members: () => swim.members(),
    member: (id) => swim.member(id),
    freshness: () => swim.freshness(),
    on: (kind, listener) => swim.on(kind, listener),
    off: (kind, listener) => swim.off(kind, listener),
    updateMeta: (partial) => {
      if (stopped) throw new MembershipStoppedError(opts.nodeId, 'updateMeta');
      swim.updateMeta(partial);
    },
    leave: async () => {
      if (stopped) return;
      swim.leave();
      await new Promise((resolve) => setTimeout(resolve, options.leaveTimeoutMs));
      await stop();
    },
    stop,
    counters: () => ({
      ...swim.snapshotCounters(),
      sendErrors: transport.sendErrors,
      healthScore: swim.healthScore,
      incarnation: swim.incarnation,
    }),
  };
}
