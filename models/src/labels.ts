import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LabelCountError, LabelsMissingError } from './errors.js';
import { type ModelSpec, mirrorFromEnv, modelDir } from './registry.js';

/** Label of class `i` of an untrained model: says so, so it cannot pass for a prediction. */
export function untrainedLabel(i: number): string {
  return `untrained-class-${i}`;
}

export interface LabelOptions {
  /** @default env IDUNNO_MODEL_MIRROR */
  mirror?: string;
  /** @default modelDir() */
  dir?: string;
}

/**
 * The class labels of `spec`, index = class id. File labels are looked up in the model directory,
 * then in the mirror; untrained models get synthetic `untrained-class-<i>` labels.
 */
export async function loadLabels(spec: ModelSpec, opts: LabelOptions = {}): Promise<string[]> {
  if (spec.labels.kind === 'untrained') {
    return Array.from({ length: spec.output.classes }, (_, i) => untrainedLabel(i));
  }
  const file = spec.labels.file;
  const mirror = opts.mirror ?? mirrorFromEnv();
  const candidates = [join(opts.dir ?? modelDir(), file)];
  if (mirror !== undefined) candidates.push(resolve(mirror, file));
  for (const path of candidates) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    // One label per line; the file ends with a newline. Names can repeat ("crane"): key by index.
    const labels = text.split(/\r?\n/);
    if (labels.at(-1) === '') labels.pop();
    if (labels.length !== spec.output.classes) {
      throw new LabelCountError(spec.name, path, spec.output.classes, labels.length);
    }
    return labels;
  }
  throw new LabelsMissingError(spec.name, file, candidates);
}
