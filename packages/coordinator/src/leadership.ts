/**
 * Leadership: whether this coordinator is primary is decided by the lease in Redis, never by
 * configuration. While standby it tries for the lease every tick and probes the leader for an
 * early takeover; while primary it renews the lease every tick and stops acting on its own
 * (monotonic clock) once a renewal has not succeeded in time. Promotion itself (loading the jobs)
 * is the coordinator's: this part only decides when (the context's `promote`).
 */
import type { Logger } from '@idunno/log';
import { LeaseLostError, type StateStore } from '@idunno/state';
import { LeaseClock } from './lease-clock.js';
import type { Clock, LeaderProbe } from './ports.js';
import type { Term } from './term.js';

/**
 * What a standby knows about its peers from gossip: where a coordinator's control API listens,
 * and since when gossip has held it dead (or left).
 */
export interface PeerView {
  controlAddress(nodeId: string): string | undefined;
  /**
   * When this node's gossip view declared `nodeId` dead or left, on this process's monotonic
   * clock (the coordinator's `Clock.monotonic`); undefined while it is alive or suspect.
   */
  deadSince(nodeId: string): number | undefined;
}

export interface LeadershipOptions {
  nodeId: string;
  /** Lease time to live. */
  leaseTtlMs: number;
  /** How often the leader's control API is probed (the probe's deadline derives from it). */
  probeIntervalMs: number;
}

/** What leadership asks of the rest of the coordinator. */
export interface LeadershipContext {
  /** Sets up the term at `epoch` (loads the running jobs) and starts dispatching. */
  promote(epoch: number): Promise<void>;
}

/** Refused probes in a row that count as evidence that the leader is gone. */
const REFUSALS_FOR_TAKEOVER = 2;

export class Leadership {
  /** Gossip's view of the other coordinators (set by the node); without it, no early takeover. */
  peers: PeerView | undefined;
  private readonly lease: LeaseClock;
  /** One lease operation at a time: a tick, a takeover, never both. */
  private busy = false;
  private stopped = false;
  /**
   * The lease as last seen held by someone else (what an early takeover may replace), and when
   * this node first saw that holder at that epoch.
   */
  private seenLease: { holder: string; epoch: number; since: number } | undefined;
  private refusals = 0;
  private probing = false;
  private probedAddress: string | undefined;

  constructor(
    private readonly term: Term,
    private readonly store: StateStore,
    private readonly clock: Clock,
    private readonly probe: LeaderProbe,
    private readonly options: LeadershipOptions,
    private readonly context: LeadershipContext,
    private readonly log: Logger,
  ) {
    this.lease = new LeaseClock({ ttlMs: options.leaseTtlMs });
  }

  /** Whether the lease may still be relied on now (monotonic clock, conservative). */
  holdsLease(): boolean {
    return this.lease.isLeader(this.clock.monotonic());
  }

