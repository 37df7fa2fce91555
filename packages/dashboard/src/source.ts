/**
 * What the dashboard reads from a coordinator: narrow views of @idunno/coordinator's own types
 * (imported as types only, so this package loads neither Redis nor gRPC, and its tests drive it
 * with a plain object). `Coordinator` satisfies `DashboardSource`.
 */
import type {
  CoordinatorEvents,
  JobView,
  MemberView,
  ProcessingSummary,
  Role,
  TrackerStats,
} from '@idunno/coordinator';

export type DashboardRole = Role;

/** The stored job record, as far as the dashboard shows it. */
export type DashboardJobRecord = Pick<
  JobView['job'],
  'jobId' | 'model' | 'state' | 'totalQueries' | 'done' | 'errors'
>;

/** Processing time (C2) of one job's recorded queries. */
export type DashboardProcessing = ProcessingSummary;

/** Live tracker stats: present only on the primary. */
export type DashboardJobStats = TrackerStats;

export interface DashboardJobView {
  job: DashboardJobRecord;
  stats: DashboardJobStats | undefined;
  workers: string[];
}

/** The coordinator events the dashboard logs and counts. */
export type DashboardEvents = Pick<
  CoordinatorEvents,
  'role' | 'job-started' | 'job-completed' | 'worker-lost' | 'worker-joined' | 'redispatch' | 'recorded'
>;

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
export type DashboardMember = Pick<MemberView, 'id' | 'role' | 'state' | 'address' | 'models' | 'labels'>;
