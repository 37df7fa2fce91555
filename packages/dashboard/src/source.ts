/**
 * What the dashboard reads from a coordinator. `Coordinator` from @idunno/coordinator satisfies
 * these structurally (checked where apps/coordinator passes one in); declaring them here keeps
 * this package free of Redis and gRPC, so its tests drive it with a plain object.
 */

export type DashboardRole = 'primary' | 'standby';

/** The stored job record, as far as the dashboard shows it. */
export interface DashboardJobRecord {
  jobId: string;
  model: string;
  state: string;
  totalQueries: number;
  /** Queries with an outcome, errors included. */
  done: number;
  errors: number;
}

/** Processing time (C2) of one job's recorded queries. */
export interface DashboardProcessing {
  meanMs: number;
  stddevMs: number;
  medianMs: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Live tracker stats: present only on the primary. */
export interface DashboardJobStats {
  total: number;
  done: number;
  errors: number;
  pending: number;
  inFlight: number;
  rateQps: number;
  processing: DashboardProcessing;
  etaS: number;
  redispatched: number;
}

export interface DashboardJobView {
  job: DashboardJobRecord;
  stats: DashboardJobStats | undefined;
  workers: string[];
}

/** The coordinator events the dashboard logs and counts (a subset of `CoordinatorEvents`). */
export interface DashboardEvents {
  role: [{ role: DashboardRole; epoch: number }];
  'job-started': [{ jobId: string }];
  'job-completed': [{ jobId: string }];
  'worker-lost': [{ workerId: string; requeued: number; reason: string }];
  'worker-joined': [{ workerId: string }];
  redispatch: [{ jobId: string; taskId: string; workerId: string; queries: number; reason: string }];
  recorded: [{ jobId: string; processingMs: number; count: number }];
}

export type DashboardEventName = keyof DashboardEvents;

export interface DashboardSource {
  readonly role: DashboardRole;
  readonly epoch: number;
  /** Node id of the leader, or null while none is known. */
  readonly leader: string | null;
  readonly options: { readonly nodeId: string };
  /** Live stats on the primary; stored counts (from Redis) with `stats: undefined` on a standby. */
  jobs(): Promise<DashboardJobView[]>;
  // One overload per event: a generic `on<K>` does not accept EventEmitter<T>'s conditional listener type.
  on(event: 'role', listener: (...args: DashboardEvents['role']) => void): unknown;
  on(event: 'job-started', listener: (...args: DashboardEvents['job-started']) => void): unknown;
  on(event: 'job-completed', listener: (...args: DashboardEvents['job-completed']) => void): unknown;
  on(event: 'worker-lost', listener: (...args: DashboardEvents['worker-lost']) => void): unknown;
  on(event: 'worker-joined', listener: (...args: DashboardEvents['worker-joined']) => void): unknown;
  on(event: 'redispatch', listener: (...args: DashboardEvents['redispatch']) => void): unknown;
  on(event: 'recorded', listener: (...args: DashboardEvents['recorded']) => void): unknown;
  off(event: 'role', listener: (...args: DashboardEvents['role']) => void): unknown;
  off(event: 'job-started', listener: (...args: DashboardEvents['job-started']) => void): unknown;
  off(event: 'job-completed', listener: (...args: DashboardEvents['job-completed']) => void): unknown;
  off(event: 'worker-lost', listener: (...args: DashboardEvents['worker-lost']) => void): unknown;
  off(event: 'worker-joined', listener: (...args: DashboardEvents['worker-joined']) => void): unknown;
  off(event: 'redispatch', listener: (...args: DashboardEvents['redispatch']) => void): unknown;
  off(event: 'recorded', listener: (...args: DashboardEvents['recorded']) => void): unknown;
}

/** One gossip member. Coordinators publish their dashboard URL as `labels.dashboard`. */
export interface DashboardMember {
  id: string;
  role: string;
  state: string;
  address: string;
  models: readonly string[];
  labels: Readonly<Record<string, string>>;
}
