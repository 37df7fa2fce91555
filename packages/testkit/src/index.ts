// Test sugar over @idunno/launcher, for tests and benches only: what they need from the launcher,
// with test defaults where they differ (startRedis, startCluster), plus the one poller (waitFor),
// fixtures, the shared model mirror and photos, what cluster tests do with jobs, and test hosts
// (network namespaces on a private bridge, with faults).
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
  FaultNotSupportedError,
  InvalidFaultError,
  InvalidTestNetworkOptionError,
  NoFreeSubnetError,
  TestNetworkCommandError,
  TestNetworkDestroyedError,
  TestNetworkUnsupportedError,
  UnknownTestHostError,
} from './host-errors.js';
export { type DropRule, FAULT_TABLE, type FaultSpec, HOST_LINK } from './host-faults.js';
export {
  DEFAULT_PROBE_TIMEOUT_MS,
  NET_PROBE_BIN,
  probeTcp,
  probeUdp,
  received,
  sendDatagram,
  startEchoServer,
  type TcpOutcome,
  type UdpOutcome,
} from './host-probes.js';
export {
  type ExecResult,
  type RunOptions,
  type SweepResult,
  sweepStaleTestNetworks,
  type TestNetworkSupport,
  testNetworkSupport,
} from './host-shell.js';
export { TEST_SUBNET_RANGE } from './host-subnet.js';
export {
  createTestNetwork,
  DEFAULT_HOST_COORDINATOR_PORT,
  DEFAULT_HOST_FILE_SERVER_PORT,
  DEFAULT_HOST_GOSSIP_PORT,
  DEFAULT_HOST_REDIS_PORT,
  DEFAULT_HOST_WORKER_PORT,
  DEFAULT_TEST_NETWORK_STOP_GRACE_MS,
  type DelayOptions,
  type FaultHandle,
  FILE_SERVER_BIN,
  type FileServer,
  type HostCoordinatorOptions,
  type HostRedisOptions,
  type HostRef,
  type HostWorkerOptions,
  MAX_TEST_HOSTS,
  TEST_PROCESS_OCTET,
  type TestHost,
  type TestNetwork,
  type TestNetworkOptions,
} from './hosts.js';
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
