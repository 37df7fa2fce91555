import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ClusterClient, CoordinatorConnection } from '@idunno/client';
import {
  allResults,
  createTestNetwork,
  expectExactlyOnce,
  FaultNotSupportedError,
  type NodeProcess,
  probeTcp,
  probeUdp,
  REPO_ROOT,
  received,
  sendDatagram,
  spawnNode,
  startEchoServer,
  sweepStaleTestNetworks,
  type TestHost,
  type TestNetwork,
  testNetworkSupport,
  waitCompleted,
  waitFor,
  writeSyntheticImages,
} from '@idunno/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// Test hosts for real: network namespaces on one bridge, nftables faults, real processes in them.
const support = testNetworkSupport();
if (!support.ok) console.warn(`[hosts] skipped: ${support.reason}`);

const ECHO_PORT = 9000;
/** Long enough for a probe to start and connect on a busy machine; a dark host takes all of it. */
const PROBE_MS = 1_500;

/** Namespaces and root-namespace interfaces whose names start with `prefix`. */
function leftovers(prefix: string): { namespaces: string[]; links: string[] } {
  const list = (args: string[]) => {
    const out = spawnSync('ip', ['-j', ...args], { encoding: 'utf8' }).stdout.trim();
    return out === '' ? [] : (JSON.parse(out) as Record<string, unknown>[]);
  };
  return {
    namespaces: list(['netns', 'list'])
      .map((n) => String(n.name))
      .filter((n) => n.startsWith(prefix)),
    links: list(['link', 'show'])
      .map((l) => String(l.ifname))
      .filter((l) => l.startsWith(prefix)),
  };
}

