/** demo: the main job end to end on a local cluster it starts and stops. */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ClusterClient } from '@idunno/client';
import {
  DEFAULT_DEMO_IMAGE_COUNT,
  launchCluster,
  ONE_MACHINE_CLUSTER,
  REPO_ROOT,
  writeSyntheticImages,
} from '@idunno/launcher';
import { mirrorFromEnv } from '@idunno/models';
import { Option } from 'commander';
import { type CommandSpec, positiveInt } from '../flags.js';

export const DEFAULT_DEMO_WORKERS = 2;
/** Queries of the ViT job; the ResNet-50 job gets a third (it costs about three times as much). */
export const DEFAULT_DEMO_QUERIES = 240;

export interface DemoFlags {
  /** @default DEFAULT_DEMO_WORKERS */
  workers: number;
  /** @default DEFAULT_DEMO_QUERIES */
  queries: number;
}

export const demoCommand: CommandSpec<[DemoFlags]> = {
  define: (cmd) =>
    cmd
      .description(
        'Runs the main job end to end: starts a local cluster (redis-server, a primary and a standby ' +
          'coordinator, workers), adds a ViT job and a ResNet-50 job, runs both to completion while printing ' +
          "live stats (the two jobs' query rates converge: fair-time scheduling), writes every result to " +
          '.idunno/demo/results-<job>.jsonl and stops the cluster.\n\n' +
          'With IDUNNO_MODEL_MIRROR set to a folder holding vit_tiny_patch16_224.onnx, the ViT job uses the ' +
          'real trained ViT-Tiny on ../shared/images; otherwise its generated twin, which is UNTRAINED (same ' +
          'architecture and cost, meaningless labels), on synthetic images. ResNet-50 is always generated and ' +
          'UNTRAINED (no trained ResNet file exists offline).',
      )
      .addOption(
        new Option('--workers <n>', 'workers, at most 16')
          .default(DEFAULT_DEMO_WORKERS)
          .argParser((v) => positiveInt('workers', v, 16)),
      )
      .addOption(
        new Option('--queries <n>', 'queries of the ViT job (ResNet-50 gets a third of that), at most 100000')
          .default(DEFAULT_DEMO_QUERIES)
          .argParser((v) => positiveInt('queries', v, 100_000)),
      ),
  run: async ({ workers, queries: vitQueries }) => {
    const state = resolve('.idunno/demo');
    // Self-contained, like the drill: the last run's jobs in the append-only file would collide
    // with this run's job names ('job "vit" already exists' on a second pnpm demo).
    await rm(join(state, 'redis'), { recursive: true, force: true });
    await mkdir(state, { recursive: true });
    const mirror = mirrorFromEnv();
    const shared = join(REPO_ROOT, '../shared/images');
    const vitModel = mirror ? 'vit-tiny' : 'vit-tiny-untrained';
    const demoImages = join(REPO_ROOT, '.idunno/demo-images');
    const photos = mirror && existsSync(shared) ? shared : demoImages;
    if (photos === demoImages)
      await writeSyntheticImages(demoImages, DEFAULT_DEMO_IMAGE_COUNT, { reuse: true });
    const files = readdirSync(photos)
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .sort()
      .map((f) => join(photos, f));
    const list = async (name: string, n: number) => {
      const path = join(state, `${name}.txt`);
      await writeFile(path, `${Array.from({ length: n }, (_, i) => files[i % files.length]).join('\n')}\n`);
      return path;
    };
    process.stdout.write(
      `ViT job: ${vitModel}${mirror ? ' (trained)' : ' (UNTRAINED: labels meaningless)'} on ${files.length} images from ${photos}\n` +
        'ResNet job: resnet50 (generated, UNTRAINED: labels meaningless)\n' +
        `starting a local cluster with ${workers} workers…\n`,
    );
    const cluster = await launchCluster({
      ...ONE_MACHINE_CLUSTER,
      workers,
      coordinators: 2,
      stateDir: state,
      preload: [vitModel, 'resnet50'],
    });
    const onSignal = () => void cluster.stop().then(() => process.exit(130));
    process.once('SIGINT', onSignal);
    const client = new ClusterClient(cluster.coordinators.map((c) => c.address));
    try {
      await client.leader(); // waits out the election of the first leader
      const jobs = [
        { jobId: 'vit', model: vitModel, inputs: [await list('vit', vitQueries)], batchSize: 8 },
        {
          jobId: 'resnet',
          model: 'resnet50',
          inputs: [await list('resnet', Math.max(1, Math.round(vitQueries / 3)))],
          batchSize: 4,
        },
      ];
      for (const j of jobs) await client.change((c) => c.addJob(j));
      for (const j of jobs) await client.change((c) => c.startJob(j.jobId));
      const t0 = Date.now();
      for (;;) {
        const stats = await client.read((c) => c.stats());
        const line = stats.jobs
          .map((s) => {
            const job = s.job!;
            return `${job.jobId.padEnd(6)} ${String(s.done).padStart(4)}/${job.totalQueries} ${s.rateQps.toFixed(1).padStart(6)} q/s p50 ${s.processing!.medianMs.toFixed(0).padStart(4)} ms [${s.workers.join(',')}]`;
          })
          .join('   ');
        process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s  ${line}\n`);
        if (stats.jobs.every((s) => s.job?.state === 'completed')) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      for (const j of jobs) {
        const out = join(state, `results-${j.jobId}.jsonl`);
        const rows: string[] = [];
        let first = '';
        for (const o of await client.allResults(j.jobId)) {
          const top = o.kind === 'result' ? o.topK[0] : undefined;
          first ||= `${o.uri.split('/').pop()} → ${top?.label} (${top?.probability.toFixed(3)})`;
          // The stored payload's fields flat beside the query ({…, topK, worker, ms, at} or {…, code, message}).
          const { queryId, uri, kind } = o;
          rows.push(
            JSON.stringify(o.kind === 'result' ? o : { queryId, uri, kind, ...o.error, worker: o.worker }),
          );
        }
        await writeFile(out, `${rows.join('\n')}\n`);
        process.stdout.write(`${j.jobId}: ${rows.length} results in ${out} (e.g. ${first})\n`);
      }
      process.stdout.write(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s; stopping the cluster\n`);
      return 0;
    } finally {
      client.close();
      process.off('SIGINT', onSignal);
      await cluster.stop();
    }
  },
};
