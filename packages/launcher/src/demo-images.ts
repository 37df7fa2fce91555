import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mulberry32 } from '@idunno/random';
import sharp from 'sharp';

/** Options for {@link writeSyntheticImages}. */
export interface SyntheticImageOptions {
  /** Seed of the pictures' sizes, colours and shapes: the same seed writes the same files. @default 1 */
  seed?: number;
  /**
   * Reuse the images already in `dir` when it holds at least `count` of them (the demo and the
   * drills keep theirs in .idunno/demo-images across runs). @default false: always write
   */
  reuse?: boolean;
}

/** How many synthetic images the demo and the drills use when ../shared/images is absent. */
export const DEFAULT_DEMO_IMAGE_COUNT = 24;

const IMAGE_FILE = /\.(jpe?g|png)$/i;

/**
 * Writes `count` small, distinct, valid photo-like images (seeded gradients and shapes, mixed
 * JPEG/PNG, mixed sizes and aspect ratios) into `dir`, so tests, the demo and the drills run on a
 * machine without ../shared. Returns their paths in name order (with `reuse`, those of the set
 * found).
 */
export async function writeSyntheticImages(
  dir: string,
  count: number,
  options: SyntheticImageOptions = {},
): Promise<string[]> {
  if (options.reuse && existsSync(dir)) {
    const found = readdirSync(dir)
      .filter((f) => IMAGE_FILE.test(f))
      .sort();
    if (found.length >= count) return found.map((f) => join(dir, f));
  }
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  const rand = mulberry32(options.seed ?? 1);
  for (let i = 0; i < count; i++) {
    const width = 160 + Math.floor(rand() * 320);
    const height = 160 + Math.floor(rand() * 320);
    const pixels = Buffer.alloc(width * height * 3);
    const [r0, g0, b0] = [rand() * 255, rand() * 255, rand() * 255];
    const cx = rand() * width;
    const cy = rand() * height;
    const radius = 20 + rand() * 80;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 3;
        const inside = (x - cx) ** 2 + (y - cy) ** 2 < radius ** 2;
        pixels[o] = inside ? 255 - r0 : (r0 + (x * 255) / width) % 256;
        pixels[o + 1] = inside ? 255 - g0 : (g0 + (y * 255) / height) % 256;
        pixels[o + 2] = inside ? 255 - b0 : (b0 + ((x + y) * 128) / (width + height)) % 256;
      }
    }
    const png = i % 2 === 1;
    const path = join(dir, `synthetic-${String(i).padStart(4, '0')}.${png ? 'png' : 'jpg'}`);
    const img = sharp(pixels, { raw: { width, height, channels: 3 } });
    await writeFile(path, png ? await img.png().toBuffer() : await img.jpeg({ quality: 90 }).toBuffer());
    paths.push(path);
  }
  return paths;
}
