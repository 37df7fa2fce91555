import { describe, expect, it } from 'vitest';
import { WaitTimeoutError, waitFor } from './wait.js';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : 0), { intervalMs: 1 })).toBe(3);
  });

  it('gives up after the timeout with the message and the last value', async () => {
    const error = await waitFor(() => 0, { timeoutMs: 50, intervalMs: 5, message: 'the moon' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(String((error as Error).message)).toMatch(
      /timed out after 50 ms waiting for the moon; last value: 0/,
    );
  });

  it('treats a throwing condition as not yet, and keeps the error as the cause', async () => {
    const error = await waitFor(
      () => {
        throw new Error('not up');
      },
      { timeoutMs: 30, intervalMs: 5 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
