import type { GeneratedArch, ModelSpec } from '../registry.js';
import { GraphBuilder } from './graph.js';
import { buildResnet } from './resnet.js';
import { buildTiny } from './tiny.js';
import { buildVit } from './vit.js';
import { type WrittenModel, writeModel } from './write.js';

/** Bump when a generator change alters the bytes of any generated model. */
export const GENERATOR_VERSION = '1';

export const PRODUCER_NAME = 'idunno-generator';

export const UNTRAINED_DOC =
  'UNTRAINED: seeded random weights, architecture-faithful; predictions are meaningless';

export type { WrittenModel } from './write.js';

/** Builds the graph of `arch` (no weights are generated yet). Exposed for parameter counting. */
export function buildGraph(arch: GeneratedArch, classes: number): GraphBuilder {
  const g = new GraphBuilder();
  const input = 'input';
  switch (arch) {
    case 'resnet18':
    case 'resnet50':
      buildResnet(g, arch, input, classes);
      break;
    case 'vit-ti':
    case 'vit-b':
      buildVit(g, arch, input, classes);
      break;
    case 'tiny':
      buildTiny(g, input, classes);
      break;
  }
  return g;
}

/**
 * Writes the untrained, seeded model for a generated `spec` to `path` (atomically). Same spec →
 * identical bytes. Throws if `spec` is not a generated model.
 */
export async function generateModel(spec: ModelSpec, path: string): Promise<WrittenModel> {
  if (spec.source.kind !== 'generated') {
    throw new Error(`model '${spec.name}' is fetched, not generated; use fetchModel`);
  }
  const { arch, seed } = spec.source;
  const graph = buildGraph(arch, spec.output.classes);
  return writeModel(
    path,
    seed,
    {
      producerName: PRODUCER_NAME,
      producerVersion: GENERATOR_VERSION,
      docString: UNTRAINED_DOC,
      graphName: `${spec.name} (untrained)`,
      metadata: {
        'idunno.model': spec.name,
        'idunno.arch': arch,
        'idunno.seed': String(seed),
        'idunno.trained': 'false',
      },
      inputs: [
        { name: spec.input.name, dims: ['batch', spec.input.channels, spec.input.height, spec.input.width] },
      ],
      outputs: [{ name: spec.output.name, dims: ['batch', spec.output.classes] }],
    },
    graph,
  );
}
