import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticImages } from './demo-images.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'idunno-synthetic-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeSyntheticImages', () => {
  it('writes decodable JPEGs and PNGs, the same files for the same seed', async () => {
    const a = await writeSyntheticImages(join(dir, 'a'), 4);
    const b = await writeSyntheticImages(join(dir, 'b'), 4, { seed: 1 });
    const c = await writeSyntheticImages(join(dir, 'c'), 4, { seed: 2 });
    expect(a.map((p) => basename(p))).toEqual([
      'synthetic-0000.jpg',
      'synthetic-0001.png',
      'synthetic-0002.jpg',
      'synthetic-0003.png',
    ]);
    for (const [i, p] of a.entries()) {
      expect(readFileSync(p).equals(readFileSync(b[i]!))).toBe(true);
      const meta = await sharp(p).metadata();
      expect(meta.format).toBe(i % 2 ? 'png' : 'jpeg');
    }
    expect(readFileSync(a[0]!).equals(readFileSync(c[0]!))).toBe(false);
  });

  it('reuses a set that is large enough and tops up one that is not', async () => {
    const first = await writeSyntheticImages(join(dir, 'reuse'), 3, { reuse: true });
    const written = statSync(first[0]!).mtimeMs;
    const again = await writeSyntheticImages(join(dir, 'reuse'), 2, { reuse: true });
    expect(again).toEqual(first);
    expect(statSync(first[0]!).mtimeMs).toBe(written);
    const more = await writeSyntheticImages(join(dir, 'reuse'), 5, { reuse: true });
    expect(more).toHaveLength(5);
  });
});
