import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  type CoordinatorHandlers,
  type CoordJobInfo,
  type CoordLeaderInfo,
  coordinatorProto,
} from '@idunno/proto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, connectLeader, pickLeader } from './cluster-client.js';
import { findClusterFile, resolveCoordinators } from './cluster-file.js';
import {
  ClusterConfigError,
  ControlRequestError,
  NoClusterError,
  NoCoordinatorError,
  NoLeaderError,
  NotLeaderError,
  StaleEpochError,
  toServiceError,
} from './errors.js';

// ---- a fake coordinator: real gRPC on 127.0.0.1, the behaviour a test needs ------------------

interface FakeState {
  nodeId: string;
  isLeader: boolean;
  leaderId: string;
  epoch: number;
  /** Job ids this fake has been asked to start. */
  started: string[];
  /** Leader() calls answered so far. */
  probes: number;
  /** Called after each Leader() answer (a test flips the state once it has been probed). */
  onProbe?: (state: FakeState) => void;
  /** When set, StartJob fails with it. */
  startError?: grpc.ServiceError;
}

interface Fake {
  address: string;
  state: FakeState;
  close: () => Promise<void>;
}

const fakes: Fake[] = [];

async function fakeCoordinator(init: Partial<FakeState> & { nodeId: string }): Promise<Fake> {
  const state: FakeState = { isLeader: false, leaderId: '', epoch: 1, started: [], probes: 0, ...init };
  const job = (jobId: string, st = 'running'): CoordJobInfo => ({
    jobId,
    model: 'm',
    state: st,
    batchSize: 8,
  });
  // A standby refuses as the real control service does: the typed error in trailing metadata.
  const notLeader = () =>
    toServiceError(new NotLeaderError(state.nodeId, state.leaderId || null), grpc.status.FAILED_PRECONDITION);
  const handlers: CoordinatorHandlers = {
    Leader: (_call, cb) => {
      cb(null, {
        nodeId: state.nodeId,
        isLeader: state.isLeader,
        leaderId: state.leaderId,
        epoch: state.epoch,
        controlAddress: '',
      } satisfies CoordLeaderInfo);
      state.probes++;
      state.onProbe?.(state);
    },
    StartJob: (call, cb) => {
      if (!state.isLeader) return cb(notLeader());
      if (state.startError) return cb(state.startError);
      state.started.push(call.request.jobId);
      cb(null, job(call.request.jobId));
    },
    StopJob: (call, cb) => (state.isLeader ? cb(null, job(call.request.jobId, 'stopped')) : cb(notLeader())),
    AddJob: (call, cb) => (state.isLeader ? cb(null, job(call.request.jobId, 'added')) : cb(notLeader())),
    SetBatchSize: (call, cb) => (state.isLeader ? cb(null, job(call.request.jobId)) : cb(notLeader())),
    GetJobStats: (_call, cb) =>
      cb(null, { jobs: [], leaderId: state.isLeader ? state.nodeId : state.leaderId, epoch: state.epoch }),
    GetAssignedWorkers: (_call, cb) => cb(null, { jobs: [] }),
    GetResults: (_call, cb) => cb(null, { results: [], totalRecorded: 0 }),
    Members: (_call, cb) =>
      cb(null, {
        members: [{ id: state.nodeId, role: 'coordinator', state: 'alive', leader: state.isLeader }],
      }),
  };
  const server = new grpc.Server();
  server.addService(coordinatorProto().idunno.coordinator.v1.Coordinator.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const fake: Fake = {
    address: `127.0.0.1:${port}`,
    state,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
  fakes.push(fake);
  return fake;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A refusal without idunno metadata, as a server that predates it (or a stranger) would send. */
function bare(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

const clients: ClusterClient[] = [];
function client(addresses: string[], retryMs = 2000): ClusterClient {
  const c = new ClusterClient(addresses, { retryMs, retryIntervalMs: 50, probeTimeoutMs: 1500 });
  clients.push(c);
  return c;
}

/**
 * A coordinator that is there but never answers: TCP connects (the kernel accepts), no HTTP/2
 * reply ever comes, so a call to it ends only at its deadline, as on a dark or hung host.
 */
async function silentCoordinator(): Promise<string> {
  const sockets = new Set<Socket>();
  const srv = createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  silents.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => srv.close(() => r()));
  });
  return `127.0.0.1:${(srv.address() as { port: number }).port}`;
}
const silents: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  await Promise.all(silents.splice(0).map((close) => close()));
});

// ---- discovery ---------------------------------------------------------------------------------

