/**
 * A whole coordinator node, wired: the Redis store, gossip membership, the Coordinator, its
 * control gRPC service and (optionally) the web dashboard. `apps/coordinator` is flags → this →
 * signals. The dashboard is passed in (`startDashboard` from @idunno/dashboard) because the
 * dashboard reads this package's types: importing it here would make the two packages a cycle.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '@idunno/log';
import { type MemberMeta, type ProfileName, startMembership } from '@idunno/membership';
import { createRedisStateStore } from '@idunno/state';
import { serveControl } from './control-service.js';
import { Coordinator } from './coordinator.js';
import { gossipPeerView, gossipWorkerDirectory, type MemberView, memberViews } from './gossip-directory.js';
import type { CoordinatorOptions } from './options.js';

/** Starts a dashboard over a coordinator (the shape of @idunno/dashboard's `startDashboard`). */
export type DashboardStarter = (options: {
  coordinator: Coordinator;
  members: () => MemberView[];
  host: string;
  port: number;
  logger: Logger;
}) => Promise<{ readonly url: string; close(): Promise<void> }>;

export interface CoordinatorNodeOptions {
  nodeId: string;
  /** The store (see @idunno/state's `RedisStateStoreOptions.url`: password, TLS, Sentinel). */
  redisUrl: string;
  /** PEM text of the CA of the Redis servers' TLS certificates, for rediss:// URLs. @default the system's CAs */
  redisTlsCa?: string;
  /** Address to bind and advertise (control API and gossip). */
  host: string;
  /** Control API port; 0 for an ephemeral one. */
  port: number;
  /** Gossip UDP port; 0 for an ephemeral one. */
  gossipPort: number;
  /** Gossip members to join through; empty for the first node. */
  seeds: readonly string[];
  /** Gossip timing profile. */
  profile: ProfileName;
  /** Coordinator options on top of the defaults (lease TTL, jobs at once, tasks in flight). */
  coordinator?: Partial<Omit<CoordinatorOptions, 'nodeId' | 'controlAddress'>>;
  /** The web dashboard and /metrics, when given. */
  dashboard?: { start: DashboardStarter; host: string; port: number };
  logger: Logger;
}

/** A running coordinator node. */
export interface CoordinatorNode {
  readonly coordinator: Coordinator;
  /** `host:port` of the control API, as bound. */
  readonly address: string;
  /** `host:port` of gossip, as bound. */
  readonly gossip: string;
  /** The dashboard's URL, when one runs. */
  readonly dashboardUrl: string | undefined;
  /** Starts the leadership loop (attach event listeners first). */
  start(): void;
  /** Leaves gossip, releases the lease (a primary) and closes everything. */
  stop(): Promise<void>;
}

/**
 * Wires and binds a coordinator node; `start()` begins its leadership loop. Gossip tells a standby where the leader's
 * control API is and whether it died (early takeover); the node publishes its own control
 * address and dashboard URL there.
 */
export async function createCoordinatorNode(o: CoordinatorNodeOptions): Promise<CoordinatorNode> {
  const log = o.logger;
  const store = await createRedisStateStore({
    url: o.redisUrl,
    ...(o.redisTlsCa === undefined ? {} : { tlsCa: o.redisTlsCa }),
    logger: log.child({ part: 'state' }),
  });
  const meta: MemberMeta = { role: 'coordinator', grpcAddress: '', models: [], labels: {} };
  const membership = await startMembership({
    nodeId: o.nodeId,
    bindHost: o.host,
    bindPort: o.gossipPort,
    seeds: o.seeds,
    meta,
    profile: o.profile,
    logger: log.child({ part: 'membership' }),
  }).catch(async (err: unknown) => {
    await store.close().catch(() => {});
    throw err;
  });
  const coordinator = new Coordinator(
    store,
    gossipWorkerDirectory(membership),
    { ...o.coordinator, nodeId: o.nodeId, controlAddress: '' },
    log,
  );
  coordinator.peers = gossipPeerView(membership);
  const members = () => memberViews(membership);
  let server: grpc.Server | undefined;
  let dashboard: Awaited<ReturnType<DashboardStarter>> | undefined;
  const stop = async () => {
    await coordinator.stop();
    await membership.leave().catch(() => {});
    await dashboard?.close().catch(() => {});
    server?.forceShutdown();
    await store.close().catch(() => {});
  };
  try {
    const bound = await serveControl(coordinator, members, o.host, o.port);
    server = bound.server;
    const address = `${o.host}:${bound.port}`;
    coordinator.setControlAddress(address);
    membership.updateMeta({ grpcAddress: address });
    // Its URL goes into gossip (labels.dashboard) so a page whose coordinator dies can find the
    // others' dashboards.
    if (o.dashboard) {
      dashboard = await o.dashboard.start({
        coordinator,
        members,
        host: o.dashboard.host,
        port: o.dashboard.port,
        logger: log.child({ part: 'dashboard' }),
      });
      membership.updateMeta({ labels: { dashboard: dashboard.url } });
    }
    const start = () => coordinator.start();
    return { coordinator, address, gossip: membership.address, dashboardUrl: dashboard?.url, start, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
