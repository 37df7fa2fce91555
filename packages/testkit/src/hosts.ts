/**
 * Test hosts: a cluster spread over Linux network namespaces on one private bridge, so that a
 * host can go dark (packets dropped, not refused), groups can be split, links can lose packets,
 * and everything heals. Root only; {@link testNetworkSupport} says whether this machine allows it
 * and why not, for a test to print when it skips.
 *
 * ## How a network is built
 * ```
 *   root namespace (the test process)            idn<pid>-<n>_switch
 *     idn<pid>-<n>  10.x.y.254 ─── veth ───── uplink ─┐
 *                                                     br0 (bridge)
 *   idn<pid>-<n>-<host>                               │
 *     lo, eth0  10.x.y.<i> ────── veth ───── port<i> ─┘   (one per host, i = 1, 2, …)
 * ```
 * - The bridge lives in a namespace of its own (the "switch"), so the machine's root namespace
 *   gains one interface only, and a host's traffic never passes through the root's stack.
 * - The test process gets an address on the bridge (.254) because it is a client too: a
 *   `ClusterClient` or ioredis made in a test runs in the root namespace and must reach the hosts'
 *   addresses. Faults on hosts apply to its packets as to anyone's; `partition` and `block` name
 *   hosts only, so the test process still reaches every host that is not isolated.
 * - Hosts have no default route: nothing they send leaves the subnet.
 * - The subnet is one /24 of 10.200.0.0–10.249.255.255 that overlaps no route of the machine,
 *   picked per run (see `host-subnet.ts`); hosts get .1, .2, … in the order given.
 * - Every name starts with `idn<pid>-<n>` (the pid of the process that made it; Linux interface
 *   names are at most 15 characters, so the root's veth is that prefix alone). `destroy()` stops
 *   what the hosts run and removes every namespace, veth and address; an exit hook does the same
 *   if the process exits first, and {@link sweepStaleTestNetworks} (run by every
 *   {@link createTestNetwork}) removes the leftovers of runs that were killed.
 *
 * ## Programs on hosts
 * `host.spawnNode` runs a repo program inside the host's namespace (`ip netns exec`, which execs
 * node: the pid is node's, signals reach it, and it keeps every feature of the launcher's
 * `spawnNode`). `startRedis`, `startCoordinator`, `startWorker` and `startFileServer` start what a
 * user runs on real machines, with the same flags (docs/OPERATIONS.md "Several machines"), on the
 * ports given there: Redis bound to the host's address with a password (protected mode on), a
 * coordinator with `--host <addr> --redis-url redis://:pw@<addr>:6379`, a worker with `--host
 * <addr> --seeds …`.
 *
 * ## Faults
 * All are nftables rules in each affected host's own namespace: one table per host,
 * `netdev idunno_faults`, on its `eth0` (ingress and egress hooks), rebuilt atomically from the
 * faults in force whenever one is added or undone. Drops are silent: nothing is refused, no ICMP
 * is sent, and the sender's own send succeeds (which an `inet` output-hook drop would not
 * guarantee: it fails a UDP send with EPERM). Rules match IP packets only, so ARP still works and
 * a peer sees timeouts, as across a cut routed path. Each fault resolves with a handle whose
 * `undo()` lifts it; `heal()` lifts all.
 * - `isolate(h)`: h drops every IP packet in and out (its loopback is untouched).
 * - `partition(A, B, …)`: hosts in different groups drop each other's packets; hosts in no group
 *   and the test process still reach everyone.
 * - `oneWay(from, to)`: `to` stops hearing `from` (drops packets from it on arrival), while
 *   `from` still hears `to`.
 * - `block(h, others)`: h is cut off from those hosts only, both directions (the primary from
 *   Redis only, or from every worker).
 * - `loss(h, p)`: each packet h sends or receives is dropped with probability p % (so a round
 *   trip loses more); a later `loss(h, …)` replaces it, `loss(h, 0)` lifts it.
 * - `delay(h, { ms, jitterMs })`: not supported. `tc netem` is the mechanism, and this kernel
 *   (6.18, no modules) has no netem qdisc; no other one is built yet. It throws
 *   {@link FaultNotSupportedError} naming what is missing (probed once, in a scratch namespace).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  type ClusterCoordinator,
  type ClusterNode,
  inNetns,
  type NodeProcess,
  type RedisServer,
  type SpawnNodeOptions,
  type StartRedisServerOptions,
  spawnNode,
  startRedisServer,
  WORKER_MALLOC_ENV,
} from '@idunno/launcher';
import {
  FaultNotSupportedError,
  InvalidFaultError,
  InvalidTestNetworkOptionError,
  NoFreeSubnetError,
  TestNetworkDestroyedError,
  TestNetworkUnsupportedError,
  UnknownTestHostError,
} from './host-errors.js';
import {
  type DropRule,
  type FaultSpec,
  faultRules,
  HOST_LINK,
  hostRuleset,
  validateFault,
} from './host-faults.js';
import {
  check,
  type ExecResult,
  ipBatch,
  netemMissing,
  type RunOptions,
  removeNamespaces,
  removeNamespacesSync,
  routes,
  run,
  sweepStaleTestNetworks,
  testNetworkSupport,
} from './host-shell.js';
import { addressIn, pickSubnet, TEST_SUBNET_COUNT, TEST_SUBNET_RANGE } from './host-subnet.js';

/** Options for {@link createTestNetwork}. */
export interface TestNetworkOptions {
  /**
   * Host names, in address order (the first gets .1): lowercase letters, digits and '-', starting
   * with a letter, at most 32 characters, at most {@link MAX_TEST_HOSTS} of them.
   */
  hosts: readonly string[];
  /** How long `destroy()` gives each process after SIGTERM before it SIGKILLs it. @default 1_000 ms */
  stopGraceMs?: number;
}

