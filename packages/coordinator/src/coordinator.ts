/**
 * One coordinator process's brain, as a facade over its parts (each a file with one job):
 * - `leadership.ts`: the lease loop, the probe of the leader, takeover; decides when this node leads;
 * - `term.ts`: the shared context of a term: epoch, Trackers, Scheduler, fencing → demote;
 * - `worker-pool.ts`: the workers gossip lists, their links and backoff;
 * - `dispatcher.ts`: a task from send to recorded or requeued;
 * - `job-control.ts`: add, start, stop, batch size, and loading the jobs when a term begins;
 * - `job-views.ts`: what readers see.
 * Whether it is primary or standby is decided by the lease in Redis, never by configuration.
 */
import { EventEmitter } from 'node:events';
import { type Logger, silentLogger } from '@idunno/log';
import { Scheduler } from '@idunno/scheduler';
import type { JobRecord, StateStore } from '@idunno/state';
import { Dispatcher } from './dispatcher.js';
import { type AddJobRequest, JobControl } from './job-control.js';
import { type JobAssignment, type JobView, JobViews } from './job-views.js';
import { Leadership, type PeerView } from './leadership.js';
import { StateMirror } from './mirror.js';
import { type CoordinatorOptions, resolveCoordinatorOptions } from './options.js';
import { type Cancel, type CoordinatorPorts, realPorts } from './ports.js';
import { type CoordinatorEvents, type Role, Term } from './term.js';
import { WorkerPool } from './worker-pool.js';
import type { WorkerDirectory, WorkerInfo } from './workers.js';

export class Coordinator extends EventEmitter<CoordinatorEvents> {
  readonly options: CoordinatorOptions;
  /** Warm copy of the shared state, following Redis's change stream. */
  readonly mirror: StateMirror;
  private readonly ports: CoordinatorPorts;
  private readonly term: Term;
  private readonly leadership: Leadership;
  private readonly pool: WorkerPool;
  private readonly dispatcher: Dispatcher;
  private readonly control: JobControl;
  private readonly views: JobViews;
  private cancels: Cancel[] = [];

  constructor(
    store: StateStore,
    directory: WorkerDirectory,
    options: Partial<CoordinatorOptions> & { nodeId: string; controlAddress: string },
    logger: Logger = silentLogger,
    ports: Partial<CoordinatorPorts> = {},
  ) {
    super();
    this.options = resolveCoordinatorOptions(options);
    const o = this.options;
    this.ports = { ...realPorts(), ...ports };
    const { clock } = this.ports;
    this.mirror = new StateMirror(store, logger.child({ part: 'mirror' }));
    const scheduler = new Scheduler({
      maxRunningJobs: o.maxRunningJobs,
      rebalanceIntervalMs: o.rebalanceIntervalMs,
    });
    this.term = new Term(o.nodeId, scheduler, clock, this, logger);
    this.pool = new WorkerPool(this.term, directory, this.ports.workerLinks, clock, o, logger);
    this.leadership = new Leadership(
      this.term,
      store,
      clock,
      this.ports.leaderProbe,
      o,
      { promote: (epoch) => this.promote(epoch) },
      logger,
    );
    this.dispatcher = new Dispatcher(this.term, this.pool, store, this.leadership, clock, o, logger);
    this.control = new JobControl(
      this.term,
      store,
      this.mirror,
      this.pool,
      this.dispatcher,
      clock,
      o,
      logger,
    );
    this.views = new JobViews(this.term, store, this.mirror, this.pool, clock);
    this.pool.onChange = () => this.dispatcher.pump();
  }

  /** Gossip's view of the other coordinators (set by the node): enables the early takeover. */
  set peers(view: PeerView | undefined) {
    this.leadership.peers = view;
  }

  get peers(): PeerView | undefined {
    return this.leadership.peers;
  }

  /** Where this coordinator's control API listens, once bound (reported by Leader()). */
  setControlAddress(address: string): void {
    this.options.controlAddress = address;
  }

  get role(): Role {
    return this.term.role;
  }

  get epoch(): number {
    return this.term.epoch;
  }

  get leader(): string | null {
    return this.term.leader;
  }

  /** Starts the leadership loop (and, once leading, dispatching). */
  start(): void {
    const { timers } = this.ports;
    const o = this.options;
    this.mirror.start();
    this.cancels.push(
      timers.every(o.leaseTickMs, () => void this.leadership.tick()),
      timers.every(o.pumpIntervalMs, () => this.dispatcher.housekeeping()),
      timers.every(o.probeIntervalMs, () => void this.leadership.probeLeader()),
      timers.every(o.rebalanceIntervalMs, () => {
        if (this.term.isPrimary) this.term.scheduler.rebalance(this.ports.clock.monotonic());
      }),
    );
    void this.leadership.tick();
  }

  /** Stops timers; a primary releases its lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.mirror.stop();
    for (const cancel of this.cancels) cancel();
    this.cancels = [];
    await this.leadership.stop();
    this.pool.close();
  }

  /** Becomes primary at `epoch`: loads running jobs, re-dispatches every query without an outcome. */
  private async promote(epoch: number): Promise<void> {
    this.term.prepare(epoch);
    this.dispatcher.expectFirstDispatch();
    await this.control.loadRunningJobs(epoch);
    this.term.lead();
    this.pool.sync();
    await this.control.scheduleLoadedJobs();
    this.term.log.info('promoted', { epoch, runningJobs: this.term.trackers.size });
    this.emit('role', { role: 'primary', epoch });
    this.dispatcher.pump();
  }

  /** Fills every free worker slot now. */
  pump(): void {
    this.dispatcher.pump();
  }

  // ---- control operations (primary only) ----

  addJob(req: AddJobRequest): Promise<JobRecord> {
    return this.control.addJob(req);
  }

  startJob(jobId: string): Promise<JobRecord> {
    return this.control.startJob(jobId);
  }

  stopJob(jobId: string): Promise<JobRecord> {
    return this.control.stopJob(jobId);
  }

  setBatchSize(jobId: string, batchSize: number): Promise<JobRecord> {
    return this.control.setBatchSize(jobId, batchSize);
  }

  // ---- reads ----

  jobs(jobId?: string): Promise<JobView[]> {
    return this.views.jobs(jobId);
  }

  workersOf(jobId: string): string[] {
    return this.views.workersOf(jobId);
  }

  assignment(): JobAssignment[] {
    return this.views.assignment();
  }

  results(
    jobId: string,
    offset: number,
    limit: number,
  ): Promise<{ queryId: string; uri: string; kind: string; payload: string }[]> {
    return this.views.results(jobId, offset, limit);
  }

  workerList(): WorkerInfo[] {
    return this.views.workerList();
  }
}
