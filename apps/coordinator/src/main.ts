#!/usr/bin/env node
// idunno coordinator: primary or standby, decided by the lease in Redis. Thin: flags → wiring.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { Coordinator, type MemberView, serveControl, type WorkerDirectory } from '@idunno/coordinator';
import { startDashboard } from '@idunno/dashboard';
import { jsonLogger } from '@idunno/log';
import { isProfileName, startMembership } from '@idunno/membership';
import { createRedisStateStore } from '@idunno/state';

const HELP = `usage: idunno-coordinator --redis-url <url> [options]

Runs a coordinator. The first to take the lease in Redis leads (primary); others are hot standbys
that take over when the lease lapses. Serves the control API (gRPC) on --port, joins gossip on
--gossip-port.

options:
  --redis-url <url>        shared state (default $REDIS_URL)
  --host <addr>            address to bind and advertise (default 127.0.0.1)
  --port <n>               control API port (default 0: ephemeral, printed on start)
  --gossip-port <n>        membership UDP port (default 0)
  --seeds <h:p,…>          gossip members to join through (default none: first node)
  --id <name>              node id (default coordinator-<hostname>-<pid>)
  --profile lan|local      timing profile: gossip and lease (default lan)
  --lease-ttl-ms <n>       leader lease TTL (default 2000)
  --max-running-jobs <n>   jobs running at once (default 2)
  --max-in-flight <n>      tasks in flight per worker (default 2: the next batch is on the worker
                           before the current one ends; 1 measures per-query latency unpipelined)
  --dashboard-host <addr>  address the web dashboard binds (default 127.0.0.1)
  --dashboard-port <n>     web dashboard and /metrics port (default 0: ephemeral, printed on start)
  -h, --help               this text

Prints JSON lines on stdout: {"event":"listening",…} once serving, then {"event":"role",…},
{"event":"first-dispatch",…}, {"event":"worker-lost",…}, {"event":"job-completed",…}.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'redis-url': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'gossip-port': { type: 'string', default: '0' },
      seeds: { type: 'string', default: '' },
      id: { type: 'string' },
      profile: { type: 'string', default: 'lan' },
      'lease-ttl-ms': { type: 'string' },
      'max-running-jobs': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'dashboard-host': { type: 'string', default: '127.0.0.1' },
      'dashboard-port': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const redisUrl = values['redis-url'] ?? process.env.REDIS_URL;
  if (!redisUrl) throw new Error('no Redis: pass --redis-url or set REDIS_URL');
  if (!isProfileName(values.profile))
    throw new Error(`--profile must be lan or local, got ${values.profile}`);
  const profile = values.profile;
  const nodeId = values.id ?? `coordinator-${hostname()}-${process.pid}`;
  const log = jsonLogger({ base: { node: nodeId, role: 'coordinator' } });
  const emit = (event: string, fields: object) =>
    process.stdout.write(`${JSON.stringify({ event, node: nodeId, at: Date.now(), ...fields })}\n`);

  const store = await createRedisStateStore({ url: redisUrl, logger: log.child({ part: 'state' }) });
  const membership = await startMembership({
    nodeId,
    bindHost: values.host,
    bindPort: Number(values['gossip-port']),
    seeds: values.seeds.split(',').filter(Boolean),
    meta: { role: 'coordinator', grpcAddress: '', models: [], labels: {} },
    profile,
    logger: log.child({ part: 'membership' }),
  });
  const directory: WorkerDirectory = {
    workers: () =>
      membership
        .members()
        .filter(
          (m) =>
            m.meta.role === 'worker' && (m.state === 'alive' || m.state === 'suspect') && m.meta.grpcAddress,
        )
        .map((m) => ({ id: m.id, address: m.meta.grpcAddress })),
    onChange: (listener) => {
      membership.on('change', () => listener());
    },
  };
  // 2 s for both profiles: a 1-s lease flapped on a 2-core machine saturated by inference.
  const leaseTtlMs = Number(values['lease-ttl-ms'] ?? 2000);
  const coordinator = new Coordinator(
    store,
    directory,
    {
      nodeId,
      controlAddress: '',
      leaseTtlMs,
      ...(values['max-running-jobs'] ? { maxRunningJobs: Number(values['max-running-jobs']) } : {}),
      ...(values['max-in-flight'] ? { maxInFlightPerWorker: Number(values['max-in-flight']) } : {}),
    },
    log,
  );
  // Gossip tells a standby where the leader's control API is and whether it died (early takeover).
  coordinator.peers = {
    controlAddress: (id) => membership.member(id)?.meta.grpcAddress || undefined,
    isDead: (id) => {
      const state = membership.member(id)?.state;
      return state === 'dead' || state === 'left';
    },
  };
  const members = (): MemberView[] =>
    membership.members().map((m) => ({
      id: m.id,
      role: m.meta.role,
      state: m.state,
      address: m.meta.grpcAddress || m.address,
      models: m.meta.models,
      incarnation: m.incarnation,
    }));
  const { server, port } = await serveControl(coordinator, members, values.host, Number(values.port));
  const address = `${values.host}:${port}`;
  coordinator.setControlAddress(address);
  membership.updateMeta({ grpcAddress: address });

  coordinator.on('role', (e) => emit('role', e));
  coordinator.on('first-dispatch', (e) => emit('first-dispatch', e));
  coordinator.on('worker-lost', (e) => emit('worker-lost', e));
  coordinator.on('job-completed', (e) => emit('job-completed', e));
  coordinator.on('job-started', (e) => emit('job-started', e));

  // Web dashboard, SSE and /metrics. Its URL goes into gossip (labels.dashboard) so a page whose
  // coordinator dies can find the others' dashboards, and into the listening line for tests.
  const dashboard = await startDashboard({
    coordinator,
    members: () =>
      membership.members().map((m) => ({
        id: m.id,
        role: m.meta.role,
        state: m.state,
        address: m.meta.grpcAddress || m.address,
        models: m.meta.models,
        labels: m.meta.labels,
      })),
    host: values['dashboard-host'],
    port: Number(values['dashboard-port']),
    logger: log.child({ part: 'dashboard' }),
  });
  membership.updateMeta({ labels: { dashboard: dashboard.url } });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting_down', { signal });
    void (async () => {
      await coordinator.stop();
      await membership.leave().catch(() => {});
      await dashboard.close().catch(() => {});
      server.forceShutdown();
      await store.close().catch(() => {});
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  coordinator.start();
  emit('listening', { address, gossip: membership.address, pid: process.pid, dashboard: dashboard.url });
  log.info('listening', { address, gossip: membership.address });
}

main().catch((err: unknown) => {
  process.stderr.write(`idunno-coordinator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
