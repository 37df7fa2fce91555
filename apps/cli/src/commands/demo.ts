import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mirrorFromEnv } from '@idunno/models';
import { WorkerConnection } from '@idunno/worker';
import { positiveInt } from '../args.js';
import { expandInputs } from '../images.js';
import { writeDemoImages } from '../demo-images.js';

export const DEMO_HELP = `usage: idunno demo [--images <dir>] [--repeat n] [--batch-size n]

Starts a worker process and classifies a folder of images through its gRPC task API, printing
each image's top-1 and the throughput. With IDUNNO_MODEL_MIRROR set (to a folder holding
vit_tiny_patch16_224.onnx) it uses the real trained ViT-Tiny; without it, the generated, UNTRAINED
ViT-Tiny twin (same architecture and cost; its labels are meaningless) on synthetic images.

options:
  --images <dir>      images to classify (default: ../shared/images if present, else generated)
  --repeat <n>        send every image n times (default 4)
  --batch-size <n>    queries per task (default 8)
  -h, --help          this text`;

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      images: { type: 'string' },
      repeat: { type: 'string' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${DEMO_HELP}\n`);
    return 0;
  }
  const repeat = positiveInt('repeat', values.repeat, 4, 1000);
  const batch = positiveInt('batch-size', values['batch-size'], 8, 256);
  const mirror = mirrorFromEnv();
  const model = mirror ? 'vit-tiny' : 'vit-tiny-untrained';
  const sharedImages = join(REPO, '../shared/images');
  const dir =
    values.images ?? (mirror && existsSync(sharedImages) ? sharedImages : await writeDemoImages(join(REPO, '.idunno/demo-images')));
  const files = await expandInputs([dir]);
  process.stdout.write(`model ${model}${mirror ? ' (trained, from the mirror)' : ' (UNTRAINED: labels are meaningless)'}; ${files.length} images from ${dir}\n`);

  const child = spawn(process.execPath, [join(REPO, 'apps/worker/dist/main.js'), '--port', '0', '--preload', model], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, IDUNNO_LOG_LEVEL: process.env.IDUNNO_LOG_LEVEL ?? 'warn' },
  });
  const stopChild = () => child.kill('SIGTERM');
  process.once('SIGINT', stopChild);
  try {
    const address = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`worker exited with code ${code} before listening`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const e = JSON.parse(line) as { event?: string; address?: string };
          if (e.event === 'listening' && e.address) resolve(e.address);
        } catch {
          // not an event line
        }
      });
    });
    process.stdout.write(`worker listening on ${address}\n`);
    const conn = new WorkerConnection(address);
    const uris = Array.from({ length: repeat }, () => files).flat();
    const t0 = performance.now();
    let done = 0;
    let errors = 0;
    const shown = new Set<string>();
    for (let i = 0; i < uris.length; i += batch) {
      const slice = uris.slice(i, i + batch);
      const reply = await conn.runTask(
        { taskId: `demo-${i}`, jobId: 'demo', model, topK: 3, epoch: 1, queries: slice.map((uri, j) => ({ queryId: String(i + j), uri })) },
        120_000,
      );
      for (const [j, r] of reply.results.entries()) {
        const uri = slice[j]!;
        done++;
        if (r.error) errors++;
        if (shown.has(uri)) continue;
        shown.add(uri);
        const best = r.topK[0];
        process.stdout.write(
          `  ${uri.split('/').pop()!.padEnd(28)} ${r.error ? `ERROR ${r.error.code}` : `${best?.label} (${best?.probability.toFixed(3)})`}\n`,
        );
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(`${done} queries (${errors} errors) in ${seconds.toFixed(2)} s: ${(done / seconds).toFixed(1)} images/s\n`);
    conn.close();
    return errors > 0 ? 1 : 0;
  } finally {
    stopChild();
    process.off('SIGINT', stopChild);
  }
}
