import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChecksumMismatchError, LabelsMissingError, ModelMissingError } from './errors.js';
import { ensureModel, fetchModel, sha256File } from './fetch.js';
import { onnxTypes } from './generate/onnx-proto.js';
import { loadLabels } from './labels.js';
import { getModel } from './registry.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MIRROR = resolve(REPO_ROOT, process.env.IDUNNO_MODEL_MIRROR ?? '../shared/models');
const VIT_TINY = getModel('vit-tiny');
const hasMirror = existsSync(join(MIRROR, VIT_TINY.file));
if (!hasMirror) {
  console.warn(
    `skipping mirror tests: ${join(MIRROR, VIT_TINY.file)} does not exist (set IDUNNO_MODEL_MIRROR)`,
  );
}

let dir: string;
let scratch: string;
const savedMirror = process.env.IDUNNO_MODEL_MIRROR;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'idunno-fetch-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(scratch, 'models-'));
  // Each test says which mirror it uses; none may pick one up from the environment.
  delete process.env.IDUNNO_MODEL_MIRROR;
});
afterEach(() => {
  if (savedMirror === undefined) delete process.env.IDUNNO_MODEL_MIRROR;
  else process.env.IDUNNO_MODEL_MIRROR = savedMirror;
});

describe('fetching from a mirror', () => {
  it.skipIf(!hasMirror)(
    'copies vit-tiny from the mirror with its sha256 verified, and its labels',
    async () => {
      const lines: string[] = [];
      const path = await fetchModel('vit-tiny', { mirror: MIRROR, dir, log: (l) => lines.push(l) });
      expect(path).toBe(join(dir, VIT_TINY.file));
      expect(await sha256File(path)).toBe(VIT_TINY.source.kind === 'fetch' ? VIT_TINY.source.sha256 : '');
      expect(lines.join('\n')).toContain('sha256 verified');
      const labels = await loadLabels(VIT_TINY, { dir });
      expect(labels).toHaveLength(1000);
      expect(labels[1]).toBe('goldfish');
    },
  );

  it.skipIf(!hasMirror)('ensureModel copies from IDUNNO_MODEL_MIRROR when the model is missing', async () => {
    process.env.IDUNNO_MODEL_MIRROR = MIRROR;
    const path = await ensureModel('vit-tiny', { dir });
    expect(existsSync(path)).toBe(true);
  });

  it.skipIf(!hasMirror)(
    'decodes the real vit-tiny file with proto/onnx.proto (field numbers match)',
    async () => {
      const t = await onnxTypes();
      const model = t.ModelProto.toObject(t.ModelProto.decode(await readFile(join(MIRROR, VIT_TINY.file))), {
        longs: Number,
      });
      expect(model.ir_version).toBe(8);
      expect(model.opset_import).toContainEqual({ domain: '', version: 17 });
      expect(model.graph.input[0].name).toBe('input');
      expect(model.graph.output[0].name).toBe('logits');
      const ops = new Set(model.graph.node.map((n: { op_type: string }) => n.op_type));
      expect(ops.has('LayerNormalization')).toBe(true);
      expect(model.graph.initializer.length).toBeGreaterThan(100);
    },
  );

  it('rejects a corrupted mirror copy with ChecksumMismatchError and leaves no file behind', async () => {
    const badMirror = join(scratch, 'bad-mirror');
    await mkdir(badMirror, { recursive: true });
    await writeFile(join(badMirror, VIT_TINY.file), 'not the vit-tiny model');
    const err = await fetchModel('vit-tiny', { mirror: badMirror, dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumMismatchError);
    const mismatch = err as ChecksumMismatchError;
    expect(mismatch.model).toBe('vit-tiny');
    expect(mismatch.expected).toBe(VIT_TINY.source.kind === 'fetch' ? VIT_TINY.source.sha256 : '');
    expect(mismatch.actual).toMatch(/^[0-9a-f]{64}$/);
    expect(mismatch.actual).not.toBe(mismatch.expected);
    expect(existsSync(join(dir, VIT_TINY.file))).toBe(false);
  });
});

describe('without a mirror', () => {
  it('ensureModel reports ModelMissingError naming the command that fixes it', async () => {
    const err = await ensureModel('vit-tiny', { dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelMissingError);
    const missing = err as ModelMissingError;
    expect(missing.model).toBe('vit-tiny');
    expect(missing.path).toBe(join(dir, VIT_TINY.file));
    expect(missing.message).toContain('IDUNNO_MODEL_MIRROR=<dir> pnpm models:fetch vit-tiny');
  });

  it('fetchModel of a mirror-only model reports ModelMissingError too', async () => {
    await expect(fetchModel('vit-tiny', { dir })).rejects.toBeInstanceOf(ModelMissingError);
  });

  it('ensureModel generates a missing untrained model, once', async () => {
    const lines: string[] = [];
    const path = await ensureModel('tiny', { dir, log: (l) => lines.push(l) });
    expect(existsSync(path)).toBe(true);
    expect(lines.join('\n')).toMatch(/UNTRAINED/);
    const again: string[] = [];
    await ensureModel('tiny', { dir, log: (l) => again.push(l) });
    expect(again).toEqual([]);
  });

  it('labels untrained models visibly, and reports a missing label file', async () => {
    const labels = await loadLabels(getModel('resnet18'));
    expect(labels).toHaveLength(1000);
    expect(labels[0]).toBe('untrained-class-0');
    expect(labels[999]).toBe('untrained-class-999');
    await expect(loadLabels(VIT_TINY, { dir })).rejects.toBeInstanceOf(LabelsMissingError);
  });
});
