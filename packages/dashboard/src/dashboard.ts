import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, silentLogger } from '@idunno/log';
import { DashboardMetrics } from './metrics.js';
import { PAGE_HTML } from './page.js';
import { type LogEntry, Sampler, type Snapshot, type SourceState } from './snapshot.js';
import type { DashboardEvents, DashboardMember, DashboardSource } from './source.js';

/** Default bind address: the dashboard has no authentication, so it stays local unless asked. */
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';
/** How often snapshots are taken and pushed. @default 1000 ms */
export const DEFAULT_SNAPSHOT_INTERVAL_MS = 1_000;
/** Log entries kept and replayed to a client that connects. @default 200 */
export const DEFAULT_LOG_BACKLOG = 200;

export interface DashboardOptions {
  coordinator: DashboardSource;
  /** The gossip view; coordinators' `labels.dashboard` tell the page where to fail over. */
  members: () => DashboardMember[];
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (ephemeral) */
  port?: number;
  /** @default 1000 ms */
  intervalMs?: number;
  /** @default silent */
  logger?: Logger;
  /** @default Date.now */
  now?: () => number;
}

export interface Dashboard {
  /** `http://host:port`, as bound. */
  readonly url: string;
  /** The latest snapshot (taken now if none was yet). */
  snapshot(): Promise<Snapshot>;
  close(): Promise<void>;
}

export class InvalidDashboardOptionError extends Error {
  override readonly name = 'InvalidDashboardOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`dashboard ${option} ${reason}, got ${String(value)}`);
  }
}

const CORS = { 'Access-Control-Allow-Origin': '*' } as const;

/**
 * Serves the live dashboard of one coordinator: the page (`/`), server-sent events (`/events`:
 * a `snapshot` each interval, a `log` as soon as something happens), `/api/snapshot`,
 * `/metrics` (Prometheus text) and `/healthz`. It samples on its own timer whether or not anyone
 * watches, so the rate history is there when a page fails over to it.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? DEFAULT_DASHBOARD_HOST;
  const port = options.port ?? 0;
  const intervalMs = options.intervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidDashboardOptionError('port', port, 'must be an integer in 0..65535');
  if (!Number.isFinite(intervalMs) || intervalMs < 50)
    throw new InvalidDashboardOptionError('intervalMs', intervalMs, 'must be at least 50 ms');
  const source = options.coordinator;
  const log = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const sampler = new Sampler();
  const metrics = new DashboardMetrics();
  const clients = new Set<ServerResponse>();
  const backlog: LogEntry[] = [];
  let seq = 0;
  let url = '';

  const send = (res: ServerResponse, event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const pushLog = (entry: Omit<LogEntry, 'seq' | 'node'>) => {
    const full: LogEntry = { seq: ++seq, node: source.options.nodeId, ...entry };
    backlog.push(full);
    if (backlog.length > DEFAULT_LOG_BACKLOG) backlog.shift();
    for (const c of clients) send(c, 'log', full);
  };

  const read = async (): Promise<SourceState> => {
    // Role, epoch and leader are read after the await so they describe the same moment as jobs.
    const jobs = await source.jobs();
    return {
      now: now(),
      nodeId: source.options.nodeId,
      role: source.role,
      epoch: source.epoch,
      leader: source.leader,
      self: url,
      jobs,
      members: options.members(),
    };
  };
  let sampling: Promise<Snapshot> | undefined;
  const sample = (): Promise<Snapshot> => {
    // One read at a time: a slow Redis must not pile up reads behind the timer.
    sampling ??= (async () => {
      try {
        const state = await read();
        const { snapshot, changes } = sampler.sample(state);
        for (const c of changes) pushLog(c);
        for (const c of clients) send(c, 'snapshot', snapshot);
        return snapshot;
      } finally {
        sampling = undefined;
      }
    })();
    return sampling;
  };
  const tick = () => {
    sample().catch((err: unknown) => log.warn('dashboard_sample_failed', { error: err }));
  };

  const listeners: { [K in keyof DashboardEvents]: (...args: DashboardEvents[K]) => void } = {
    role: (e) => {
      if (e.role === 'primary') metrics.takeovers.inc();
      pushLog({
        at: now(),
        kind: 'role',
        text: `${source.options.nodeId} is now ${e.role} (epoch ${e.epoch})`,
      });
    },
    'job-started': (e) => pushLog({ at: now(), kind: 'job', text: `job ${e.jobId} started` }),
    'job-completed': (e) => pushLog({ at: now(), kind: 'job', text: `job ${e.jobId} completed` }),
    'worker-lost': (e) => {
      metrics.workersLost.inc();
      pushLog({
        at: now(),
        kind: 'worker-lost',
        text: `worker ${e.workerId} lost (${e.reason}): ${e.requeued} queries requeued`,
      });
    },
    'worker-joined': (e) =>
      pushLog({ at: now(), kind: 'worker-joined', text: `worker ${e.workerId} joined` }),
    recorded: (e) => {
      for (let i = 0; i < e.count; i++)
        metrics.processingTime.observe({ job: e.jobId }, e.processingMs / 1000);
    },
    redispatch: (e) => {
      metrics.redispatched.inc({ job: e.jobId }, e.queries);
      pushLog({
        at: now(),
        kind: 'redispatch',
        text: `job ${e.jobId}: ${e.queries} queries of task ${e.taskId} re-dispatched from ${e.workerId} (${e.reason})`,
      });
    },
  };
  const subscribe = (on: boolean) => {
    const method = on ? 'on' : 'off';
    source[method]('role', listeners.role);
    source[method]('job-started', listeners['job-started']);
    source[method]('job-completed', listeners['job-completed']);
    source[method]('worker-lost', listeners['worker-lost']);
    source[method]('worker-joined', listeners['worker-joined']);
    source[method]('redispatch', listeners.redispatch);
    source[method]('recorded', listeners.recorded);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Max-Age': '600' });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET', ...CORS });
      res.end();
      return;
    }
    switch (path) {
      case '/':
      case '/index.html':
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(PAGE_HTML);
        return;
      case '/healthz':
        res.writeHead(200, { 'Content-Type': 'application/json', ...CORS });
        res.end(JSON.stringify({ ok: true, node: source.options.nodeId, role: source.role }));
        return;
      case '/api/snapshot': {
        const snap = sampler.latest ?? (await sample());
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...CORS });
        res.end(JSON.stringify(snap));
        return;
      }
      case '/metrics': {
        // Read fresh counts for each scrape, so counters match what get-job-stats says now.
        metrics.update(await read());
        for (const j of sampler.latest?.jobs ?? []) {
          if (j.processing === null && j.state === 'running') metrics.setDerivedRate(j.jobId, j.rateQps);
        }
        const body = await metrics.registry.metrics();
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType, ...CORS });
        res.end(body);
        return;
      }
      case '/events': {
        res.writeHead(200, {
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-store',
          Connection: 'keep-alive',
          ...CORS,
        });
        res.write('retry: 1000\n\n');
        for (const e of backlog) send(res, 'log', e);
        if (sampler.latest) send(res, 'snapshot', sampler.latest);
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain', ...CORS });
        res.end(`not found: ${path}\n`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.warn('dashboard_request_failed', { path: req.url ?? '', error: err });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain', ...CORS });
      res.end(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}`;
  subscribe(true);
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  log.info('dashboard_listening', { url });

  return {
    url,
    snapshot: async () => sampler.latest ?? sample(),
    close: async () => {
      clearInterval(timer);
      subscribe(false);
      for (const c of clients) c.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