  /** One lease tick: renew while primary, try to acquire while standby. */
  async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      if (this.term.isPrimary) await this.renew();
      else await this.tryAcquire();
    } finally {
      this.busy = false;
    }
  }

  /** Stops ticking; a primary releases its lease so that a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    const wasPrimary = this.term.isPrimary;
    const epoch = this.term.epoch;
    this.term.demote('shutdown');
    this.probe.close();
    if (wasPrimary) await this.store.releaseLease(this.options.nodeId, epoch).catch(() => false);
  }

  private async renew(): Promise<void> {
    const sentAt = this.clock.monotonic();
    try {
      await this.store.renewLease(this.options.nodeId, this.term.epoch, this.options.leaseTtlMs);
      this.lease.succeeded(sentAt);
    } catch (err) {
      if (err instanceof LeaseLostError) {
        this.lease.lost();
        this.term.demote('lease lost');
        return;
      }
      this.log.warn('lease_renew_failed', { error: err });
    }
    if (!this.holdsLease()) this.term.demote('lease not renewed in time');
  }

  private async tryAcquire(): Promise<void> {
    const sentAt = this.clock.monotonic();
    let result: Awaited<ReturnType<StateStore['acquireLease']>>;
    try {
      result = await this.store.acquireLease(
        this.options.nodeId,
        this.options.leaseTtlMs,
        this.term.lastKnownEpoch,
      );
    } catch (err) {
      this.log.debug('lease_acquire_failed', { error: err });
      return;
    }
    if (!result.acquired && result.holder === this.options.nodeId && result.epoch === this.term.epoch) {
      // We demoted ourselves (a renewal came late) but Redis still has our lease: renew it and
      // lead again at the same epoch rather than leave the cluster leaderless until it expires.
      try {
        await this.store.renewLease(this.options.nodeId, result.epoch, this.options.leaseTtlMs);
        await this.won(result.epoch, sentAt);
        return;
      } catch (err) {
        this.log.debug('lease_reclaim_failed', { error: err });
      }
    }
    if (!result.acquired) {
      this.term.otherLeader = result.holder;
      this.see(result.holder, result.epoch);
      this.term.lastKnownEpoch = Math.max(this.term.lastKnownEpoch, result.epoch);
      return;
    }
    await this.won(result.epoch, sentAt);
  }

  private async won(epoch: number, sentAt: number): Promise<void> {
    this.lease.succeeded(sentAt);
    try {
      await this.context.promote(epoch);
    } catch (err) {
      this.log.error('promotion_failed', { error: err, epoch });
      this.term.demote('promotion failed');
      await this.store.releaseLease(this.options.nodeId, epoch).catch(() => false);
    }
  }

  private see(holder: string, epoch: number): void {
    const s = this.seenLease;
    if (s?.holder === holder && s.epoch === epoch) return;
    this.seenLease = { holder, epoch, since: this.clock.monotonic() };
  }

  /**
   * While standby: ask the leader's control API whether it is there. A refused connection (twice
   * in a row) or a fresh gossip `dead` is strong evidence that it is gone, so take the lease over
   * at once instead of waiting out its TTL; a hung leader (no answer) is left to the TTL.
   *
   * Only fresh evidence counts. A `dead` verdict older than the lease this node would take over
   * says nothing about that lease: its holder took or renewed it after gossip here gave it up,
   * so it was alive, and this view is stale (a partition that has healed; gossip merges the views
   * again soon). Acting on it made two coordinators take the lease from each other every half
   * second after a heal.
   */
  async probeLeader(): Promise<void> {
    if (this.term.isPrimary || this.stopped || this.busy || !this.seenLease || !this.peers) return;
    const seen = this.seenLease;
    if (seen.holder === this.options.nodeId) return;
    const deadSince = this.peers.deadSince(seen.holder);
    let evidence = deadSince !== undefined && deadSince >= seen.since ? 'gossip declared it dead' : '';
    if (!evidence) {
      const address = this.peers.controlAddress(seen.holder);
      if (!address) return;
      if (address !== this.probedAddress) {
        this.probedAddress = address;
        this.refusals = 0;
      }
      if (this.probing) return;
      this.probing = true;
      try {
        const answer = await this.probe.probe(address, Math.min(500, this.options.probeIntervalMs * 3));
        if (answer === 'answered') this.refusals = 0;
        else if (answer === 'refused') this.refusals++;
        if (this.refusals >= REFUSALS_FOR_TAKEOVER) evidence = 'its control API refuses connections';
      } finally {
        this.probing = false;
      }
    }
    if (!evidence || this.term.isPrimary || this.busy) return;
    this.busy = true;
    try {
      const sentAt = this.clock.monotonic();
      const result = await this.store.takeOverLease(
        this.options.nodeId,
        this.options.leaseTtlMs,
        seen,
        this.term.lastKnownEpoch,
      );
      if (!result.acquired) {
        this.see(result.holder, result.epoch);
        return;
      }
      this.log.warn('takeover', { from: seen.holder, fromEpoch: seen.epoch, epoch: result.epoch, evidence });
      await this.won(result.epoch, sentAt);
    } catch (err) {
      this.log.warn('takeover_failed', { error: err });
    } finally {
      this.busy = false;
    }
  }
}
