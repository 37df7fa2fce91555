import { describe, expect, it } from 'vitest';
import { pollUntil } from './poll.js';

describe('pollUntil', () => {
  it('resolves with the time since t0 once the check holds', async () => {
    const t0 = Date.now();
    let calls = 0;
    const ms = await pollUntil(t0, async () => ++calls >= 3, 5_000, 5);
    expect(calls).toBe(3);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(5_000);
  });

  it('counts a check that throws as false and keeps polling', async () => {
    let calls = 0;
    const ms = await pollUntil(
      Date.now(),
      async () => {
        if (++calls < 3) throw new Error('coordinator hung');
        return true;
      },
      5_000,
      5,
    );
    expect(ms).not.toBeNull();
    expect(calls).toBe(3);
  });

  it('gives null once the cap has passed', async () => {
    const t0 = Date.now();
    expect(await pollUntil(t0, async () => false, 30, 5)).toBeNull();
    expect(Date.now() - t0).toBeGreaterThan(30);
  });
});