export const MAX_TEST_HOSTS = 200;
export const DEFAULT_TEST_NETWORK_STOP_GRACE_MS = 1_000;
/** The test process's own address on the bridge: `<subnet>.254`. */
export const TEST_PROCESS_OCTET = 254;
/** The ports of docs/OPERATIONS.md "Several machines"; every host has its own, so they never clash. */
export const DEFAULT_HOST_REDIS_PORT = 6379;
export const DEFAULT_HOST_COORDINATOR_PORT = 7000;
export const DEFAULT_HOST_GOSSIP_PORT = 7946;
export const DEFAULT_HOST_WORKER_PORT = 7100;
export const DEFAULT_HOST_FILE_SERVER_PORT = 8080;

/** The file server program (`src/bin/file-server.ts`, built). */
export const FILE_SERVER_BIN = fileURLToPath(new URL('./bin/file-server.js', import.meta.url));

/** A host named by name or given as itself. */
export type HostRef = string | TestHost;

/** A fault in force; `undo()` lifts it (again: nothing). */
export interface FaultHandle {
  readonly fault: FaultSpec;
  undo(): Promise<void>;
}

/** `delay` arguments: kept in the API so that a later kernel (or mechanism) can honour them. */
export interface DelayOptions {
  /** Added latency per packet, ms. */
  ms: number;
  /** Random variation around `ms`, ms. @default 0 */
  jitterMs?: number;
}

/** Redis on a host: the launcher's options less where it listens, which the host decides. */
export interface HostRedisOptions extends Omit<StartRedisServerOptions, 'bind' | 'netns' | 'port'> {
  /** @default {@link DEFAULT_HOST_REDIS_PORT} */
  port?: number;
  /** The password clients need (protected mode stays on). @default a random one, in `url` */
  password?: string;
}

/** What a coordinator and a worker on a host share. */
interface HostNodeOptions {
  /** Node id (`--id`). @default `coordinator-<host>-<n>` / `worker-<host>-<n>` */
  id?: string;
  /** Gossip members to join through (`--seeds`), `host:port` each. @default none for a coordinator */
  seeds?: readonly string[];
  /** Timing profile (`--profile`). @default 'lan', as the test kit's local clusters */
  profile?: 'lan' | 'local';
  /** Extra flags, after the kit's. @default none */
  args?: readonly string[];
  /** Added to the environment. @default nothing added */
  env?: NodeJS.ProcessEnv;
  /** Append its stderr (JSON log) here. @default kept in memory */
  logFile?: string;
  /** @default the launcher's 30_000 ms */
  readyTimeoutMs?: number;
}

export interface HostCoordinatorOptions extends HostNodeOptions {
  /** `--redis-url`, e.g. a host's `RedisServer.url` (`redis://:pw@<addr>:6379`). */
  redisUrl: string;
  /** Control API port (`--port`). @default {@link DEFAULT_HOST_COORDINATOR_PORT} */
  port?: number;
  /** `--gossip-port`. @default {@link DEFAULT_HOST_GOSSIP_PORT} */
  gossipPort?: number;
}

