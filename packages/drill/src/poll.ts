import { setTimeout as sleep } from 'node:timers/promises';
import { POLL_INTERVAL_MS, RECOVERY_CAP_MS } from './options.js';

/**
 * The drill's one poller: runs `check` every `intervalMs` until it is true; resolves with the ms
 * elapsed since `t0` then, or with null once more than `capMs` have passed since `t0`. A check that
 * throws counts as false: a dead or hung coordinator is what a drill is about, not an error.
 */
export async function pollUntil(
  t0: number,
  check: () => Promise<boolean>,
  capMs = RECOVERY_CAP_MS,
  intervalMs = POLL_INTERVAL_MS,
): Promise<number | null> {
  for (;;) {
    const ok = await check().catch(() => false);
    const now = Date.now();
    if (ok) return now - t0;
    if (now - t0 > capMs) return null;
    await sleep(intervalMs);
  }
}
