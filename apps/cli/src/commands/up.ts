import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchCluster, ONE_MACHINE_CLUSTER } from '@idunno/launcher';
import { positiveInt } from '../args.js';

export const UP_HELP = `usage: idunno up [--workers n] [--coordinators n]

Starts a local cluster in one command and keeps it running until Ctrl-C: a redis-server child on a
free port with append-only persistence (unless REDIS_URL is set), coordinators (the first to take
the lease leads, the others are hot standbys) and n workers joined through gossip. Writes
.idunno/cluster.json so that idunno commands run from this directory find the cluster
(IDUNNO_COORDINATORS overrides). Logs go to .idunno/logs/.

options:
  --workers <n>        workers to start (default 2)
  --coordinators <n>   coordinators to start (default 2: primary + standby)
  --preload <m1,m2>    models every worker loads before it reports ready
  -h, --help           this text`;

export async function upCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workers: { type: 'string' },
      coordinators: { type: 'string' },
      preload: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${UP_HELP}\n`);
    return 0;
  }
  const cluster = await launchCluster({
    ...ONE_MACHINE_CLUSTER,
    workers: positiveInt('workers', values.workers, 2, 64),
    coordinators: positiveInt('coordinators', values.coordinators, 2, 5),
    stateDir: resolve('.idunno'),
    ...(process.env.REDIS_URL ? { redis: process.env.REDIS_URL } : {}),
    preload: (values.preload ?? '').split(',').filter(Boolean),
  });
  process.stdout.write(`redis         ${cluster.redisUrl}\n`);
  for (const c of cluster.coordinators) {
    process.stdout.write(
      `coordinator   ${c.id.padEnd(16)} control ${c.address}  gossip ${c.gossip}${c.dashboard ? `  dashboard ${c.dashboard}` : ''}\n`,
    );
  }
  for (const w of cluster.workers) process.stdout.write(`worker        ${w.id.padEnd(16)} ${w.address}\n`);
  process.stdout.write(
    `cluster file  ${cluster.clusterFile}\nready: try \`pnpm idunno members\`; Ctrl-C stops everything\n`,
  );
  await new Promise<void>((done) => {
    const stop = () => {
      process.stdout.write('stopping…\n');
      void cluster.stop().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
