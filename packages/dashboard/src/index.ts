export {
  type Dashboard,
  type DashboardOptions,
  DEFAULT_DASHBOARD_HOST,
  DEFAULT_LOG_BACKLOG,
  DEFAULT_SNAPSHOT_INTERVAL_MS,
  InvalidDashboardOptionError,
  startDashboard,
} from './dashboard.js';
export { DashboardMetrics } from './metrics.js';
export { PAGE_HTML } from './page.js';
export {
  DEFAULT_HISTORY_S,
  type JobSnapshot,
  type LogEntry,
  type LogKind,
  type MemberSnapshot,
  Sampler,
  type Snapshot,
  type SourceState,
} from './snapshot.js';
export type {
  DashboardEventName,
  DashboardEvents,
  DashboardJobRecord,
  DashboardJobStats,
  DashboardJobView,
  DashboardMember,
  DashboardProcessing,
  DashboardRole,
  DashboardSource,
} from './source.js';
