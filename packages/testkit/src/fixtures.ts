import { crc32, deflateSync } from 'node:zlib';

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
