import { writeFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startCluster, waitFor } from '../../testkit/dist/index.js';
import { CoordinatorConnection } from '../dist/index.js';
import { Classifier } from '../../inference/dist/index.js';
const dir = mkdtempSync(tmpdir() + '/lat-');
const img = '/work/shared/images';
const imgs = readdirSync(img).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => `${img}/${f}`);
const list = dir + '/list.txt';
const N = 48;
writeFileSync(list, Array.from({ length: N }, (_, i) => imgs[i % imgs.length]).join('\n') + '\n');
const env = { IDUNNO_MODEL_MIRROR: '/work/shared/models', IDUNNO_LOG_LEVEL: 'debug' };
const cluster = await startCluster({ workers: 1, coordinators: 2, profile: 'lan', workerArgs: ['--threads', '1', '--intra-op-threads', '2', '--preload', 'vit-tiny'], coordinatorArgs: ['--max-in-flight', '1'], env });
const c = new Classifier({ pool: { threads: 1, intraOpThreads: 2 }, maxRunBatch: 1, mirror: '/work/shared/models' });
await c.load('vit-tiny');
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(2);
try {
  const conn = await waitFor(async () => { for (const a of cluster.controlAddresses()) { const c = new CoordinatorConnection(a); const l = await c.leader(1000).catch(() => undefined); if (l?.isLeader) { const m = await c.members(); if (m.members.some((x) => x.role === 'worker' && x.state === 'alive')) return c; } c.close(); } }, { timeoutMs: 30000, intervalMs: 100 });
  const loc = [];
  for (const id of ['w', 'x']) {
    for (const uri of imgs.concat(imgs)) { const t = performance.now(); await c.classify('vit-tiny', [{ id: '0', uri }], 5); loc.push(performance.now() - t); }
    await conn.addJob({ jobId: id, model: 'vit-tiny', inputs: [list], batchSize: 1, topK: 5 });
    await conn.startJob(id);
    await waitFor(async () => ((await conn.stats(id)).jobs[0].job.state === 'completed' ? true : undefined), { timeoutMs: 60000, intervalMs: 20 });
  }
  const page = await conn.results('x', 0, 1000);
  const p = page.results.map((r) => JSON.parse(r.payload));
  const ats = p.map((x) => x.at).sort((a, b) => a - b);
  const cyc = ats.slice(1).map((t, i) => t - ats[i]);
  const wms = cluster.workers[0].stderr().split('\n').filter((l) => l.includes('task_done')).map((l) => JSON.parse(l).ms).slice(-N);
  console.log('inproc p50', med(loc.slice(24)), 'worker runTask p50', med(wms), 'rtt p50', med(p.map((x) => x.ms)), 'cycle p50', med(cyc));
} finally { await cluster.stop(); await c.close(); }
