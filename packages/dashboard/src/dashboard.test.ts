import { EventEmitter } from 'node:events';
import { parsePrometheusText, sampleValue } from '@idunno/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from './dashboard.js';
import type { Snapshot } from './snapshot.js';
import type { DashboardEvents, DashboardJobView, DashboardMember, DashboardRole } from './source.js';

/** The parts of a Coordinator the dashboard reads, with counts the test moves by hand. */
class FakeCoordinator extends EventEmitter<DashboardEvents> {
  role: DashboardRole = 'primary';
  epoch = 3;
  leader: string | null = 'c1';
  readonly options = { nodeId: 'c1' };
  views: DashboardJobView[] = [
    {
      job: { jobId: 'vit', model: 'vit-tiny', state: 'running', totalQueries: 100, done: 40, errors: 2 },
      stats: {
        total: 100,
        done: 40,
        errors: 2,
        pending: 50,
        inFlight: 10,
        rateQps: 12.5,
        processing: { meanMs: 20, stddevMs: 3, medianMs: 19, p90Ms: 25, p95Ms: 27, p99Ms: 31 },
        etaS: 4.8,
        redispatched: 0,
      },
      workers: ['w2', 'w1'],
    },
    {
      job: { jobId: 'tiny', model: 'tiny', state: 'completed', totalQueries: 10, done: 10, errors: 0 },
      stats: undefined,
      workers: [],
    },
  ];
  async jobs(): Promise<DashboardJobView[]> {
    return structuredClone(this.views);
  }
  setDone(jobId: string, done: number, errors: number): void {
    for (const v of this.views) {
      if (v.job.jobId !== jobId) continue;
      v.job.done = done;
      v.job.errors = errors;
      if (v.stats) Object.assign(v.stats, { done, errors });
    }
  }
}

const members: DashboardMember[] = [
  { id: 'c1', role: 'coordinator', state: 'alive', address: '127.0.0.1:1', models: [], labels: {} },
  {
    id: 'c2',
    role: 'coordinator',
    state: 'alive',
    address: '127.0.0.1:2',
    models: [],
    labels: { dashboard: 'http://127.0.0.1:9' },
  },
  { id: 'w1', role: 'worker', state: 'alive', address: '127.0.0.1:3', models: ['vit-tiny'], labels: {} },
  { id: 'w2', role: 'worker', state: 'suspect', address: '127.0.0.1:4', models: ['vit-tiny'], labels: {} },
];

let dash: Dashboard | undefined;
afterEach(async () => {
  await dash?.close();
  dash = undefined;
});

async function get(path: string): Promise<Response> {
  const res = await fetch(`${dash!.url}${path}`);
  expect(res.status).toBe(200);
  return res;
}

/**
 * Opens the SSE stream and reads it until `count` events named `event` have arrived. `opened`
 * resolves once the server has taken the client in (its response headers have arrived: it adds
 * the client in the same step as it sends them), so a test can fire an event knowing it will be
 * pushed, not replayed.
 */
function sseStream(
  path: string,
  event: string,
  count: number,
  timeoutMs: number,
): { opened: Promise<void>; events: Promise<unknown[]> } {
  let markOpen = () => {};
  const opened = new Promise<void>((resolve) => {
    markOpen = resolve;
  });
  const events = (async () => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const out: unknown[] = [];
    try {
      const res = await fetch(`${dash!.url}${path}`, { signal: ac.signal });
      markOpen();
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body!) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name === event && data) out.push(JSON.parse(data));
          if (out.length >= count) return out;
          i = buf.indexOf('\n\n');
        }
      }
    } finally {
      clearTimeout(timer);
      ac.abort();
      // A stream that never opened must not leave a caller of `opened` waiting: `events` has the error.
      markOpen();
    }
    return out;
  })();
  return { opened, events };
}

/** Reads the SSE stream until `count` events named `event` have arrived. */
function sseEvents(path: string, event: string, count: number, timeoutMs: number): Promise<unknown[]> {
  return sseStream(path, event, count, timeoutMs).events;
}

