import type { PreprocessSpec } from '@idunno/models';
import { gradientPng } from '@idunno/testkit';
import { describe, expect, it } from 'vitest';
import { DecodeError } from './errors.js';
import { decodeAndResize, imageElements, preprocessInto } from './preprocess.js';

const SPEC: PreprocessSpec = {
  resizeShorter: 40,
  crop: 32,
  interpolation: 'bilinear',
  mean: [0.5, 0.5, 0.5],
  std: [0.25, 0.25, 0.25],
};

describe('the decode/resize step that preprocessInto runs', () => {
  it('resizes the shorter side to resizeShorter and keeps the aspect ratio', async () => {
    const img = await decodeAndResize(gradientPng(100, 50, 1), SPEC);
    expect([img.width, img.height, img.channels]).toEqual([80, 40, 3]);
    expect(img.data.length).toBe(80 * 40 * 3);
  });

  it('is what preprocessInto crops and normalises', async () => {
    const bytes = gradientPng(100, 50, 2);
    const img = await decodeAndResize(bytes, SPEC);
    const out = new Float32Array(imageElements(SPEC));
    await preprocessInto(bytes, SPEC, out, 0);
    const left = Math.round((img.width - SPEC.crop) / 2);
    const top = Math.round((img.height - SPEC.crop) / 2);
    const plane = SPEC.crop * SPEC.crop;
    for (const [c, y, x] of [
      [0, 0, 0],
      [1, 7, 20],
      [2, 31, 31],
    ] as const) {
      const sample = img.data[((top + y) * img.width + left + x) * img.channels + c]!;
      const expected = (sample / 255 - SPEC.mean[c]) / SPEC.std[c];
      expect(out[c * plane + y * SPEC.crop + x]).toBeCloseTo(expected, 5);
    }
  });

  it('refuses empty bytes with a DecodeError naming the input', async () => {
    await expect(decodeAndResize(Buffer.alloc(0), SPEC, 'file:///empty.png')).rejects.toThrow(DecodeError);
    await expect(decodeAndResize(Buffer.alloc(0), SPEC, 'file:///empty.png')).rejects.toThrow(/empty\.png/);
  });
});
