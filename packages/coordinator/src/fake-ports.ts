/**
 * Fakes of the coordinator's ports, for unit tests of its parts: a clock whose time moves only
 * when the test says so (with the periodic timers it drives), workers whose replies the test
 * hands out one by one, a leader probe that answers what the test sets, and a Coordinator wired
 * to them. Not exported from the package index.
 */
import * as grpc from '@grpc/grpc-js';
import { serviceError } from '@idunno/client';
import { silentLogger } from '@idunno/log';
import type { LoadModelReply__Output, TaskReply__Output, TaskRequest } from '@idunno/proto';
import type { StateStore } from '@idunno/state';
import { Coordinator } from './coordinator.js';
import type { CoordinatorOptions } from './options.js';
import type { Cancel, Clock, LeaderProbe, ProbeAnswer, Timers, WorkerLink, WorkerLinks } from './ports.js';
import type { CoordinatorEvents } from './term.js';
import { StaticWorkerDirectory, type WorkerInfo } from './workers.js';

/** Monotonic and wall time, and the timers on it, moved by `advance`. */
export class FakeTime implements Clock, Timers {
  private now = 1_000;
  private readonly wallAtZero = 1_780_000_000_000;
  private readonly timers = new Set<{ next: number; every: number; fn: () => void }>();

  monotonic(): number {
    return this.now;
  }

  wall(): number {
    return this.wallAtZero + this.now;
  }

  every(ms: number, fn: () => void): Cancel {
    const timer = { next: this.now + ms, every: ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /**
   * Moves time forward by `ms`, firing each due timer at its own time, in order. Between two
   * firings the event loop turns once, so work a timer started (a Redis call) can make progress.
   */
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      let due: { next: number; every: number; fn: () => void } | undefined;
      for (const t of this.timers) if (t.next <= until && (!due || t.next < due.next)) due = t;
      if (!due) break;
      this.now = Math.max(this.now, due.next);
      due.next += due.every;
      due.fn();
      await new Promise((r) => setImmediate(r));
    }
    this.now = until;
  }
}

/** A task the fake worker holds until the test answers it. */
export interface HeldTask {
  task: TaskRequest;
  reply(results?: TaskReply__Output['results']): void;
  fail(err: grpc.ServiceError): void;
}

/** A worker that answers nothing by itself: the test replies to or fails each held task. */
export class FakeWorker implements WorkerLink {
  readonly held: HeldTask[] = [];
  readonly loads: string[] = [];
  /** Answers every task as soon as it arrives (a healthy worker), when set. */
  auto: ((task: TaskRequest) => TaskReply__Output['results'] | grpc.ServiceError) | undefined;
  closed = false;

  constructor(readonly address: string) {}

  runTask(task: TaskRequest): Promise<TaskReply__Output> {
    return new Promise((resolve, reject) => {
      const reply = (results = okResults(task)) =>
        resolve({ taskId: task.taskId ?? '', results, workerId: this.address, epoch: Number(task.epoch) });
      if (this.closed) return reject(serviceError(grpc.status.UNAVAILABLE, 'link closed'));
      const answer = this.auto?.(task);
      if (answer instanceof Error) return reject(answer);
      if (answer) return reply(answer);
      this.held.push({ task, reply, fail: reject });
    });
  }

  loadModel(model: string): Promise<LoadModelReply__Output> {
    this.loads.push(model);
    return Promise.resolve({ model, loadMs: 0, alreadyLoaded: true });
  }

  /** Takes the oldest held task (to answer it), or undefined. */
  take(): HeldTask | undefined {
    return this.held.shift();
  }

  close(): void {
    this.closed = true;
  }
}

/** One query's result as a worker returns it: a deterministic top-1 from the query id. */
export function okResults(task: TaskRequest): TaskReply__Output['results'] {
  return (task.queries ?? []).map((q) => ({
    queryId: q.queryId ?? '',
    topK: [{ index: Number(q.queryId) % 1000, label: `class-${q.queryId}`, probability: 0.9 }],
    error: null,
    timings: { fetchMs: 0.1, preprocessMs: 0.2, inferenceMs: 1, queueMs: 0 },
  }));
}

/** Hands out one FakeWorker per address, kept for the test to drive. */
export class FakeWorkerLinks implements WorkerLinks {
  readonly workers = new Map<string, FakeWorker>();
  connect(address: string): FakeWorker {
    const w = new FakeWorker(address);
    this.workers.set(address, w);
    return w;
  }
  get(address: string): FakeWorker {
    const w = this.workers.get(address);
    if (!w) throw new Error(`no link to ${address} was opened`);
    return w;
  }
}

/** Answers every probe with `answer`, and counts them. */
export class FakeLeaderProbe implements LeaderProbe {
  answer: ProbeAnswer = 'answered';
  probes = 0;
  probe(): Promise<ProbeAnswer> {
    this.probes++;
    return Promise.resolve(this.answer);
  }
  close(): void {}
}

/** A coordinator on fake ports that leads (its lease outlives a test), and what the test drives. */
export interface FakePrimary {
  c: Coordinator;
  time: FakeTime;
  links: FakeWorkerLinks;
  directory: StaticWorkerDirectory;
  events: { name: keyof CoordinatorEvents; e: unknown }[];
  stop(): Promise<void>;
}

/**
 * Starts a Coordinator over `store` (a real Redis in tests) and fake workers, and resolves once it
 * leads. Workers are given as ids (their address is the id) or as WorkerInfo.
 */
export async function startFakePrimary(
  store: StateStore,
  workers: readonly (string | WorkerInfo)[],
  options: Partial<CoordinatorOptions> = {},
): Promise<FakePrimary> {
  const time = new FakeTime();
  const links = new FakeWorkerLinks();
  const directory = new StaticWorkerDirectory(
    workers.map((w) => (typeof w === 'string' ? { id: w, address: w } : w)),
  );
  const c = new Coordinator(
    store,
    directory,
    { nodeId: 'c1', controlAddress: '', leaseTtlMs: 60_000, ...options },
    silentLogger,
    { clock: time, timers: time, workerLinks: links, leaderProbe: new FakeLeaderProbe() },
  );
  const events: FakePrimary['events'] = [];
  for (const name of ['role', 'redispatch', 'worker-lost', 'job-completed'] as const)
    c.on(name, (e: unknown) => events.push({ name, e }));
  const leads = new Promise<void>((resolve) => c.on('role', (e) => e.role === 'primary' && resolve()));
  c.start();
  await leads;
  return { c, time, links, directory, events, stop: () => c.stop() };
}
