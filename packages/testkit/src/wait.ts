/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** How long to keep polling before giving up. @default 10_000 ms */
  timeoutMs?: number;
  /** Pause between two evaluations of the condition. @default 25 ms */
  intervalMs?: number;
  /** What the caller was waiting for; it starts the timeout error's message. @default 'condition' */
  message?: string;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;
export const DEFAULT_WAIT_INTERVAL_MS = 25;

/** Raised by {@link waitFor} when the condition did not become truthy in time. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastValue: unknown,
    options?: ErrorOptions,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${describe(lastValue)}`, options);
  }
}

/**
 * Polls `cond` until it returns a truthy value and resolves with that value. A condition that throws
 * counts as "not yet" (the error becomes the timeout error's `cause`), so callers can poll operations
 * that fail while a server restarts. Bounded: rejects with {@link WaitTimeoutError} after `timeoutMs`.
 */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_WAIT_INTERVAL_MS;
  const what = options.message ?? 'condition';
  const deadline = performance.now() + timeoutMs;
  let lastValue: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await cond();
      if (value) return value as NonNullable<T>;
      lastValue = value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
      lastValue = err;
    }
    if (performance.now() >= deadline) {
      throw new WaitTimeoutError(
        what,
        timeoutMs,
        lastValue,
        lastError === undefined ? undefined : { cause: lastError },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
