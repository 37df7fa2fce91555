// Test sugar over @idunno/launcher, for tests and benches only: what they need from the launcher,
// with test defaults where they differ (startRedis, startCluster), plus the one poller (waitFor),
// fixtures, the shared model mirror and photos, and what cluster tests do with jobs.
export {
  freePort,
  type NodeProcess,
  REPO_ROOT,
  type RedisServer,
  type SpawnNodeOptions,
  type StartRedisServerOptions,
  spawnNode,
  startWorker,
  WORKER_MALLOC_ENV,
  writeSyntheticImages,
} from '@idunno/launcher';
export { runCli } from './cli.js';
export { type ClusterOptions, startCluster, startRedis, type TestCluster } from './cluster.js';
export {
  allResults,
  expectExactlyOnce,
  leader,
  listFile,
  mirror,
  mirrorEnv,
  photos,
  type ResultRow,
  reference,
  shared,
  VIT,
  waitCompleted,
} from './cluster-jobs.js';
export { gradientPng, pngBomb } from './fixtures.js';
export {
  MEMBERSHIP_NODE_BIN,
  type MemberStateName,
  MembershipCluster,
  type MembershipClusterOptions,
  MembershipNode,
} from './membership-cluster.js';
export {
  type PromFamily,
  PromParseError,
  type PromSample,
  parsePrometheusText,
  sampleValue,
} from './prometheus-text.js';
export { modelMirror, sharedImages } from './shared.js';
export {
  DEFAULT_WAIT_INTERVAL_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
  type WaitForOptions,
  WaitTimeoutError,
  waitFor,
} from './wait.js';
