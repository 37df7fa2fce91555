/**
 * The workers this coordinator may dispatch to: one slot (a link and a backoff) per worker that
 * the directory lists as alive. A worker that leaves the directory, or whose connection is
 * refused, has its in-flight queries put back into their Trackers at once: that, not gossip's
 * confirmation, is what makes a crashed worker's queries run elsewhere within a fraction of a second.
 */
import type { Logger } from '@idunno/log';
import type { Clock, WorkerLink, WorkerLinks } from './ports.js';
import type { Term } from './term.js';
import type { WorkerDirectory, WorkerInfo } from './workers.js';

/** One worker as the pool holds it. */
export interface WorkerSlot {
  readonly info: WorkerInfo;
  readonly link: WorkerLink;
  /** Monotonic time before which nothing is sent to it (after a refused connection). */
  backoffUntil: number;
}

export interface WorkerPoolOptions {
  /** After a call to a worker fails to connect, wait this long before sending it more. */
  workerBackoffMs: number;
}

export class WorkerPool {
  private readonly slots = new Map<string, WorkerSlot>();
  /** Called after the set of workers changed (the dispatcher fills the new slots). */
  onChange: () => void = () => {};

  constructor(
    private readonly term: Term,
    private readonly directory: WorkerDirectory,
    private readonly links: WorkerLinks,
    private readonly clock: Clock,
    private readonly options: WorkerPoolOptions,
    private readonly log: Logger,
  ) {
    directory.onChange(() => this.sync());
  }

  /** Matches the slots to the directory: opens links to new workers, drops those that went away. */
  sync(): void {
    const alive = new Map(this.directory.workers().map((w) => [w.id, w]));
    for (const [id, slot] of this.slots) {
      const info = alive.get(id);
      if (!info || info.address !== slot.info.address) this.lost(id, info ? 'address changed' : 'membership');
    }
    for (const [id, info] of alive) {
      if (this.slots.has(id)) continue;
      this.slots.set(id, { info, link: this.links.connect(info.address), backoffUntil: 0 });
      this.term.events.emit('worker-joined', { workerId: id });
      this.log.info('worker_joined', { workerId: id, address: info.address });
    }
    this.term.scheduler.setWorkers([...this.slots.keys()], this.clock.monotonic());
    this.onChange();
  }

  /** A worker is gone: its slot closes and its in-flight queries go back to their Trackers. */
  private lost(workerId: string, reason: string): void {
    const slot = this.slots.get(workerId);
    if (!slot) return;
    this.slots.delete(workerId);
    slot.link.close();
    const requeued = this.requeueFrom(workerId);
    this.term.scheduler.setWorkers([...this.slots.keys()], this.clock.monotonic());
    this.log.warn('worker_lost', { workerId, reason, requeued });
    this.term.events.emit('worker-lost', { workerId, requeued, reason });
  }

  /** A connect failure is strong evidence: re-dispatch that worker's tasks now and back off from it. */
  unreachable(workerId: string): void {
    const slot = this.slots.get(workerId);
    if (!slot) return;
    slot.backoffUntil = this.clock.monotonic() + this.options.workerBackoffMs;
    const requeued = this.requeueFrom(workerId);
    if (requeued > 0) this.term.events.emit('worker-lost', { workerId, requeued, reason: 'unreachable' });
  }

  private requeueFrom(workerId: string): number {
    let n = 0;
    for (const t of this.term.trackers.values()) n += t.workerLost(workerId);
    return n;
  }

  /**
   * Asks every worker to load a model now (add-job, start-job), so a job's first task does not
   * wait for a cold session. Best effort: a worker that fails still loads on its first task, where
   * a failure becomes that task's error.
   */
  warm(model: string): void {
    for (const slot of this.slots.values()) {
      slot.link.loadModel(model, 120_000).catch((err: unknown) => {
        this.log.debug('warm_model_failed', { workerId: slot.info.id, model, error: err });
      });
    }
  }

  /** Every slot, backed off or not. */
  all(): IterableIterator<WorkerSlot> {
    return this.slots.values();
  }

  get size(): number {
    return this.slots.size;
  }

  /** The gRPC address of a worker in the pool, or ''. */
  address(workerId: string): string {
    return this.slots.get(workerId)?.info.address ?? '';
  }

  workers(): WorkerInfo[] {
    return [...this.slots.values()].map((s) => s.info);
  }

  close(): void {
    for (const s of this.slots.values()) s.link.close();
    this.slots.clear();
  }
}
