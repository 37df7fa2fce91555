import { mulberry32 } from '@idunno/random';
import type { SchedulerOptions } from './options.js';
import { Scheduler } from './scheduler.js';

/**
 * A deterministic discrete-event simulation of a coordinator driving the {@link Scheduler}: a fake
 * clock, workers with a speed factor and 1–2 batch slots, jobs with a true cost per query. When a
 * slot frees it asks `nextJob`, runs a batch of the job's batch size taking
 * `batch × trueCost × msPerCost × speed × noise` ms, then reports `recordCompletion`. `rebalance`
 * runs every `rebalanceIntervalMs`. Rates are measured independently of the Scheduler, by counting
 * completions in a trailing window, once per `sampleEveryMs`. Used by the tests and by benchmarks.
 */

export interface SimWorker {
  readonly id: string;
  /** Service-time multiplier: 1 nominal, 2 half as fast. @default 1 */
  readonly speed?: number;
  /** Batch slots run in parallel. @default 1 */
  readonly slots?: number;
  /** Joins (becomes alive) at this time. @default 0 */
  readonly joinAtMs?: number;
  /** Dies at this time: in-flight batches are lost; membership notices `detectionDelayMs` later. */
  readonly dieAtMs?: number;
  /** Speed changes: from `atMs` on, batches started use `speed`. */
  readonly speedChanges?: readonly { readonly atMs: number; readonly speed: number }[];
}

export interface SimJob {
  readonly jobId: string;
  /** What the Scheduler is told. */
  readonly expectedCost: number;
  /** What a query really costs. @default expectedCost */
  readonly trueCost?: number;
  /** @default 0 */
  readonly startAtMs?: number;
  /** @default never */
  readonly stopAtMs?: number;
  /** Queries per batch. @default 4 */
  readonly batchSize?: number;
}

export interface SimulationConfig {
  readonly workers: readonly SimWorker[];
  readonly jobs: readonly SimJob[];
  readonly durationMs: number;
  /** Service ms per query of cost 1 at speed 1. @default 10 */
  readonly msPerCost?: number;
  /** Relative standard deviation of each batch's service time (uniform). @default 0.1 */
  readonly noise?: number;
  /** @default 1 */
  readonly seed?: number;
  /** Delay between a worker dying and `setWorkers` without it. @default 0 */
  readonly detectionDelayMs?: number;
  /** @default 1000 */
  readonly sampleEveryMs?: number;
  readonly scheduler?: Partial<SchedulerOptions>;
  /** Called after every rebalance, e.g. to check invariants. */
  readonly onRebalance?: (scheduler: Scheduler, now: number) => void;
}

export interface SimSample {
  readonly t: number;
  /** Queries/s per running job over the trailing window (or since the job started). */
  readonly rates: Readonly<Record<string, number>>;
}

export interface SimulationResult {
  readonly samples: readonly SimSample[];
  readonly scheduler: Scheduler;
  /** Queries completed per worker per job. */
  readonly completed: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Batches started per worker after it was removed from membership (must be 0). */
  readonly batchesAfterRemoval: number;
  /** Per worker, the time of its first batch start. */
  readonly firstBatchAt: Readonly<Record<string, number>>;
}

type SimEvent =
  | { kind: 'complete'; worker: string; jobId: string; queries: number; busyMs: number; epoch: number }
  | { kind: 'rebalance' }
  | { kind: 'sample' }
  | { kind: 'membership' }
  | { kind: 'die'; worker: string }
  | { kind: 'join'; worker: string }
  | { kind: 'jobStart'; job: SimJob }
  | { kind: 'jobStop'; job: SimJob }
  | { kind: 'speed'; worker: string; speed: number };

interface Timed {
  readonly t: number;
  readonly seq: number;
  readonly ev: SimEvent;
}

