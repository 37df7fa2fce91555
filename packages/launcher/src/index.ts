export { killOnExit } from './children.js';
export { DEFAULT_DEMO_IMAGE_COUNT, type SyntheticImageOptions, writeSyntheticImages } from './demo-images.js';
export {
  EventTimeoutError,
  ExitedBeforeEventError,
  ExternalRedisError,
  InvalidClusterOptionError,
  RedisNotFoundError,
  RedisStartError,
  UnknownProcessError,
} from './errors.js';
export {
  type ClusterCoordinator,
  type ClusterNode,
  DEFAULT_CLUSTER_COORDINATORS,
  DEFAULT_CLUSTER_READY_TIMEOUT_MS,
  DEFAULT_CLUSTER_STOP_GRACE_MS,
  DEFAULT_CLUSTER_WORKERS,
  type LocalCluster,
  type LocalClusterOptions,
  launchCluster,
  ONE_MACHINE_CLUSTER,
} from './local-cluster.js';
export { inNetns } from './netns.js';
export {
  DEFAULT_EVENT_TIMEOUT_MS,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_STOP_GRACE_MS,
  type NodeProcess,
  type SpawnNodeOptions,
  spawnNode,
  startWorker,
  WORKER_MALLOC_ENV,
} from './node-process.js';
export {
  DEFAULT_REDIS_BIND,
  DEFAULT_REDIS_START_TIMEOUT_MS,
  DEFAULT_REDIS_STOP_GRACE_MS,
  freePort,
  type RedisServer,
  type StartRedisServerOptions,
  startRedisServer,
} from './redis-server.js';
export { REPO_ROOT } from './repo.js';
