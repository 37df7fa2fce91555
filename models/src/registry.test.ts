import { describe, expect, it } from 'vitest';
import { UnknownModelError } from './errors.js';
import { getModel, listModels, modelDir, modelPath } from './registry.js';

describe('registry', () => {
  it('throws UnknownModelError listing the known names for an unknown model', () => {
    let caught: unknown;
    try {
      getModel('nope');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UnknownModelError);
    const err = caught as UnknownModelError;
    expect(err.name).toBe('UnknownModelError');
    expect(err.model).toBe('nope');
    expect(err.known).toEqual(listModels().map((m) => m.name));
    for (const name of ['vit-tiny', 'resnet18', 'tiny']) expect(err.message).toContain(name);
  });

  it('orders relative costs like the architectures: tiny < vit-tiny < resnet50 < vit-base', () => {
    const cost = (name: string) => getModel(name).relativeCost;
    expect(cost('vit-tiny')).toBe(1);
    expect(cost('tiny')).toBeLessThan(0.01);
    expect(cost('vit-tiny-untrained')).toBeCloseTo(cost('vit-tiny'), 0);
    expect(cost('resnet18')).toBeLessThan(cost('resnet50'));
    expect(cost('vit-tiny')).toBeLessThan(cost('resnet50'));
    expect(cost('resnet50')).toBeLessThan(cost('vit-base'));
    for (const m of listModels()) expect(m.relativeCost).toBeGreaterThan(0);
  });

  it('marks every generated model untrained, with untrained labels', () => {
    for (const m of listModels()) {
      const generated = m.source.kind === 'generated';
      expect(m.trained, m.name).toBe(!generated);
      expect(m.labels.kind === 'untrained', m.name).toBe(generated);
      if (generated) expect(m.description, m.name).toMatch(/UNTRAINED/);
    }
  });

  it('gives vit-tiny the mirror-only source and ViT preprocessing from the MANIFEST', () => {
    const m = getModel('vit-tiny');
    expect(m.source).toEqual({
      kind: 'fetch',
      url: null,
      sha256: 'f3ecfb99c846183831a28645bb7b7a8c9022fd50125ed3707751ffd81fb5b869',
      bytes: 22_896_291,
    });
    expect(m.preprocess).toEqual({
      resizeShorter: 248,
      crop: 224,
      interpolation: 'bicubic',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    expect(getModel('resnet18').preprocess.mean).toEqual([0.485, 0.456, 0.406]);
  });

  it('resolves model paths under IDUNNO_MODEL_DIR when it is set', () => {
    const saved = process.env.IDUNNO_MODEL_DIR;
    try {
      process.env.IDUNNO_MODEL_DIR = '/tmp/idunno-models-test';
      expect(modelDir()).toBe('/tmp/idunno-models-test');
      expect(modelPath(getModel('tiny'))).toBe('/tmp/idunno-models-test/tiny.untrained.onnx');
      delete process.env.IDUNNO_MODEL_DIR;
      expect(modelDir()).toMatch(/models\/files\/?$/);
    } finally {
      if (saved === undefined) delete process.env.IDUNNO_MODEL_DIR;
      else process.env.IDUNNO_MODEL_DIR = saved;
    }
  });
});
