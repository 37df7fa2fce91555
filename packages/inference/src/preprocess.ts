import type { PreprocessSpec } from '@idunno/models';
import sharp from 'sharp';
import { DecodeError, errorMessage, InputTooLargeError } from './errors.js';

/**
 * Largest decoded image accepted (width × height). A PNG that declares 30000×30000 pixels is
 * refused from its header, before any pixel is decoded, so a decompression bomb costs nothing.
 */
export const DEFAULT_MAX_PIXELS = 64 * 1024 * 1024;

const KERNELS = { bicubic: 'cubic', bilinear: 'linear', nearest: 'nearest' } as const;

/** Values per image in the model's NCHW input tensor. */
export function imageElements(spec: PreprocessSpec): number {
  return 3 * spec.crop * spec.crop;
}

/** An image decoded and resized, before the crop: interleaved 8-bit samples, row by row. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
  /** Samples per pixel, as sharp reports them; the crop reads R, G, B (or the one sample three times). */
  channels: number;
}

/**
 * The sharp step of preprocessing, exported so that benchmarks time the product's own pipeline:
 * decode, apply EXIF orientation, drop alpha, convert to sRGB and resize the shorter side to
 * `spec.resizeShorter` with the registry's interpolation. The crop and normalisation that follow
 * are `preprocessInto`'s. A decode failure is a DecodeError; an image over `maxPixels` is an
 * InputTooLargeError, refused from its header.
 */
export async function decodeAndResize(
  bytes: Buffer,
  spec: PreprocessSpec,
  uri = '<buffer>',
  maxPixels = DEFAULT_MAX_PIXELS,
): Promise<DecodedImage> {
  if (bytes.length === 0) throw new DecodeError(uri, 'the file is empty (0 bytes)');
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .autoOrient()
      .removeAlpha()
      .toColourspace('srgb')
      .resize({
        width: spec.resizeShorter,
        height: spec.resizeShorter,
        fit: 'outside',
        kernel: KERNELS[spec.interpolation],
      })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    const reason = errorMessage(err);
    if (/pixel limit/i.test(reason)) {
      throw new InputTooLargeError(uri, 'decoded image exceeds the pixel limit', maxPixels, { cause: err });
    }
    throw new DecodeError(uri, reason, { cause: err });
  }
}

/**
 * Decodes an encoded image and writes it, preprocessed per the model's registry entry, as CHW
 * float32 into `out` at `offset` (so a batch tensor is filled in place):
 * RGB (alpha dropped, grey expanded) → resize the shorter side to `resizeShorter` → centre crop
 * `crop`×`crop` → x/255 → (x − mean) / std per channel.
 */
export async function preprocessInto(
  bytes: Buffer,
  spec: PreprocessSpec,
  out: Float32Array,
  offset: number,
  uri = '<buffer>',
  maxPixels = DEFAULT_MAX_PIXELS,
): Promise<void> {
  const { data, width, height, channels } = await decodeAndResize(bytes, spec, uri, maxPixels);
  const crop = spec.crop;
  if (width < crop || height < crop) {
    throw new DecodeError(uri, `resized image ${width}×${height} is smaller than the ${crop}×${crop} crop`);
  }
  // Centre crop as torchvision/timm do: round((size − crop) / 2).
  const left = Math.round((width - crop) / 2);
  const top = Math.round((height - crop) / 2);
  const plane = crop * crop;
  const scale = [0, 1, 2].map((c) => 1 / (255 * spec.std[c]!));
  const bias = [0, 1, 2].map((c) => spec.mean[c]! / spec.std[c]!);
  for (let c = 0; c < 3; c++) {
    const s = scale[c]!;
    const b = bias[c]!;
    const src = channels >= 3 ? c : 0;
    const base = offset + c * plane;
    for (let y = 0; y < crop; y++) {
      const row = ((top + y) * width + left) * channels + src;
      const dst = base + y * crop;
      for (let x = 0; x < crop; x++) out[dst + x] = data[row + x * channels]! * s - b;
    }
  }
}

/** Preprocesses one image into a fresh CHW tensor of its own. */
export async function preprocess(bytes: Buffer, spec: PreprocessSpec, uri?: string): Promise<Float32Array> {
  const out = new Float32Array(imageElements(spec));
  await preprocessInto(bytes, spec, out, 0, uri);
  return out;
}
