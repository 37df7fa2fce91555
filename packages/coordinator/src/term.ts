/**
 * The primary's term: which epoch this coordinator leads at (if it leads), the Trackers of the
 * jobs it runs, and the Scheduler that splits the workers between them. Every part of the
 * coordinator (leadership, worker pool, dispatcher, job control, views) shares this one context
 * instead of reaching into each other; it is also where a fencing refusal ends the term.
 */
import type { EventEmitter } from 'node:events';
import { NotLeaderError, StaleEpochError } from '@idunno/client';
import type { Logger } from '@idunno/log';
import type { Scheduler } from '@idunno/scheduler';
import { StoreBehindError } from '@idunno/state';
import type { Clock } from './ports.js';
import type { Tracker } from './tracker.js';

export type Role = 'primary' | 'standby';

/** Events for logs, the dashboard and tests. */
export interface CoordinatorEvents {
  role: [{ role: Role; epoch: number }];
  'job-started': [{ jobId: string }];
  'job-completed': [{ jobId: string }];
  'worker-lost': [{ workerId: string; requeued: number; reason: string }];
  'worker-joined': [{ workerId: string }];
  redispatch: [{ jobId: string; taskId: string; workerId: string; queries: number; reason: string }];
  'first-dispatch': [{ epoch: number }];
  /** Outcomes of one task recorded for the first time, with each query's processing time. */
  recorded: [{ jobId: string; processingMs: number; count: number }];
}

export class Term {
  private roleNow: Role = 'standby';
  private epochNow = 0;
  /** The highest epoch seen in Redis: a later acquisition asks for more (epochs never go back). */
  lastKnownEpoch = 0;
  /** The leader as last seen in the lease, while this node is a standby. */
  otherLeader: string | null = null;
  /** Running jobs' Trackers; filled only while primary. */
  readonly trackers = new Map<string, Tracker>();

  constructor(
    readonly nodeId: string,
    readonly scheduler: Scheduler,
    readonly clock: Clock,
    readonly events: EventEmitter<CoordinatorEvents>,
    readonly log: Logger,
  ) {}

  get role(): Role {
    return this.roleNow;
  }

  /** The epoch this node leads (or last led) at. */
  get epoch(): number {
    return this.epochNow;
  }

  get isPrimary(): boolean {
    return this.roleNow === 'primary';
  }

  /** The leader's node id as far as this node knows, or null. */
  get leader(): string | null {
    return this.isPrimary ? this.nodeId : this.otherLeader;
  }

  /** True while this node is primary at `epoch`: work begun in an earlier term must not act now. */
  isCurrent(epoch: number): boolean {
    return this.isPrimary && this.epochNow === epoch;
  }

  /** Changes are the primary's: NotLeaderError (which names the leader) otherwise. */
  requirePrimary(): void {
    if (!this.isPrimary) throw new NotLeaderError(this.nodeId, this.otherLeader);
  }

  /** A new term is being set up at `epoch` (writes carry it from now on); not primary yet. */
  prepare(epoch: number): void {
    this.epochNow = epoch;
    this.lastKnownEpoch = Math.max(this.lastKnownEpoch, epoch);
    this.trackers.clear();
  }

  /** The term's state is loaded: this node dispatches from now on. */
  lead(): void {
    this.roleNow = 'primary';
    this.otherLeader = null;
  }

  /** Ends the term: no more dispatch; the Trackers go (the next primary rebuilds them from Redis). */
  demote(reason: string): void {
    if (this.roleNow !== 'primary') return;
    this.roleNow = 'standby';
    this.otherLeader = null;
    const now = this.clock.monotonic();
    for (const jobId of this.trackers.keys()) this.scheduler.removeJob(jobId, now);
    this.trackers.clear();
    this.log.warn('demoted', { reason, epoch: this.epochNow });
    this.events.emit('role', { role: 'standby', epoch: this.epochNow });
  }

  /**
   * A fenced write was refused: someone newer leads (StaleEpochError), or Redis lost its data
   * (StoreBehindError: demote and re-acquire with minEpoch). True when `err` ended the term.
   */
  fence(err: unknown): boolean {
    if (err instanceof StaleEpochError) {
      this.demote(`stale epoch ${err.epoch} < ${err.current}`);
      return true;
    }
    if (err instanceof StoreBehindError) {
      this.log.error('store_behind', { epoch: err.epoch, current: err.current });
      this.demote('redis lost its data; re-acquiring the lease');
      return true;
    }
    return false;
  }
}
