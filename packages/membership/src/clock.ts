/** Cancels a timer; calling it twice, or after the timer fired, does nothing. */
export type Cancel = () => void;

/** Time source for the protocol core; a test injects a fake one. Times are milliseconds. */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, fn: () => void): Cancel;
}

/** Monotonic wall clock backed by performance.now() and setTimeout (unref'd). */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return () => clearTimeout(t);
  },
};

/** Uniform [0, 1) source; injected so simulations are reproducible. */
export type Random = () => number;

/** mulberry32: a small, fast, seeded PRNG (not for cryptography). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Datagram transport; the core never touches a socket. */
export interface Transport {
  send(address: string, bytes: Uint8Array): void;
  /** Registers the single receive handler. `from` is the sender's `host:port`. */
  onReceive(handler: (bytes: Uint8Array, from: string) => void): void;
}