export interface HostWorkerOptions extends HostNodeOptions {
  /** The coordinators' gossip addresses (`--seeds`). */
  seeds: readonly string[];
  /** Models loaded before it reports ready (`--preload`). @default none */
  preload?: readonly string[];
  /** gRPC port (`--port`). @default {@link DEFAULT_HOST_WORKER_PORT} */
  port?: number;
}

/** The static file server on a host, serving a directory for jobs over http URLs. */
export interface FileServer extends NodeProcess {
  /** `http://<addr>:<port>/`: a file `dir/a.jpg` is at `${url}a.jpg`. */
  readonly url: string;
}

/** One host: a network namespace with its own address on the bridge. */
export interface TestHost {
  readonly name: string;
  /** Its IPv4 address on the bridge. */
  readonly address: string;
  /** Its namespace's name (`ip netns exec <netns> …`). */
  readonly netns: string;
  /** Runs a command inside the host to completion (a non-zero exit is a result, not an error). */
  exec(command: string, args?: readonly string[], options?: RunOptions): Promise<ExecResult>;
  /** The launcher's `spawnNode`, inside the host; `destroy()` stops what it started. */
  spawnNode(script: string, options?: Omit<SpawnNodeOptions, 'netns'>): Promise<NodeProcess>;
  /** A redis-server bound to the host's address, with a password. */
  startRedis(options?: HostRedisOptions): Promise<RedisServer>;
  /** An idunno coordinator serving on the host's address. */
  startCoordinator(options: HostCoordinatorOptions): Promise<ClusterCoordinator>;
  /** An idunno worker serving on the host's address, joined to `seeds`. */
  startWorker(options: HostWorkerOptions): Promise<ClusterNode>;
  /** A static file server for `dir`. @default port {@link DEFAULT_HOST_FILE_SERVER_PORT} */
  startFileServer(dir: string, options?: { port?: number }): Promise<FileServer>;
}

/** Hosts on one private bridge, and the faults between them. */
export interface TestNetwork {
  /** `idn<pid>-<n>`: the prefix of every namespace and interface it made. */
  readonly id: string;
  /** Its /24, `10.x.y.0/24`. */
  readonly subnet: string;
  /** The test process's address on the bridge (see the module comment for why it has one). */
  readonly testAddress: string;
  readonly hosts: readonly TestHost[];
  host(name: string): TestHost;
  isolate(host: HostRef): Promise<FaultHandle>;
  partition(...groups: readonly (readonly HostRef[])[]): Promise<FaultHandle>;
  oneWay(from: HostRef, to: HostRef): Promise<FaultHandle>;
  block(host: HostRef, others: readonly HostRef[]): Promise<FaultHandle>;
  loss(host: HostRef, percent: number): Promise<FaultHandle>;
  /** Always rejects today, with {@link FaultNotSupportedError}: see the module comment. */
  delay(host: HostRef, options: DelayOptions): Promise<FaultHandle>;
  /** Lifts every fault. */
  heal(): Promise<void>;
  /** Stops every process started on the hosts, then removes every namespace and interface. */
  destroy(): Promise<void>;
}

const HOST_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const IFNAMSIZ = 15;

/** Networks of this process not yet destroyed: what the exit hook removes. */
const live = new Map<string, { links: string[]; namespaces: string[] }>();
let exitHooked = false;
let networkSeq = 0;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // Synchronous, as an exit handler must be: the launcher's own hook SIGKILLs its children, this
  // one kills whatever else runs in the hosts and removes the names, so a crash leaks nothing.
  process.on('exit', () => {
    for (const { links, namespaces } of live.values()) removeNamespacesSync(links, namespaces);
  });
}

interface Stoppable {
  stop(graceMs?: number): Promise<void>;
}

/**
 * Builds a test network with the given hosts (see the module comment), after removing what
 * killed runs left behind. Throws {@link TestNetworkUnsupportedError} where test hosts cannot be
 * made; a failure half-way removes what was made.
 */