describe('the dashboard server', () => {
  it('serves a snapshot with jobs, members, leader and the dashboards to fail over to', async () => {
    const fake = new FakeCoordinator();
    dash = await startDashboard({ coordinator: fake, members: () => members });
    expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await get('/api/snapshot');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const s = (await res.json()) as Snapshot;
    expect(s).toMatchObject({
      node: 'c1',
      role: 'primary',
      isLeader: true,
      leader: 'c1',
      epoch: 3,
      source: 'tracker',
      self: dash.url,
      leaderDashboard: dash.url,
      historyS: 120,
    });
    expect(s.dashboards).toEqual([dash.url, 'http://127.0.0.1:9'].sort());
    expect(s.jobs).toEqual([
      expect.objectContaining({
        jobId: 'vit',
        done: 40,
        total: 100,
        errors: 2,
        rateQps: 12.5,
        workers: ['w1', 'w2'],
      }),
      expect.objectContaining({ jobId: 'tiny', state: 'completed', rateQps: 0, processing: null }),
    ]);
    expect(s.jobs[0]!.processing).toMatchObject({ p99Ms: 31 });
    expect(s.members.map((m) => [m.id, m.state, m.dashboard])).toEqual([
      ['c1', 'alive', null],
      ['c2', 'alive', 'http://127.0.0.1:9'],
      ['w1', 'alive', null],
      ['w2', 'suspect', null],
    ]);
    expect(s.history.vit?.[0]?.[1]).toBe(12.5);
    expect(await (await get('/healthz')).json()).toEqual({ ok: true, node: 'c1', role: 'primary' });
    expect((await get('/')).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('says a standby reads stored counts from Redis and names the leader', async () => {
    const fake = new FakeCoordinator();
    fake.role = 'standby';
    fake.leader = 'c2';
    for (const v of fake.views) v.stats = undefined;
    dash = await startDashboard({ coordinator: fake, members: () => members, intervalMs: 100 });
    const first = await dash.snapshot();
    expect(first).toMatchObject({ source: 'redis', isLeader: false, leader: 'c2' });
    expect(first.leaderDashboard).toBe('http://127.0.0.1:9');
    fake.setDone('vit', 60, 2);
    // The standby derives the rate from successive done counts.
    const later = await sseEvents('/events', 'snapshot', 3, 3_000);
    const rates = (later as Snapshot[]).map((s) => s.jobs[0]!.rateQps);
    expect(Math.max(...rates)).toBeGreaterThan(0);
  });

  it('pushes a snapshot over SSE within 1.5 s and logs coordinator events at once', async () => {
    const fake = new FakeCoordinator();
    dash = await startDashboard({ coordinator: fake, members: () => members });
    await dash.snapshot();
    const started = Date.now();
    const [snap] = (await sseEvents('/events', 'snapshot', 1, 1_500)) as Snapshot[];
    expect(snap?.node).toBe('c1');
    expect(Date.now() - started).toBeLessThan(1_500);
    const logs = sseStream('/events', 'log', 1, 1_500);
    await logs.opened;
    fake.emit('worker-lost', { workerId: 'w2', requeued: 8, reason: 'dead' });
    const [entry] = (await logs.events) as { kind: string; text: string }[];
    expect(entry).toMatchObject({ kind: 'worker-lost' });
    expect(entry?.text).toContain('w2');
  });

  it('serves /metrics as Prometheus text whose query counters match the job counts and never go down', async () => {
    const fake = new FakeCoordinator();
    dash = await startDashboard({ coordinator: fake, members: () => members });
    fake.emit('role', { role: 'primary', epoch: 3 });
    fake.emit('redispatch', { jobId: 'vit', taskId: 't1', workerId: 'w2', queries: 5, reason: 'timeout' });
    fake.emit('recorded', { jobId: 'vit', processingMs: 40, count: 8 });
    const scrape = async () => {
      const res = await get('/metrics');
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parsePrometheusText(await res.text());
    };
    let m = await scrape();
    expect(m.get('idunno_queries_total')?.type).toBe('counter');
    expect(sampleValue(m, 'idunno_queries_total', { job: 'vit', outcome: 'result' })).toBe(38);
    expect(sampleValue(m, 'idunno_queries_total', { job: 'vit', outcome: 'error' })).toBe(2);
    expect(sampleValue(m, 'idunno_queries_total', { job: 'tiny', outcome: 'result' })).toBe(10);
    expect(sampleValue(m, 'idunno_job_rate_qps', { job: 'vit' })).toBe(12.5);
    expect(sampleValue(m, 'idunno_job_assigned_workers', { job: 'vit' })).toBe(2);
    expect(sampleValue(m, 'idunno_query_processing_seconds', { job: 'vit', quantile: '0.99' })).toBeCloseTo(
      0.031,
    );
    expect(sampleValue(m, 'idunno_members', { role: 'worker', state: 'suspect' })).toBe(1);
    expect(sampleValue(m, 'idunno_members', { role: 'coordinator', state: 'alive' })).toBe(2);
    expect(sampleValue(m, 'idunno_leader_epoch')).toBe(3);
    expect(sampleValue(m, 'idunno_is_leader')).toBe(1);
    expect(sampleValue(m, 'idunno_takeovers_total')).toBe(1);
    expect(sampleValue(m, 'idunno_redispatched_queries_total', { job: 'vit' })).toBe(5);
    expect(m.get('idunno_query_processing_time_seconds')?.type).toBe('histogram');
    expect(sampleValue(m, 'idunno_query_processing_time_seconds_count', { job: 'vit' })).toBe(8);
    expect(sampleValue(m, 'idunno_query_processing_time_seconds_bucket', { job: 'vit', le: '0.05' })).toBe(8);
    expect(sampleValue(m, 'idunno_query_processing_time_seconds_bucket', { job: 'vit', le: '0.025' })).toBe(
      0,
    );
    // The process's own CPU counter (prom-client's default metrics) grows with work done. The
    // first scrape may read 0: the kernel accounts CPU in ticks, and little ran since start.
    const cpuBefore = sampleValue(m, 'process_cpu_user_seconds_total') ?? Number.NaN;
    expect(cpuBefore).toBeGreaterThanOrEqual(0);
    for (const end = performance.now() + 100; performance.now() < end; );
    m = await scrape();
    expect(sampleValue(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(cpuBefore);

    fake.setDone('vit', 70, 5);
    m = await scrape();
    expect(sampleValue(m, 'idunno_queries_total', { job: 'vit', outcome: 'result' })).toBe(65);
    expect(sampleValue(m, 'idunno_queries_total', { job: 'vit', outcome: 'error' })).toBe(5);
    fake.setDone('vit', 50, 1); // a lower total must not make a counter go down
    m = await scrape();
    expect(sampleValue(m, 'idunno_queries_total', { job: 'vit', outcome: 'result' })).toBe(65);
    expect(sampleValue(m, 'idunno_queries_total', { job: 'vit', outcome: 'error' })).toBe(5);
  });

  it('refuses a port out of range', async () => {
    await expect(
      startDashboard({ coordinator: new FakeCoordinator(), members: () => [], port: 70000 }),
    ).rejects.toThrow(/port must be an integer/);
  });
});
