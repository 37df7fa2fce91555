#!/usr/bin/env node
// `pnpm models:fetch` / `pnpm models:build` / `node models/dist/cli.js list`. Thin: parses flags,
// calls the library, prints its log lines, maps failures to a message and a non-zero exit.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildUntrained, fetchModel, fixCommand } from './fetch.js';
import { getModel, listModels, type ModelSpec, mirrorFromEnv, modelDir, modelPath } from './registry.js';

const HELP = `idunno models: registry, fetcher and generator of the ONNX models

Usage: node models/dist/cli.js <command> [name...] [options]

Commands:
  list            Table of registered models: name, family, trained, relative cost, present on disk.
  fetch [name...] Fetch trained models (default: every fetchable model). Copies from the mirror
                  (--mirror or IDUNNO_MODEL_MIRROR) verifying sha256; without a mirror (or when
                  the mirror lacks the file) downloads from the pinned URL. Models with no URL
                  need a mirror. Naming a generated model builds it.
  build [name...] Generate UNTRAINED architecture-faithful models with seeded weights. Default:
                  every generated model except vit-base (~345 MB); name it or pass --all.

Options:
  --mirror DIR    Mirror directory (default: env IDUNNO_MODEL_MIRROR).
  --dir DIR       Model directory (default: env IDUNNO_MODEL_DIR, else <repo>/models/files).
  --all           build: include vit-base.
  --force         build: regenerate even if the file exists.
  -h, --help      This text.

Exit status: 0 when every requested model is present afterwards, 1 otherwise, 2 on bad usage.`;

/** Generated models `build` skips unless named or --all: large, and only benchmarks need them. */
const BUILD_ON_REQUEST = new Set(['vit-base']);

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function list(dir: string): void {
  const rows = [['NAME', 'FAMILY', 'TRAINED', 'COST', 'PRESENT', 'SOURCE']];
  for (const m of listModels()) {
    rows.push([
      m.name,
      m.family,
      m.trained ? 'yes' : 'no (untrained)',
      String(m.relativeCost),
      existsSync(modelPath(m, dir)) ? 'yes' : 'no',
      m.source.kind === 'generated'
        ? `generated ${m.source.arch} seed ${m.source.seed}`
        : (m.source.url ?? 'mirror only'),
    ]);
  }
  console.log(table(rows));
  console.log(`\nmodel dir: ${dir}`);
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    console.error(`${describe(err)}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...names] = positionals;
  if (values.help === true || command === undefined) {
    console.log(HELP);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const dir = values.dir ?? modelDir();
  const mirror = values.mirror ?? mirrorFromEnv();
  const log = (line: string) => console.log(line);

  let specs: ModelSpec[];
  try {
    specs = names.map(getModel);
  } catch (err) {
    console.error(describe(err));
    return 2;
  }

  let failed = 0;
  switch (command) {
    case 'list':
      list(dir);
      return 0;
    case 'fetch': {
      if (specs.length === 0) specs = listModels().filter((m) => m.source.kind === 'fetch');
      for (const spec of specs) {
        try {
          await fetchModel(spec.name, { log, dir, ...(mirror === undefined ? {} : { mirror }) });
        } catch (err) {
          failed++;
          console.error(`${spec.name}: FAILED: ${describe(err)}`);
        }
      }
      break;
    }
    case 'build': {
      if (specs.length === 0) {
        specs = listModels().filter(
          (m) => m.source.kind === 'generated' && (values.all === true || !BUILD_ON_REQUEST.has(m.name)),
        );
      }
      for (const spec of specs) {
        if (spec.source.kind !== 'generated') {
          failed++;
          console.error(`${spec.name}: is a trained model, not generated; run: ${fixCommand(spec)}`);
          continue;
        }
        const dest = modelPath(spec, dir);
        if (values.force !== true && existsSync(dest)) {
          log(`${spec.name}: present (untrained, generated) at ${dest}; --force regenerates`);
          continue;
        }
        try {
          await buildUntrained(spec, dest, log);
        } catch (err) {
          failed++;
          console.error(`${spec.name}: FAILED: ${describe(err)}`);
        }
      }
      break;
    }
    default:
      console.error(`unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
  if (failed > 0) console.error(`${failed} of ${specs.length} model(s) failed`);
  return failed > 0 ? 1 : 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      mirror: { type: 'string' },
      dir: { type: 'string' },
      all: { type: 'boolean' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

process.exitCode = await main(process.argv.slice(2));