export async function createTestNetwork(options: TestNetworkOptions): Promise<TestNetwork> {
  const names = validateHosts(options.hosts);
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_TEST_NETWORK_STOP_GRACE_MS;
  if (!Number.isFinite(stopGraceMs) || stopGraceMs < 0)
    throw new InvalidTestNetworkOptionError('stopGraceMs', stopGraceMs, 'must be a number ≥ 0');
  const support = testNetworkSupport();
  if (!support.ok) throw new TestNetworkUnsupportedError(support.reason);
  await sweepStaleTestNetworks();

  const seq = ++networkSeq;
  const id = `idn${process.pid}-${seq}`;
  if (id.length > IFNAMSIZ)
    throw new InvalidTestNetworkOptionError('network', id, `needs a name of at most ${IFNAMSIZ} characters`);
  const uplink = id;
  const switchNs = `${id}_switch`;
  const hostNs = (name: string) => `${id}-${name}`;
  const record = { links: [uplink], namespaces: [switchNs, ...names.map(hostNs)] };
  live.set(id, record);
  hookExit();
  const teardown = async () => {
    await run('ip', ['link', 'del', uplink]).catch(() => undefined);
    await removeNamespaces(record.namespaces);
    live.delete(id);
  };

  let subnet: string;
  try {
    await ipBatch([
      ...record.namespaces.map((ns) => `netns add ${ns}`),
      ...names.map(
        (h, i) => `link add ${HOST_LINK} netns ${hostNs(h)} type veth peer name port${i} netns ${switchNs}`,
      ),
      `link add ${uplink} type veth peer name uplink netns ${switchNs}`,
    ]);
    const ports = [...names.map((_, i) => `port${i}`), 'uplink'];
    await ipBatch(
      [
        'link set dev lo up',
        'link add name br0 type bridge',
        ...ports.flatMap((p) => [`link set dev ${p} master br0`, `link set dev ${p} up`]),
        'link set dev br0 up',
      ],
      switchNs,
    );
    subnet = await claimSubnet(uplink, seq);
    await Promise.all(
      names.map((h, i) =>
        ipBatch(
          [
            'link set dev lo up',
            `addr add ${addressIn(subnet, i + 1)}/24 dev ${HOST_LINK}`,
            `link set dev ${HOST_LINK} up`,
          ],
          hostNs(h),
        ),
      ),
    );
  } catch (err) {
    await teardown();
    throw err;
  }
  return buildNetwork({ id, subnet, names, hostNs, stopGraceMs, teardown });
}

function validateHosts(hosts: readonly string[]): string[] {
  if (hosts.length === 0 || hosts.length > MAX_TEST_HOSTS)
    throw new InvalidTestNetworkOptionError('hosts', hosts, `must name 1 to ${MAX_TEST_HOSTS} hosts`);
  const seen = new Set<string>();
  for (const h of hosts) {
    if (!HOST_NAME.test(h))
      throw new InvalidTestNetworkOptionError(
        'hosts',
        h,
        'must be lowercase letters, digits and "-", starting with a letter, at most 32 characters',
      );
    if (seen.has(h)) throw new InvalidTestNetworkOptionError('hosts', hosts, `names ${h} twice`);
    seen.add(h);
  }
  return [...hosts];
}

/**
 * Gives the root's veth `.254` of a /24 that no route covers. Two runs can pick the same /24
 * between looking and adding; each then sees the other's route to it, and both move on to a
 * random other one.
 */
async function claimSubnet(uplink: string, seq: number): Promise<string> {
  let start = (process.pid * 16 + seq) % TEST_SUBNET_COUNT;
  for (let attempt = 0; attempt < 5; attempt++) {
    const subnet = pickSubnet(
      (await routes()).map((r) => r.dst),
      start,
    );
    if (subnet === undefined) break;
    const own = `${addressIn(subnet, TEST_PROCESS_OCTET)}/24`;
    await ipBatch([`addr add ${own} dev ${uplink}`, `link set dev ${uplink} up`]);
    const rivals = (await routes()).filter((r) => r.dst === subnet && r.dev !== uplink);
    if (rivals.length === 0) return subnet;
    await ipBatch([`addr del ${own} dev ${uplink}`]);
    start = randomInt(TEST_SUBNET_COUNT);
  }
  throw new NoFreeSubnetError(TEST_SUBNET_RANGE);
}

interface NetworkParts {
  id: string;
  subnet: string;
  names: readonly string[];
  hostNs: (name: string) => string;
  stopGraceMs: number;
  teardown: () => Promise<void>;
}

