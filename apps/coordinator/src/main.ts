#!/usr/bin/env node
// idunno coordinator: primary or standby, decided by the lease in Redis. Flags → node → signals.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { type CoordinatorEvents, createCoordinatorNode, DEFAULT_LEASE_TTL_MS } from '@idunno/coordinator';
import { startDashboard } from '@idunno/dashboard';
import { jsonLogger } from '@idunno/log';
import { isProfileName } from '@idunno/membership';

const HELP = `usage: idunno-coordinator --redis-url <url> [options]

Runs a coordinator. The first to take the lease in Redis leads (primary); others are hot standbys
that take over when the lease lapses. Serves the control API (gRPC) on --port, joins gossip on
--gossip-port.

options:
  --redis-url <url>        shared state (default $REDIS_URL): redis://[:password@]host:port,
                           rediss://… (TLS) or redis+sentinel://[:password@]h:p,h:p/<master name>
  --redis-ca <file>        CA certificate (PEM) of the Redis servers, for TLS (default $REDIS_CA_FILE)
  --host <addr>            address to bind and advertise (default 127.0.0.1)
  --port <n>               control API port (default 0: ephemeral, printed on start)
  --gossip-port <n>        membership UDP port (default 0)
  --seeds <h:p,…>          gossip members to join through (default none: first node)
  --id <name>              node id (default coordinator-<hostname>-<pid>)
  --profile lan|local      timing profile: gossip and lease (default lan)
  --lease-ttl-ms <n>       leader lease TTL (default ${DEFAULT_LEASE_TTL_MS})
  --max-running-jobs <n>   jobs running at once (default 2)
  --max-in-flight <n>      tasks in flight per worker (default 2: the next batch is on the worker
                           before the current one ends; 1 measures per-query latency unpipelined)
  --dashboard-host <addr>  address the web dashboard binds (default 127.0.0.1)
  --dashboard-port <n>     web dashboard and /metrics port (default 0: ephemeral, printed on start)
  -h, --help               this text

Prints JSON lines on stdout: {"event":"listening",…} once serving, then {"event":"role",…},
{"event":"first-dispatch",…}, {"event":"worker-lost",…}, {"event":"job-completed",…}.`;

/** Coordinator events printed on stdout as JSON lines: the launcher and the tests read them. */
const STDOUT_EVENTS = ['role', 'first-dispatch', 'worker-lost', 'job-completed', 'job-started'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'redis-url': { type: 'string' },
      'redis-ca': { type: 'string' },
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
  const caFile = values['redis-ca'] ?? process.env.REDIS_CA_FILE;
  const redisTlsCa = caFile ? readFileSync(caFile, 'utf8') : undefined;
  if (!isProfileName(values.profile))
    throw new Error(`--profile must be lan or local, got ${values.profile}`);
  const nodeId = values.id ?? `coordinator-${hostname()}-${process.pid}`;
  const log = jsonLogger({ base: { node: nodeId, role: 'coordinator' } });
  const emit = (event: string, fields: object) =>
    process.stdout.write(`${JSON.stringify({ event, node: nodeId, at: Date.now(), ...fields })}\n`);

  const node = await createCoordinatorNode({
    nodeId,
    redisUrl,
    ...(redisTlsCa === undefined ? {} : { redisTlsCa }),
    host: values.host,
    port: Number(values.port),
    gossipPort: Number(values['gossip-port']),
    seeds: values.seeds.split(',').filter(Boolean),
    profile: values.profile,
    coordinator: {
      ...(values['lease-ttl-ms'] ? { leaseTtlMs: Number(values['lease-ttl-ms']) } : {}),
      ...(values['max-running-jobs'] ? { maxRunningJobs: Number(values['max-running-jobs']) } : {}),
      ...(values['max-in-flight'] ? { maxInFlightPerWorker: Number(values['max-in-flight']) } : {}),
    },
    dashboard: {
      start: startDashboard,
      host: values['dashboard-host'],
      port: Number(values['dashboard-port']),
    },
    logger: log,
  });
  for (const name of STDOUT_EVENTS) {
    node.coordinator.on(name, (e: CoordinatorEvents[typeof name][0]) => emit(name, e));
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting_down', { signal });
    void node.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  node.start();
  const { address, gossip, dashboardUrl } = node;
  emit('listening', { address, gossip, pid: process.pid, dashboard: dashboardUrl });
  log.info('listening', { address, gossip });
}

main().catch((err: unknown) => {
  process.stderr.write(`idunno-coordinator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
