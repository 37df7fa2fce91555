/**
 * The one seeded pseudo-random generator: generated model weights, the SWIM and Scheduler
 * simulations and the synthetic test images all draw from it, so a seed means the same stream
 * everywhere. Not for anything secret.
 */

/** A source of uniform values in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: 32 bits of state, fast, and good enough for weights, simulations and pictures.
 * The generated models' bytes depend on this exact sequence: changing it changes every generated
 * ONNX file (bump the generator version if you must).
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
