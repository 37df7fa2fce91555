/** classify: the single-process reference that the cluster's answers must equal. */
import { Classifier, type QueryOutcome } from '@idunno/inference';
import { getModel } from '@idunno/models';
import { Option } from 'commander';
import { type CommandSpec, positiveInt, UsageError } from '../flags.js';
import { expandInputs } from '../images.js';

export const DEFAULT_CLASSIFY_TOP_K = 5;
export const DEFAULT_CLASSIFY_BATCH_SIZE = 16;
export const DEFAULT_CLASSIFY_THREADS = 1;

export interface ClassifyFlags {
  model?: string;
  /** @default DEFAULT_CLASSIFY_TOP_K */
  topK: number;
  /** @default DEFAULT_CLASSIFY_BATCH_SIZE */
  batchSize: number;
  /** @default DEFAULT_CLASSIFY_THREADS */
  threads: number;
  json?: boolean;
}

export const classifyCommand: CommandSpec<[string[], ClassifyFlags]> = {
  define: (cmd) =>
    cmd
      .usage('--model <name> <file|dir|url>... [options]')
      .description(
        "Classifies images in this one process (no cluster): the reference the cluster's answers must " +
          'equal, and the baseline of the throughput benchmarks. Directories are expanded to their image files.',
      )
      .argument('[inputs...]', 'image files, directories of images or http(s) URLs')
      .option('--model <name>', 'model from the registry (see: pnpm models:fetch --help / models list)')
      .addOption(
        new Option('--top-k <n>', 'classes per image, at most 1000')
          .default(DEFAULT_CLASSIFY_TOP_K)
          .argParser((v) => positiveInt('top-k', v, 1000)),
      )
      .addOption(
        new Option('--batch-size <n>', 'images per inference run, at most 256')
          .default(DEFAULT_CLASSIFY_BATCH_SIZE)
          .argParser((v) => positiveInt('batch-size', v, 256)),
      )
      .addOption(
        new Option('--threads <n>', 'inference threads, at most 64')
          .default(DEFAULT_CLASSIFY_THREADS)
          .argParser((v) => positiveInt('threads', v, 64)),
      )
      .option(
        '--json',
        'one JSON object per line: {"uri","topK":[{index,label,probability}]} or {"uri","error"}',
      )
      .addHelpText(
        'after',
        '\nExit code: 0 when every image was classified, 1 when any failed, 2 for bad usage.',
      ),
  run: async (inputs, flags) => {
    if (!flags.model) throw new UsageError('classify needs --model <name>');
    if (inputs.length === 0) throw new UsageError('classify needs at least one image file, directory or URL');
    const spec = getModel(flags.model);
    const uris = await expandInputs(inputs);
    if (uris.length === 0) throw new UsageError(`no images found in ${inputs.join(', ')}`);
    if (!spec.trained && !flags.json) {
      process.stderr.write(
        `note: ${spec.name} is UNTRAINED (seeded random weights): its labels are meaningless\n`,
      );
    }
    const classifier = new Classifier({ maxRunBatch: flags.batchSize, pool: { threads: flags.threads } });
    try {
      const outcomes = await classifier.classify(
        spec.name,
        uris.map((uri, i) => ({ id: String(i), uri })),
        flags.topK,
      );
      for (const o of outcomes)
        process.stdout.write(flags.json ? `${JSON.stringify(toJson(o))}\n` : `${toLine(o)}\n`);
      return outcomes.some((o) => o.error) ? 1 : 0;
    } finally {
      await classifier.close();
    }
  },
};

function toJson(o: QueryOutcome): object {
  return o.error ? { uri: o.uri, error: o.error } : { uri: o.uri, topK: o.topK };
}

function toLine(o: QueryOutcome): string {
  if (o.error) return `${o.uri}\tERROR ${o.error.code}: ${o.error.message}`;
  const best = o.topK?.[0];
  const rest = (o.topK ?? [])
    .slice(1)
    .map((c) => `${c.label} ${c.probability.toFixed(3)}`)
    .join(', ');
  return `${o.uri}\t${best ? `${best.index} ${best.label} (${best.probability.toFixed(3)})` : '-'}${rest ? `\t${rest}` : ''}`;
}
