/** up: a local cluster in one command, until Ctrl-C. */
import { resolve } from 'node:path';
import { launchCluster, ONE_MACHINE_CLUSTER } from '@idunno/launcher';
import { Option } from 'commander';
import { type CommandSpec, positiveInt } from '../flags.js';

export const DEFAULT_UP_WORKERS = 2;
/** A primary and a hot standby. */
export const DEFAULT_UP_COORDINATORS = 2;

export interface UpFlags {
  /** @default DEFAULT_UP_WORKERS */
  workers: number;
  /** @default DEFAULT_UP_COORDINATORS */
  coordinators: number;
  preload?: string;
}

export const upCommand: CommandSpec<[UpFlags]> = {
  define: (cmd) =>
    cmd
      .description(
        'Starts a local cluster in one command and keeps it running until Ctrl-C: a redis-server child on a ' +
          'free port with append-only persistence (unless REDIS_URL is set), coordinators (the first to take ' +
          'the lease leads, the others are hot standbys) and n workers joined through gossip. Writes ' +
          '.idunno/cluster.json so that idunno commands run from this directory find the cluster ' +
          '(IDUNNO_COORDINATORS overrides). Logs go to .idunno/logs/.',
      )
      .addOption(
        new Option('--workers <n>', 'workers to start, at most 64')
          .default(DEFAULT_UP_WORKERS)
          .argParser((v) => positiveInt('workers', v, 64)),
      )
      .addOption(
        new Option('--coordinators <n>', 'coordinators to start, at most 5')
          .default(DEFAULT_UP_COORDINATORS, `${DEFAULT_UP_COORDINATORS}: primary + standby`)
          .argParser((v) => positiveInt('coordinators', v, 5)),
      )
      .option('--preload <m1,m2>', 'models every worker loads before it reports ready'),
  run: async (flags) => {
    const cluster = await launchCluster({
      ...ONE_MACHINE_CLUSTER,
      workers: flags.workers,
      coordinators: flags.coordinators,
      stateDir: resolve('.idunno'),
      ...(process.env.REDIS_URL ? { redis: process.env.REDIS_URL } : {}),
      preload: (flags.preload ?? '').split(',').filter(Boolean),
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
  },
};