/** Gone, or a zombie nobody has reaped yet: either way it runs no more. */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** A TCP connect from this (the root) namespace: the test process's own client path. */
function connectsFromHere(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

describe.skipIf(!support.ok)('test hosts', () => {
  let network: TestNetwork;
  let a: TestHost;
  let b: TestHost;
  let c: TestHost;
  let d: TestHost;
  const echo = new Map<string, NodeProcess>();
  beforeAll(async () => {
    network = await createTestNetwork({ hosts: ['a', 'b', 'c', 'd'] });
    [a, b, c, d] = network.hosts as [TestHost, TestHost, TestHost, TestHost];
    for (const h of network.hosts) echo.set(h.name, await startEchoServer(h, ECHO_PORT));
  });
  afterAll(async () => {
    await network?.destroy();
  });
  afterEach(async () => {
    await network.heal();
  });
  const tcp = (from: TestHost, to: TestHost) => probeTcp(from, to.address, ECHO_PORT, PROBE_MS);
  const udp = (from: TestHost, to: TestHost) => probeUdp(from, to.address, ECHO_PORT, PROBE_MS);
  let tag = 0;
  /** Whether one datagram from `from` reaches `to` (one way; no echo needed). */
  const hears = async (to: TestHost, from: TestHost) => {
    const data = `d${++tag}`;
    await sendDatagram(from, to.address, ECHO_PORT, data);
    return received(echo.get(to.name)!, data, PROBE_MS);
  };

  it('gives each host its own address on one private /24, and the hosts reach each other over TCP and UDP', async () => {
    expect(network.subnet).toMatch(/^10\.(2[0-4]\d)\.\d{1,3}\.0\/24$/);
    expect(network.hosts.map((h) => h.address)).toEqual(
      [1, 2, 3, 4].map((n) => network.subnet.replace(/0\/24$/, `${n}`)),
    );
    expect(network.testAddress).toBe(network.subnet.replace(/0\/24$/, '254'));
    const addr = await a.exec('ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    expect(addr.stdout).toContain(`${a.address}/24`);
    // No default route: nothing a host sends can leave the test subnet.
    expect((await a.exec('ip', ['route', 'show', 'default'])).stdout.trim()).toBe('');
    expect(await Promise.all([tcp(a, b), udp(a, b), tcp(d, c), udp(c, d)])).toEqual([
      'connected',
      'echoed',
      'connected',
      'echoed',
    ]);
    // A port nobody listens on is refused at once: the contrast to a dark host below.
    expect(await probeTcp(a, b.address, ECHO_PORT + 1, PROBE_MS)).toBe('refused');
    // The test process reaches the hosts too (its own address on the bridge).
    expect(await connectsFromHere(a.address, ECHO_PORT)).toBe(true);
  });

  it('runs a node program inside a host: node itself in the namespace, with its events, until stopped', async () => {
    const p = echo.get('a')!;
    expect(p.ready).toMatchObject({ event: 'listening', host: a.address, port: ECHO_PORT, pid: p.pid });
    const netOf = (pid: number | 'self') =>
      spawnSync('readlink', [`/proc/${pid}/ns/net`], { encoding: 'utf8' }).stdout;
    expect(netOf(p.pid)).not.toBe(netOf('self'));
    expect(netOf(p.pid)).toBe((await a.exec('readlink', ['/proc/self/ns/net'])).stdout);
    const extra = await startEchoServer(a, ECHO_PORT + 2);
    await extra.stop();
    expect(await extra.exited).toEqual({ code: 0, signal: null });
  });

  it('isolates a host: connects to it time out (not refused), its datagrams vanish, and heal restores both', async () => {
    await network.isolate(a);
    const [toA, fromA, aUdp, bUdp] = await Promise.all([tcp(b, a), tcp(a, b), udp(c, a), udp(a, c)]);
    expect({ toA, fromA, aUdp, bUdp }).toEqual({
      toA: 'timeout',
      fromA: 'timeout',
      aUdp: 'silent',
      bUdp: 'silent',
    });
    // Nothing is sent back to the test process either, and the other hosts are untouched.
    expect(await connectsFromHere(a.address, ECHO_PORT)).toBe(false);
    expect(await tcp(b, c)).toBe('connected');
    // Its loopback still works: a host cut off the network is not a dead host.
    expect(await probeTcp(a, '127.0.0.1', ECHO_PORT, PROBE_MS)).not.toBe('timeout');
    await network.heal();
    expect(await Promise.all([tcp(b, a), udp(c, a)])).toEqual(['connected', 'echoed']);
  });

  it('partitions two groups: each group still talks inside, no packet crosses, the test process reaches both', async () => {
    await network.partition([a, b], [c, d]);
    const inside = await Promise.all([tcp(a, b), udp(b, a), tcp(c, d), udp(d, c)]);
    expect(inside).toEqual(['connected', 'echoed', 'connected', 'echoed']);
    const across = await Promise.all([tcp(a, c), udp(b, d), hears(c, a), hears(a, d)]);
    expect(across).toEqual(['timeout', 'silent', false, false]);
    expect(
      await Promise.all([connectsFromHere(a.address, ECHO_PORT), connectsFromHere(d.address, ECHO_PORT)]),
    ).toEqual([true, true]);
  });

  it('cuts one way only: the receiver stops hearing the sender, the sender still hears the receiver', async () => {
    const cut = await network.oneWay(a, b);
    expect(await hears(b, a)).toBe(false);
    expect(await hears(a, b)).toBe(true);
    // Another host still reaches b, so only a's packets are dropped.
    expect(await hears(b, c)).toBe(true);
    await cut.undo();
    expect(await hears(b, a)).toBe(true);
  });

  it('blocks a host from some hosts only, in both directions', async () => {
    await network.block(a, [b, c]);
    const results = await Promise.all([tcp(a, b), tcp(c, a), udp(a, c), tcp(a, d), udp(d, a)]);
    expect(results).toEqual(['timeout', 'timeout', 'silent', 'connected', 'echoed']);
  });

  it('drops everything at 100 % loss, and loss 0 or heal restores the link', async () => {
    await network.loss(a, 100);
    expect(await Promise.all([tcp(b, a), udp(b, a)])).toEqual(['timeout', 'silent']);
    // The new rate replaces the old one.
    await network.loss(a, 0);
    expect(await Promise.all([tcp(b, a), udp(b, a)])).toEqual(['connected', 'echoed']);
    expect((await a.exec('nft', ['list', 'tables'])).stdout).not.toContain('idunno_faults');
    await network.loss(a, 100);
    await network.heal();
    expect(await Promise.all([tcp(b, a), udp(b, a)])).toEqual(['connected', 'echoed']);
  });

  it('refuses delay with a typed error that names the missing kernel feature', async () => {
    const error = await network.delay(a, { ms: 50, jitterMs: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FaultNotSupportedError);
    expect((error as FaultNotSupportedError).feature).toMatch(/netem/);
    // Nothing was applied.
    expect(await tcp(b, a)).toBe('connected');
  });

  it('serves Redis from one host to another with its password, and refuses clients without it', async () => {
    const redis = await a.startRedis();
    try {
      expect(redis.host).toBe(a.address);
      expect(redis.url).toBe(`redis://:${redis.password}@${a.address}:6379`);
      const cli = (host: TestHost, address: string, auth: boolean, ...command: string[]) =>
        host
          .exec('redis-cli', [
            '-h',
            address,
            '-p',
            String(redis.port),
            ...(auth ? ['--no-auth-warning', '-a', redis.password!] : []),
            ...command,
          ])
          .then((r) => r.stdout.trim() || r.stderr.trim());
      expect(await cli(b, a.address, true, 'PING')).toBe('PONG');
      expect(await cli(b, a.address, false, 'PING')).toMatch(/NOAUTH/);
      expect(await cli(b, a.address, true, 'CONFIG', 'GET', 'protected-mode')).toBe('protected-mode\nyes');
      // Bound to the host's address only, as a user binds it on a real machine.
      expect(await cli(a, '127.0.0.1', true, 'PING')).toMatch(/refused/i);
    } finally {
      await redis.stop();
    }
  });

  it('runs a job over http inputs with Redis, a coordinator, a worker and a file server on four hosts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idunno-hosts-'));
    try {
      const images = await writeSyntheticImages(dir, 6, { seed: 5 });
      const redis = await a.startRedis({ appendOnly: false });
      const coordinator = await b.startCoordinator({ redisUrl: redis.url });
      expect(coordinator.address).toBe(`${b.address}:7000`);
      expect(coordinator.gossip).toBe(`${b.address}:7946`);
      const worker = await c.startWorker({ seeds: [coordinator.gossip], preload: ['tiny'] });
      expect(worker.address).toBe(`${c.address}:7100`);
      const files = await d.startFileServer(dir);
      expect(files.url).toBe(`http://${d.address}:8080/`);
      const urls = images.map((f) => `${files.url}${basename(f)}`);

      const client = new ClusterClient([coordinator.address], { probeTimeoutMs: 1_000 });
      let conn: CoordinatorConnection | undefined;
      try {
        const ref = await waitFor(() => client.leader(), {
          timeoutMs: 20_000,
          intervalMs: 100,
          message: 'a leader',
        });
        conn = new CoordinatorConnection(ref.connection.address);
        const c2 = conn;
        // Started before the coordinator hears of the worker, the job waits for it: no wait here.
        await conn.addJob({ jobId: 'over-hosts', model: 'tiny', inputs: urls, batchSize: 2 });
        await conn.startJob('over-hosts');
        await waitCompleted(() => c2, ['over-hosts'], 30_000);
        const rows = await allResults(conn, 'over-hosts');
        expectExactlyOnce(rows, urls.length);
        expect(rows.every((r) => r.kind === 'result')).toBe(true);
        expect(new Set(rows.map((r) => r.uri))).toEqual(new Set(urls));
      } finally {
        conn?.close();
        client.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!support.ok)('test network cleanup', () => {
  it('leaves no namespace or interface behind after destroy(), and stops what ran on the hosts', async () => {
    const network = await createTestNetwork({ hosts: ['x', 'y'] });
    const server = await startEchoServer(network.host('x'), ECHO_PORT);
    await network.isolate('y');
    expect(leftovers(network.id).namespaces.sort()).toEqual(
      [`${network.id}-x`, `${network.id}-y`, `${network.id}_switch`].sort(),
    );
    expect(leftovers(network.id).links).toEqual([network.id]);
    await network.destroy();
    expect(leftovers(network.id)).toEqual({ namespaces: [], links: [] });
    expect(await server.exited).toBeTruthy();
    expect(spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout).not.toContain(
      network.subnet.replace(/\/24$/, ''),
    );
    await expect(network.isolate('x')).rejects.toThrow(/destroyed/);
  });

  it('removes a network whose process exits without destroy(), with what ran on its hosts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idunno-hosts-exit-'));
    try {
      const script = join(dir, 'run.mjs');
      const kit = new URL('packages/testkit/dist/index.js', `file://${REPO_ROOT}`).href;
      writeFileSync(
        script,
        `import { createTestNetwork, startEchoServer } from ${JSON.stringify(kit)};
const network = await createTestNetwork({ hosts: ['p'] });
const server = await startEchoServer(network.host('p'), ${ECHO_PORT});
console.log(JSON.stringify({ event: 'listening', id: network.id, server: server.pid }));
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1000);
`,
      );
      const run = await spawnNode(script);
      const id = String(run.ready.id);
      expect(leftovers(id).namespaces).toHaveLength(2);
      run.kill('SIGTERM');
      expect(await run.exited).toEqual({ code: 0, signal: null });
      // The exit hook ran synchronously before the process was gone: nothing left to sweep.
      expect(leftovers(id)).toEqual({ namespaces: [], links: [] });
      await waitFor(() => gone(Number(run.ready.server)), { timeoutMs: 5_000, message: 'its server to die' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sweeps the leftovers of a SIGKILLed run, its orphaned processes too, at the next createTestNetwork', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idunno-hosts-crash-'));
    try {
      // A test run in a child process: it builds a network, starts a server on a host, and is
      // then killed outright, so neither destroy() nor its exit hook runs.
      const script = join(dir, 'run.mjs');
      const kit = new URL('packages/testkit/dist/index.js', `file://${REPO_ROOT}`).href;
      writeFileSync(
        script,
        `import { createTestNetwork, startEchoServer } from ${JSON.stringify(kit)};
const network = await createTestNetwork({ hosts: ['p', 'q'] });
const server = await startEchoServer(network.host('p'), ${ECHO_PORT});
console.log(JSON.stringify({ event: 'listening', id: network.id, server: server.pid }));
setInterval(() => {}, 1000);
`,
      );
      const crashed = await spawnNode(script);
      const id = String(crashed.ready.id);
      const orphan = Number(crashed.ready.server);
      // While its maker lives, a network is nobody's to sweep.
      await sweepStaleTestNetworks();
      expect(leftovers(id).namespaces).toHaveLength(3);
      crashed.kill('SIGKILL');
      await crashed.exited;
      expect(leftovers(id).namespaces).toHaveLength(3);
      expect(leftovers(id).links).toEqual([id]);
      expect(gone(orphan)).toBe(false);

      const next = await createTestNetwork({ hosts: ['z'] });
      try {
        expect(leftovers(id)).toEqual({ namespaces: [], links: [] });
        await waitFor(() => gone(orphan), { timeoutMs: 5_000, message: 'the orphaned server to die' });
        expect(leftovers(next.id).namespaces).toHaveLength(2);
      } finally {
        await next.destroy();
      }
      // Nothing stale is left for a later sweep.
      expect(await sweepStaleTestNetworks()).toEqual({ namespaces: [], links: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