function buildNetwork({ id, subnet, names, hostNs, stopGraceMs, teardown }: NetworkParts): TestNetwork {
  let destroyed: Promise<void> | undefined;
  const assertLive = () => {
    if (destroyed) throw new TestNetworkDestroyedError(id);
  };
  // Processes started on hosts: nodes stop before the Redis servers they may be writing to.
  const nodes = new Set<Stoppable>();
  const redisServers = new Set<Stoppable>();

  const hosts = names.map((name, i): TestHost => {
    const address = addressIn(subnet, i + 1);
    const netns = hostNs(name);
    let coordinatorSeq = 0;
    let workerSeq = 0;
    const spawnHere = async (script: string, options: Omit<SpawnNodeOptions, 'netns'> = {}) => {
      assertLive();
      const p = await spawnNode(script, { ...options, netns });
      nodes.add(p);
      void p.exited.then(() => nodes.delete(p));
      return p;
    };
    const nodeSpawnOptions = (
      o: HostNodeOptions,
      env?: NodeJS.ProcessEnv,
    ): Omit<SpawnNodeOptions, 'netns'> => ({
      ...(env === undefined && o.env === undefined ? {} : { env: { ...env, ...o.env } }),
      ...(o.logFile === undefined ? {} : { logFile: o.logFile }),
      ...(o.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: o.readyTimeoutMs }),
    });
    const seedArgs = (seeds: readonly string[] | undefined) =>
      seeds && seeds.length > 0 ? ['--seeds', seeds.join(',')] : [];
    return {
      name,
      address,
      netns,
      exec(command, args = [], options = {}) {
        assertLive();
        const cmd = inNetns(netns, command, args);
        return run(cmd.command, cmd.args, options);
      },
      spawnNode: spawnHere,
      async startRedis(options = {}) {
        assertLive();
        const server = await startRedisServer({
          ...options,
          port: options.port ?? DEFAULT_HOST_REDIS_PORT,
          bind: address,
          password: options.password ?? randomBytes(12).toString('hex'),
          netns,
        });
        redisServers.add(server);
        return server;
      },
      async startCoordinator(options) {
        const id = options.id ?? `coordinator-${name}-${++coordinatorSeq}`;
        const p = await spawnHere('apps/coordinator/dist/main.js', {
          args: [
            '--host',
            address,
            '--port',
            String(options.port ?? DEFAULT_HOST_COORDINATOR_PORT),
            '--gossip-port',
            String(options.gossipPort ?? DEFAULT_HOST_GOSSIP_PORT),
            // Reachable from the test process, as the control API is.
            '--dashboard-host',
            address,
            '--redis-url',
            options.redisUrl,
            '--id',
            id,
            '--profile',
            options.profile ?? 'lan',
            ...seedArgs(options.seeds),
            ...(options.args ?? []),
          ],
          ...nodeSpawnOptions(options),
        });
        const { ready } = p;
        return Object.assign(p, {
          id,
          address: String(ready.address),
          gossip: String(ready.gossip),
          ...(ready.dashboard ? { dashboard: String(ready.dashboard) } : {}),
        });
      },
      async startWorker(options) {
        const id = options.id ?? `worker-${name}-${++workerSeq}`;
        const preload = options.preload ?? [];
        // The launcher's startWorker, less its fixed `--port 0`: the same program, flags and glibc settings.
        const p = await spawnHere('apps/worker/dist/main.js', {
          args: [
            '--host',
            address,
            '--port',
            String(options.port ?? DEFAULT_HOST_WORKER_PORT),
            '--id',
            id,
            ...seedArgs(options.seeds),
            '--profile',
            options.profile ?? 'lan',
            ...(options.args ?? []),
            ...(preload.length > 0 ? ['--preload', preload.join(',')] : []),
          ],
          ...nodeSpawnOptions(options, WORKER_MALLOC_ENV),
        });
        return Object.assign(p, { id, address: String(p.ready.address) });
      },
      async startFileServer(dir, options = {}) {
        const p = await spawnHere(FILE_SERVER_BIN, {
          args: [
            '--host',
            address,
            '--port',
            String(options.port ?? DEFAULT_HOST_FILE_SERVER_PORT),
            '--dir',
            dir,
          ],
        });
        return Object.assign(p, { url: String(p.ready.url) });
      },
    };
  });

  const byName = new Map(hosts.map((h) => [h.name, h]));
  const resolveHost = (ref: HostRef): TestHost => {
    const name = typeof ref === 'string' ? ref : ref.name;
    const host = byName.get(name);
    if (host === undefined || (typeof ref !== 'string' && host !== ref))
      throw new UnknownTestHostError(name, names);
    return host;
  };
  const addressOf = (name: string) => resolveHost(name).address;

  // Faults in force, and what each host's table holds now (the empty ruleset: no table).
  interface ActiveFault {
    spec: FaultSpec;
    rules: DropRule[];
  }
  const active: ActiveFault[] = [];
  const applied = new Map(names.map((n) => [n, hostRuleset([])]));
  // One change at a time, in call order: two faults added without awaiting must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const sync = async () => {
    await Promise.all(
      hosts.map(async (h) => {
        const text = hostRuleset(active.flatMap((f) => f.rules.filter((r) => r.host === h.name)));
        if (applied.get(h.name) === text) return;
        // Forget first: if nft fails the table's state is unknown, and the next sync rewrites it.
        applied.delete(h.name);
        await check('ip', ['netns', 'exec', h.netns, 'nft', '-f', '-'], text);
        applied.set(h.name, text);
      }),
    );
  };
  const addFault = (spec: FaultSpec): Promise<FaultHandle> => {
    assertLive();
    validateFault(spec);
    return serial(async () => {
      assertLive();
      if (spec.kind === 'loss') {
        // A host has one loss rate: the new one replaces the old (whose handle then does nothing).
        for (let i = active.length - 1; i >= 0; i--) {
          const f = active[i]!;
          if (f.spec.kind === 'loss' && f.spec.host === spec.host) active.splice(i, 1);
        }
      }
      const fault: ActiveFault = { spec, rules: faultRules(spec, addressOf) };
      active.push(fault);
      try {
        await sync();
      } catch (err) {
        active.splice(active.indexOf(fault), 1);
        await sync().catch(() => undefined);
        throw err;
      }
      return {
        fault: spec,
        undo: () =>
          serial(async () => {
            const i = active.indexOf(fault);
            if (i < 0 || destroyed) return;
            active.splice(i, 1);
            await sync();
          }),
      };
    });
  };

  return {
    id,
    subnet,
    testAddress: addressIn(subnet, TEST_PROCESS_OCTET),
    hosts,
    host: (name) => resolveHost(name),
    // async, so that a bad host or argument rejects like a failed nft does, never throws at the call.
    isolate: async (host) => addFault({ kind: 'isolate', host: resolveHost(host).name }),
    partition: async (...groups) =>
      addFault({ kind: 'partition', groups: groups.map((g) => g.map((h) => resolveHost(h).name)) }),
    oneWay: async (from, to) =>
      addFault({ kind: 'one-way', from: resolveHost(from).name, to: resolveHost(to).name }),
    block: async (host, others) =>
      addFault({
        kind: 'block',
        host: resolveHost(host).name,
        others: others.map((h) => resolveHost(h).name),
      }),
    loss: async (host, percent) => addFault({ kind: 'loss', host: resolveHost(host).name, percent }),
    async delay(host, options) {
      resolveHost(host);
      const jitterMs = options.jitterMs ?? 0;
      if (!Number.isFinite(options.ms) || options.ms < 0)
        throw new InvalidFaultError('delay', 'ms', options.ms, 'must be a number ≥ 0');
      if (!Number.isFinite(jitterMs) || jitterMs < 0)
        throw new InvalidFaultError('delay', 'jitterMs', jitterMs, 'must be a number ≥ 0');
      const missing = netemMissing();
      if (missing !== undefined)
        throw new FaultNotSupportedError(
          'delay',
          "the kernel's netem qdisc (CONFIG_NET_SCH_NETEM, tc qdisc … netem)",
          `tc said: ${missing}; the test kit has no other delay mechanism yet`,
        );
      throw new FaultNotSupportedError(
        'delay',
        'the test kit to apply netem',
        'this kernel has netem, but hosts.ts does not use it yet: add it there (tc qdisc on the host link)',
      );
    },
    heal: () =>
      serial(async () => {
        if (destroyed) return;
        active.length = 0;
        await sync();
      }),
    destroy() {
      destroyed ??= (async () => {
        await queue;
        await Promise.allSettled([...nodes].map((p) => p.stop(stopGraceMs)));
        await Promise.allSettled([...redisServers].map((r) => r.stop(stopGraceMs)));
        await teardown();
      })();
      return destroyed;
    },
  };
}
