import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '@idunno/launcher';

/**
 * Where the real model mirror lives: $IDUNNO_MODEL_MIRROR, else ../shared/models beside the repo.
 * Returns undefined (with the reason) when it is absent so tests can say why they skip.
 */
export function modelMirror(): { dir: string | undefined; reason: string } {
  const dir = process.env.IDUNNO_MODEL_MIRROR ?? resolve(REPO_ROOT, '../shared/models');
  if (existsSync(join(dir, 'vit_tiny_patch16_224.onnx'))) return { dir, reason: '' };
  return {
    dir: undefined,
    reason: `no model mirror at ${dir} (set IDUNNO_MODEL_MIRROR to the folder holding vit_tiny_patch16_224.onnx)`,
  };
}

/** The real photos with expected labels: $IDUNNO_IMAGES, else ../shared/images. */
export function sharedImages(): { dir: string | undefined; reason: string } {
  const dir = process.env.IDUNNO_IMAGES ?? resolve(REPO_ROOT, '../shared/images');
  if (existsSync(join(dir, 'labels.json'))) return { dir, reason: '' };
  return {
    dir: undefined,
    reason: `no shared images at ${dir} (set IDUNNO_IMAGES to the folder holding labels.json)`,
  };
}