describe('finding the coordinators', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'idunno-cli-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds .idunno/cluster.json in a parent directory', () => {
    mkdirSync(join(root, '.idunno'));
    writeFileSync(
      join(root, '.idunno', 'cluster.json'),
      JSON.stringify({
        coordinators: ['127.0.0.1:7001', '127.0.0.1:7002'],
        redisUrl: 'redis://x',
        workers: [],
      }),
    );
    const deep = join(root, 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    expect(findClusterFile(deep)).toBe(join(root, '.idunno', 'cluster.json'));
    expect(resolveCoordinators({ env: {}, cwd: deep })).toEqual({
      addresses: ['127.0.0.1:7001', '127.0.0.1:7002'],
      origin: join(root, '.idunno', 'cluster.json'),
    });
  });

  it('lets IDUNNO_COORDINATORS override the cluster file', () => {
    expect(resolveCoordinators({ env: { IDUNNO_COORDINATORS: ' h1:1 , h2:2,' }, cwd: root })).toEqual({
      addresses: ['h1:1', 'h2:2'],
      origin: 'IDUNNO_COORDINATORS',
    });
  });

  it('refuses an address without a port', () => {
    expect(() => resolveCoordinators({ env: { IDUNNO_COORDINATORS: 'localhost' } })).toThrow(
      'IDUNNO_COORDINATORS: "localhost" is not a host:port address',
    );
  });

  it('says how to start a cluster when none is found', () => {
    const lonely = mkdtempSync(join(tmpdir(), 'idunno-none-'));
    try {
      // tmpdir's parents have no .idunno (unless someone ran `up` in /tmp: then this finds it).
      if (findClusterFile(lonely)) return;
      const err = (() => {
        try {
          resolveCoordinators({ env: {}, cwd: lonely });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(NoClusterError);
      expect((err as NoClusterError).message).toBe(
        'no cluster found: run `pnpm idunno up` in this directory or set IDUNNO_COORDINATORS',
      );
      expect((err as NoClusterError).exitCode).toBe(3);
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });

  it('names a malformed cluster file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idunno-bad-'));
    try {
      mkdirSync(join(dir, '.idunno'));
      writeFileSync(join(dir, '.idunno', 'cluster.json'), '{"coordinators": 5}');
      expect(() => resolveCoordinators({ env: {}, cwd: dir })).toThrow(ClusterConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- leader selection --------------------------------------------------------------------------

describe('choosing the leader', () => {
  it('picks the coordinator that leads with the highest epoch', () => {
    const info = (nodeId: string, isLeader: boolean, epoch: number) => ({
      address: nodeId,
      info: { nodeId, isLeader, epoch, leaderId: '', controlAddress: '' },
    });
    expect(pickLeader([info('a', true, 3), info('b', true, 4), info('c', false, 9)])?.address).toBe('b');
    expect(pickLeader([info('a', false, 3), { address: 'x', error: 'refused' }])).toBeUndefined();
  });

  it('fails with exit 3 naming the addresses when no coordinator answers, within two seconds', async () => {
    const ports = [await closedPort(), await closedPort()];
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    const started = Date.now();
    const err = await connectLeader(addresses, { retryMs: 5000 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(NoCoordinatorError);
    const message = (err as Error).message;
    for (const a of addresses) expect(message).toContain(`${a} (connection refused)`);
    expect((err as NoCoordinatorError).exitCode).toBe(3);
  });

  it('sends changes to the leader, not to a standby listed first', async () => {
    const standby = await fakeCoordinator({ nodeId: 'c1', leaderId: 'c2' });
    const leader = await fakeCoordinator({ nodeId: 'c2', isLeader: true, epoch: 2 });
    const c = client([standby.address, leader.address]);
    const job = await c.change((conn) => conn.startJob('j1'));
    expect(job.state).toBe('running');
    expect(leader.state.started).toEqual(['j1']);
    expect(standby.state.started).toEqual([]);
  });

  it('waits for a takeover: retries until a coordinator leads', async () => {
    const a = await fakeCoordinator({ nodeId: 'c1' });
    // c2 takes the lead after it has answered two probe rounds as a standby.
    const b = await fakeCoordinator({
      nodeId: 'c2',
      onProbe: (st) => {
        if (st.probes === 2) Object.assign(st, { isLeader: true, epoch: 5 });
      },
    });
    const c = client([a.address, b.address], 3000);
    await c.change((conn) => conn.startJob('j2'));
    expect(b.state.probes).toBeGreaterThanOrEqual(3);
    expect(b.state.started).toEqual(['j2']);
  });

  it('retries a change the chosen coordinator refuses as a standby (deposed between probe and call)', async () => {
    const old = await fakeCoordinator({ nodeId: 'c1', isLeader: true, epoch: 1 });
    const next = await fakeCoordinator({ nodeId: 'c2', epoch: 1 });
    const c = client([old.address, next.address], 3000);
    await c.leader(); // caches c1
    old.state.isLeader = false;
    old.state.leaderId = 'c2';
    next.state.isLeader = true;
    next.state.epoch = 2;
    await c.change((conn) => conn.startJob('j3'));
    expect(next.state.started).toEqual(['j3']);
  });

  it('retries a change a deposed leader refuses with a stale epoch (its fenced write was refused)', async () => {
    const old = await fakeCoordinator({ nodeId: 'c1', isLeader: true, epoch: 1 });
    const next = await fakeCoordinator({ nodeId: 'c2', epoch: 2 });
    const c = client([old.address, next.address], 3000);
    await c.leader(); // caches c1
    old.state.startError = toServiceError(new StaleEpochError(1, 2), grpc.status.FAILED_PRECONDITION);
    old.state.isLeader = false;
    next.state.isLeader = true;
    await c.change((conn) => conn.startJob('j4'));
    expect(next.state.started).toEqual(['j4']);
  });

  it('does not read refusal text: a bare FAILED_PRECONDITION saying "is a standby" is not retried', async () => {
    const leader = await fakeCoordinator({
      nodeId: 'c1',
      isLeader: true,
      startError: bare(grpc.status.FAILED_PRECONDITION, 'coordinator c1 is a standby; the leader is c2'),
    });
    const err = await client([leader.address], 3000)
      .change((conn) => conn.startJob('j'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlRequestError);
    expect((err as ControlRequestError).remote).toBeUndefined();
    expect(leader.state.started).toEqual([]);
  });

  it('gives up with exit 3 when coordinators answer but none leads', async () => {
    const a = await fakeCoordinator({ nodeId: 'c1' });
    const err = await client([a.address], 300)
      .change((conn) => conn.startJob('j'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoLeaderError);
    expect((err as NoLeaderError).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/no coordinator leads after 0\.\d s \(answering: c1 standby\)/);
  });

  it('does not retry a refusal that is not about leadership, and reports its details (exit 1)', async () => {
    const leader = await fakeCoordinator({
      nodeId: 'c1',
      isLeader: true,
      startError: toServiceError(
        Object.assign(new Error('job j has already completed; add a new job to run it again'), {
          name: 'JobCompletedError',
          jobId: 'j',
        }),
        grpc.status.FAILED_PRECONDITION,
      ),
    });
    const err = await client([leader.address], 3000)
      .change((conn) => conn.startJob('j'))
      .catch((e: unknown) => e);
    expect(leader.state.probes).toBe(1);
    expect(err).toBeInstanceOf(ControlRequestError);
    const refused = err as ControlRequestError;
    expect(refused.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(refused.message).toBe('job j has already completed; add a new job to run it again');
    expect(refused.exitCode).toBe(1);
    expect(refused.remote).toEqual({ name: 'JobCompletedError', fields: { jobId: 'j' } });
  });

  it('reads from a standby when the leader does not answer', async () => {
    const standby = await fakeCoordinator({ nodeId: 'c2', leaderId: 'c1', epoch: 3 });
    const dead = `127.0.0.1:${await closedPort()}`;
    const r = await client([dead, standby.address]).read(async (conn, info) => ({
      stats: await conn.stats(),
      from: info.nodeId,
    }));
    expect(r.from).toBe('c2');
    expect(r.stats.epoch).toBe(3);
  });

  it('does not wait out a silent coordinator once the leader has answered (a dark host)', async () => {
    const silent = await silentCoordinator();
    const leader = await fakeCoordinator({ nodeId: 'c2', isLeader: true, epoch: 4 });
    // A probe deadline far beyond the test's own timeout: only the settle window may be waited.
    const c = new ClusterClient([silent, leader.address], { probeTimeoutMs: 60_000, leaderSettleMs: 50 });
    clients.push(c);
    const from = await c.read(async (_conn, info) => info.nodeId);
    expect(from).toBe('c2');
    const probes = await c.probe();
    expect(probes.find((p) => p.address === silent)).toEqual({ address: silent, error: 'no answer yet' });
    await c.change((conn) => conn.startJob('j5'));
    expect(leader.state.started).toEqual(['j5']);
  }, 10_000);

  it('still prefers the higher epoch when two claim the lead within the settle window', async () => {
    const stale = await fakeCoordinator({ nodeId: 'old', isLeader: true, epoch: 3 });
    const current = await fakeCoordinator({ nodeId: 'new', isLeader: true, epoch: 4 });
    const c = client([stale.address, current.address]);
    expect((await c.leader()).info.nodeId).toBe('new');
  });

  it('reads from the leader when both answer', async () => {
    const standby = await fakeCoordinator({ nodeId: 'c1', leaderId: 'c2' });
    const leader = await fakeCoordinator({ nodeId: 'c2', isLeader: true });
    const from = await client([standby.address, leader.address]).read(async (_c, info) => info.nodeId);
    expect(from).toBe('c2');
  });
});
