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

/** Uniform [0, 1) source; injected so simulations are reproducible (`mulberry32` from @idunno/random). */
export type { Random } from '@idunno/random';

/** Datagram transport; the core never touches a socket. */
export interface Transport {
  send(address: string, bytes: Uint8Array): void;
  /** Registers the single receive handler. `from` is the sender's `host:port`. */
  onReceive(handler: (bytes: Uint8Array, from: string) => void): void;
}
