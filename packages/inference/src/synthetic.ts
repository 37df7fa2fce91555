import { BadInputError } from './errors.js';

/**
 * `synthetic://<seed>`: a load-test input. Instead of fetching and decoding a file, the worker
 * fills the query's already-preprocessed tensor with a deterministic pattern derived from the
 * seed. It exists so a near-free model can load-test the control plane (coordinator, Redis,
 * gRPC) without being bound by image decoding; results are as meaningless as the pattern.
 */
export const SYNTHETIC_SCHEME = 'synthetic://';

export function isSynthetic(uri: string): boolean {
  return uri.startsWith(SYNTHETIC_SCHEME);
}

export function fillSynthetic(uri: string, out: Float32Array, offset: number, elements: number): void {
  const seedText = uri.slice(SYNTHETIC_SCHEME.length);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(seedText)) {
    throw new BadInputError(
      uri,
      `synthetic input needs a seed of 1-64 letters, digits, '.', '_' or '-', as in synthetic://42`,
    );
  }
  let h = 2166136261;
  for (let i = 0; i < seedText.length; i++) h = Math.imul(h ^ seedText.charCodeAt(i), 16777619);
  // A short pseudo-random block, then tiled: a load-test input must cost next to nothing to make
  // (hashing every element cost ~40 µs per 32×32 image, more than the rest of the worker's work).
  const block = Math.min(SYNTHETIC_BLOCK, elements);
  for (let i = 0; i < block; i++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
    out[offset + i] = ((h >>> 8) & 0xffff) / 32768 - 1;
  }
  for (let filled = block; filled < elements; filled *= 2) {
    out.copyWithin(offset + filled, offset, offset + Math.min(filled, elements - filled));
  }
}

/** Distinct values per synthetic input before the pattern repeats (odd, so it does not line up with rows). */
const SYNTHETIC_BLOCK = 251;
