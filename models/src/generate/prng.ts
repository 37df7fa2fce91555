import { mulberry32 } from '@idunno/random';

/**
 * Seeded, deterministic weight values (mulberry32, the project's one seeded PRNG). Each tensor
 * gets its own stream, derived from the model seed and the tensor's name, so a tensor's bytes do not depend on the order tensors are generated in.
 */

/** FNV-1a over the UTF-16 code units of `s` (names are ASCII). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** How a tensor is filled. */
export type WeightInit =
  /** Zero-mean values with this standard deviation (see `fillWeights`). */
  { kind: 'random'; std: number } | { kind: 'constant'; value: number };

/**
 * Fills `count` float32 values for tensor `name` of a model seeded with `seed`.
 *
 * Random values are uniform on [-a, a) with a = std * sqrt(3), i.e. they have exactly the requested
 * standard deviation. That is "normal-ish" enough for untrained weights whose only job is to keep
 * activations finite and cost what the real model costs, and it is one PRNG call per value.
 */
export function fillWeights(seed: number, name: string, count: number, init: WeightInit): Float32Array {
  const out = new Float32Array(count);
  if (init.kind === 'constant') {
    out.fill(init.value);
    return out;
  }
  const next = mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ fnv1a(name)) >>> 0);
  const a = init.std * Math.sqrt(3);
  for (let i = 0; i < count; i++) out[i] = (next() * 2 - 1) * a;
  return out;
}
