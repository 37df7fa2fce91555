import { parseArgs } from 'node:util';
import { Classifier, type QueryOutcome } from '@idunno/inference';
import { getModel } from '@idunno/models';
import { positiveInt, UsageError } from '../args.js';
import { expandInputs } from '../images.js';

export const CLASSIFY_HELP = `usage: idunno classify --model <name> <file|dir|url>... [options]

Classifies images in this one process (no cluster): the reference the cluster's answers must equal,
and the baseline of the throughput benchmarks. Directories are expanded to their image files.

options:
  --model <name>         model from the registry (see: pnpm models:fetch --help / models list)
  --top-k <n>            classes per image (default 5)
  --batch-size <n>       images per inference run (default 16, at most 256)
  --threads <n>          inference threads (default 1)
  --json                 one JSON object per line: {"uri","topK":[{index,label,probability}]} or {"uri","error"}
  -h, --help             this text

Exit code: 0 when every image was classified, 1 when any failed, 2 for bad usage.`;

export async function classifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      'top-k': { type: 'string' },
      'batch-size': { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(`${CLASSIFY_HELP}\n`);
    return 0;
  }
  if (!values.model) throw new UsageError('classify needs --model <name>');
  if (positionals.length === 0)
    throw new UsageError('classify needs at least one image file, directory or URL');
  const spec = getModel(values.model);
  const k = positiveInt('top-k', values['top-k'], 5, 1000);
  const batch = positiveInt('batch-size', values['batch-size'], 16, 256);
  const threads = positiveInt('threads', values.threads, 1, 64);
  const uris = await expandInputs(positionals);
  if (uris.length === 0) throw new UsageError(`no images found in ${positionals.join(', ')}`);
  if (!spec.trained && !values.json) {
    process.stderr.write(
      `note: ${spec.name} is UNTRAINED (seeded random weights): its labels are meaningless\n`,
    );
  }
  const classifier = new Classifier({ maxRunBatch: batch, pool: { threads } });
  try {
    const outcomes = await classifier.classify(
      spec.name,
      uris.map((uri, i) => ({ id: String(i), uri })),
      k,
    );
    for (const o of outcomes)
      process.stdout.write(values.json ? `${JSON.stringify(toJson(o))}\n` : `${toLine(o)}\n`);
    return outcomes.some((o) => o.error) ? 1 : 0;
  } finally {
    await classifier.close();
  }
}

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
