#!/usr/bin/env node
// Standalone membership node for real-socket tests and benchmarks. Prints one JSON line
// {"event":"listening",...} and then one JSON line per membership event; SIGTERM/SIGINT leave
// gracefully, then exit 0.
import { parseArgs } from 'node:util';
import { startMembership } from '../node.js';
import { isProfileName } from '../profiles.js';
import type { Role } from '../types.js';

function fail(message: string): never {
  process.stderr.write(`membership node: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    id: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'advertise-host': { type: 'string' },
    seeds: { type: 'string', default: '' },
    profile: { type: 'string', default: 'lan' },
    key: { type: 'string' },
    role: { type: 'string', default: 'worker' },
    'grpc-address': { type: 'string', default: '' },
    models: { type: 'string', default: '' },
  },
});

const id = values.id ?? fail('--id is required');
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port ${values.port} is not a port`);
if (!isProfileName(values.profile)) fail(`--profile must be lan or local, got ${values.profile}`);
if (values.role !== 'worker' && values.role !== 'coordinator') fail('--role must be worker or coordinator');

const write = (line: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ t: Date.now(), id, ...line })}\n`);

const membership = await startMembership({
  nodeId: id,
  bindHost: values.host,
  bindPort: port,
  ...(values['advertise-host'] ? { advertiseHost: values['advertise-host'] } : {}),
  seeds: values.seeds.split(',').filter((s) => s.length > 0),
  profile: values.profile,
  ...(values.key ? { clusterKey: values.key } : {}),
  meta: {
    role: values.role as Role,
    grpcAddress: values['grpc-address'],
    models: values.models.split(',').filter((s) => s.length > 0),
    labels: {},
  },
});

write({ event: 'listening', address: membership.address });
membership.on('change', (e) =>
  write({
    event: e.kind,
    member: e.member.id,
    state: e.member.state,
    incarnation: e.member.incarnation,
    address: e.member.address,
    previous: e.previous ?? null,
  }),
);

let exiting = false;
const shutdown = async () => {
  if (exiting) return;
  exiting = true;
  await membership.leave();
  write({ event: 'exit', counters: membership.counters() });
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