/** Binary min-heap on (t, seq): ties resolve in insertion order, so runs are deterministic. */
class EventQueue {
  readonly #heap: Timed[] = [];
  #seq = 0;
  push(t: number, ev: SimEvent): void {
    const h = this.#heap;
    h.push({ t, seq: this.#seq++, ev });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): Timed | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}

function before(a: Timed, b: Timed): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

interface WorkerState {
  readonly spec: SimWorker;
  speed: number;
  alive: boolean;
  member: boolean;
  /** Bumped on death so completions of lost batches are dropped. */
  epoch: number;
  idleSlots: number;
}

/** Runs the simulation to `durationMs`. */
export function simulate(config: SimulationConfig): SimulationResult {
  const scheduler = new Scheduler(config.scheduler ?? {});
  const windowMs = scheduler.options.windowMs;
  const rebalanceMs = scheduler.options.rebalanceIntervalMs;
  const msPerCost = config.msPerCost ?? 10;
  const noise = config.noise ?? 0.1;
  const random = mulberry32(config.seed ?? 1);
  const sampleEveryMs = config.sampleEveryMs ?? 1000;
  const detectionDelayMs = config.detectionDelayMs ?? 0;
  const q = new EventQueue();
  const workers = new Map<string, WorkerState>();
  const jobs = new Map<string, { spec: SimJob; startedAt: number; done: { t: number; n: number }[] }>();
  const completed: Record<string, Record<string, number>> = {};
  const firstBatchAt: Record<string, number> = {};
  let batchesAfterRemoval = 0;
  const samples: SimSample[] = [];

  for (const w of config.workers) {
    workers.set(w.id, { spec: w, speed: w.speed ?? 1, alive: false, member: false, epoch: 0, idleSlots: 0 });
    completed[w.id] = {};
    q.push(w.joinAtMs ?? 0, { kind: 'join', worker: w.id });
    if (w.dieAtMs !== undefined) q.push(w.dieAtMs, { kind: 'die', worker: w.id });
    for (const c of w.speedChanges ?? []) q.push(c.atMs, { kind: 'speed', worker: w.id, speed: c.speed });
  }
  for (const j of config.jobs) {
    q.push(j.startAtMs ?? 0, { kind: 'jobStart', job: j });
    if (j.stopAtMs !== undefined) q.push(j.stopAtMs, { kind: 'jobStop', job: j });
  }
  q.push(rebalanceMs, { kind: 'rebalance' });
  q.push(sampleEveryMs, { kind: 'sample' });

  const members = (): string[] => [...workers.values()].filter((w) => w.member).map((w) => w.spec.id);

  const startBatch = (w: WorkerState, now: number): boolean => {
    const jobId = scheduler.nextJob(w.spec.id, now);
    if (jobId === undefined) return false;
    const job = jobs.get(jobId)!;
    if (!w.member) batchesAfterRemoval++;
    if (firstBatchAt[w.spec.id] === undefined) firstBatchAt[w.spec.id] = now;
    const n = job.spec.batchSize ?? 4;
    const jitter = 1 + noise * Math.sqrt(3) * (2 * random() - 1);
    const busyMs =
      n * (job.spec.trueCost ?? job.spec.expectedCost) * msPerCost * w.speed * Math.max(0.05, jitter);
    q.push(now + busyMs, { kind: 'complete', worker: w.spec.id, jobId, queries: n, busyMs, epoch: w.epoch });
    return true;
  };
  const fillIdle = (now: number): void => {
    for (const w of workers.values()) {
      while (w.alive && w.idleSlots > 0 && startBatch(w, now)) w.idleSlots--;
    }
  };

  for (let ev = q.pop(); ev !== undefined && ev.t <= config.durationMs; ev = q.pop()) {
    const now = ev.t;
    const e = ev.ev;
    switch (e.kind) {
      case 'complete': {
        const w = workers.get(e.worker)!;
        if (!w.alive || e.epoch !== w.epoch) break; // lost with the worker
        const job = jobs.get(e.jobId);
        if (job !== undefined) {
          job.done.push({ t: now, n: e.queries });
          const perWorker = completed[e.worker]!;
          perWorker[e.jobId] = (perWorker[e.jobId] ?? 0) + e.queries;
        }
        scheduler.recordCompletion(
          { jobId: e.jobId, workerId: e.worker, queries: e.queries, busyMs: e.busyMs },
          now,
        );
        if (!startBatch(w, now)) w.idleSlots++;
        break;
      }
      case 'rebalance':
        scheduler.rebalance(now);
        config.onRebalance?.(scheduler, now);
        q.push(now + rebalanceMs, { kind: 'rebalance' });
        break;
      case 'sample': {
        const rates: Record<string, number> = {};
        for (const [jobId, job] of jobs) {
          const span = Math.min(windowMs, now - job.startedAt);
          const n = job.done.filter((d) => d.t > now - windowMs).reduce((a, d) => a + d.n, 0);
          rates[jobId] = span > 0 ? (n * 1000) / span : 0;
        }
        samples.push({ t: now, rates });
        q.push(now + sampleEveryMs, { kind: 'sample' });
        break;
      }
      case 'join': {
        const w = workers.get(e.worker)!;
        w.alive = true;
        w.member = true;
        w.idleSlots = w.spec.slots ?? 1;
        scheduler.setWorkers(members(), now);
        fillIdle(now);
        break;
      }
      case 'die': {
        const w = workers.get(e.worker)!;
        w.alive = false;
        w.epoch++;
        w.idleSlots = 0;
        q.push(now + detectionDelayMs, { kind: 'membership' });
        break;
      }
      case 'membership':
        for (const w of workers.values()) if (!w.alive) w.member = false;
        scheduler.setWorkers(members(), now);
        break;
      case 'jobStart':
        jobs.set(e.job.jobId, { spec: e.job, startedAt: now, done: [] });
        scheduler.addJob({ jobId: e.job.jobId, expectedCost: e.job.expectedCost }, now);
        fillIdle(now);
        break;
      case 'jobStop':
        jobs.delete(e.job.jobId);
        scheduler.removeJob(e.job.jobId, now);
        break;
      case 'speed':
        workers.get(e.worker)!.speed = e.speed;
        break;
    }
  }
  return { samples, scheduler, completed, batchesAfterRemoval, firstBatchAt };
}

/** Relative gap between the fastest and slowest job in a sample: (max − min) / max. */
export function rateGap(sample: SimSample): number {
  const rs = Object.values(sample.rates);
  if (rs.length < 2) return 0;
  const max = Math.max(...rs);
  return max > 0 ? (max - Math.min(...rs)) / max : 0;
}

/** Largest {@link rateGap} over samples with `fromMs ≤ t ≤ toMs`. */
export function maxRateGap(result: SimulationResult, fromMs: number, toMs: number): number {
  let gap = 0;
  for (const s of result.samples) if (s.t >= fromMs && s.t <= toMs) gap = Math.max(gap, rateGap(s));
  return gap;
}
