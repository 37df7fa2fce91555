import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Writes `count` small, distinct, valid photos-like images (seeded gradients and shapes, mixed
 * JPEG/PNG, mixed sizes and aspect ratios) into `dir`, so tests and the demo run on a machine
 * without ../shared. Returns their paths in name order.
 */
export async function writeSyntheticImages(dir: string, count: number, seed = 1): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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

/** A PNG file of width × height truecolour pixels, `raw` being its filtered scanlines before deflate. */
function pngFile(width: number, height: number, raw: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A valid PNG whose header declares width × height pixels but whose data is tiny: a
 * decompression bomb that a decoder must refuse from the header alone.
 */
export function pngBomb(width = 30000, height = 30000): Buffer {
  return pngFile(width, height, Buffer.alloc(1024));
}

/** A valid w×h RGB gradient PNG, made without an image library (the near-free model's input). */
export function gradientPng(width: number, height: number, seed: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height); // each row: filter byte 0, then RGB
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = (x * 8 + seed * 40) & 255;
      raw[row + 2 + x * 3] = (y * 8 + seed * 70) & 255;
      raw[row + 3 + x * 3] = ((x + y) * 4 + seed * 90) & 255;
    }
  }
  return pngFile(width, height, raw);
}
