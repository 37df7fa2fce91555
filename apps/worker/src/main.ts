#!/usr/bin/env node
// idunno worker: serves the worker task API and KServe v2 over gRPC. Thin: flags → wiring.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { Classifier } from '@idunno/inference';
import { jsonLogger } from '@idunno/log';
import { isProfileName, type Membership, startMembership } from '@idunno/membership';
import { WorkerService } from '@idunno/worker';

const HELP = `usage: idunno-worker [options]

Serves idunno.worker.v1.Worker (tasks of image URIs) and the KServe v2 inference API on one gRPC port.

options:
  --host <addr>            address to bind (default 127.0.0.1; 0.0.0.0 for other machines)
  --port <n>               port to bind (default 0: an ephemeral port, printed on start)
  --id <name>              worker id (default <hostname>-<pid>)
  --threads <n>            inference threads (default 1)
  --intra-op-threads <n>   onnxruntime threads per inference thread (default cores / threads)
  --max-task-queries <n>   largest task accepted (default 1024)
  --preload <m1,m2>        models to load before reporting ready
  --seeds <h:p,…>          gossip members to join (coordinators); without it the worker runs alone
  --gossip-port <n>        membership UDP port (default 0)
  --profile lan|local      gossip timing profile (default lan)
  -h, --help               this text

Prints one JSON line {"event":"listening","address":…} on stdout when ready; logs JSON lines on
stderr. SIGTERM or SIGINT: stops taking tasks, finishes running ones, exits 0.
Environment: IDUNNO_MODEL_DIR (model files), IDUNNO_MODEL_MIRROR (copy models from here).`;

function int(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`idunno-worker: --${name} must be a non-negative integer, got "${value}"\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      id: { type: 'string' },
      threads: { type: 'string' },
      'intra-op-threads': { type: 'string' },
      'max-task-queries': { type: 'string' },
      preload: { type: 'string' },
      seeds: { type: 'string', default: '' },
      'gossip-port': { type: 'string', default: '0' },
      profile: { type: 'string', default: 'lan' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const workerId = values.id ?? `${hostname()}-${process.pid}`;
  const log = jsonLogger({ base: { node: workerId, role: 'worker' } });
  const threads = int('threads', values.threads, undefined);
  const intra = int('intra-op-threads', values['intra-op-threads'], undefined);
  const classifier = new Classifier({
    pool: {
      ...(threads !== undefined ? { threads } : {}),
      ...(intra !== undefined ? { intraOpThreads: intra } : {}),
    },
  });
  const service = new WorkerService(
    classifier,
    { workerId, maxTaskQueries: int('max-task-queries', values['max-task-queries'], 1024)! },
    {
      task: (t) => log.debug('task_done', t),
      rejected: (r) => log.warn('task_rejected', r),
    },
  );
  for (const model of (values.preload ?? '').split(',').filter(Boolean)) {
    const loaded = await classifier.load(model);
    log.info('model_loaded', { model, loadMs: Math.round(loaded.loadMs), trained: loaded.spec.trained });
  }
  // Signal handlers go in before the ready line: a parent may signal as soon as it reads it.
  let membership: Membership | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting_down', { signal });
    service.shutdown().then(
      async () => {
        await membership?.leave().catch(() => {});
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const port = await service.listen(values.host, int('port', values.port, 0)!);
  const address = `${values.host}:${port}`;
  process.stdout.write(`${JSON.stringify({ event: 'listening', address, workerId, pid: process.pid })}\n`);
  log.info('listening', { address });
  const seeds = values.seeds.split(',').filter(Boolean);
  if (seeds.length > 0) {
    if (!isProfileName(values.profile))
      throw new Error(`--profile must be lan or local, got ${values.profile}`);
    membership = await startMembership({
      nodeId: workerId,
      bindHost: values.host,
      bindPort: int('gossip-port', values['gossip-port'], 0)!,
      seeds,
      meta: { role: 'worker', grpcAddress: address, models: classifier.loadedModels(), labels: {} },
      profile: values.profile,
      logger: log.child({ part: 'membership' }),
    });
    const m = membership;
    service.onModelsChanged = () => m.updateMeta({ models: classifier.loadedModels() });
    process.stdout.write(`${JSON.stringify({ event: 'gossip', address: m.address })}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`idunno-worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
