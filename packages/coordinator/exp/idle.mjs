import { readFileSync } from 'node:fs';
import { startCluster } from '../../testkit/dist/index.js';
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
for (const profile of ['local', 'lan']) {
  const c = await startCluster({ workers: 2, coordinators: 2, profile, workerArgs: ['--threads', '1', '--intra-op-threads', '1'] });
  await new Promise((r) => setTimeout(r, 4000));
  const pids = [...c.coordinators.map((x) => ['coord', x.pid]), ...c.workers.map((x) => ['worker', x.pid]), ['redis', c.redis.pid]];
  const a = pids.map(([, p]) => cpu(p));
  await new Promise((r) => setTimeout(r, 10000));
  const b = pids.map(([, p]) => cpu(p));
  console.log(profile, pids.map(([n], i) => `${n} ${((b[i] - a[i]) * 10).toFixed(1)}%`).join(', '));
  await c.stop();
}
