import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * Writes a small, deterministic set of synthetic pictures (gradients with a disc) for machines
 * without ../shared/images. Idempotent: an existing set is reused.
 */
export async function writeDemoImages(dir: string, count = 24): Promise<string> {
  if (existsSync(dir) && readdirSync(dir).length >= count) return dir;
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const width = 200 + ((i * 37) % 240);
    const height = 200 + ((i * 53) % 200);
    const px = Buffer.alloc(width * height * 3);
    const cx = (i * 71) % width;
    const cy = (i * 29) % height;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 3;
        const disc = (x - cx) ** 2 + (y - cy) ** 2 < 60 ** 2;
        px[o] = disc ? 240 : (x * 255) / width;
        px[o + 1] = disc ? 40 : (y * 255) / height;
        px[o + 2] = (i * 40) % 256;
      }
    }
    const img = sharp(px, { raw: { width, height, channels: 3 } });
    const name = `demo-${String(i).padStart(3, '0')}.${i % 2 ? 'png' : 'jpg'}`;
    await writeFile(join(dir, name), i % 2 ? await img.png().toBuffer() : await img.jpeg().toBuffer());
  }
  return dir;
}
