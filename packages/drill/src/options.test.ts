import { describe, expect, it } from 'vitest';
import { InvalidDrillOptionError } from './errors.js';
import {
  DEFAULT_DRILL_STATE_DIR,
  DEFAULT_DRILL_TRIALS,
  DEFAULT_DRILL_WORKERS,
  defaultDrillOptions,
  resolveDrillOptions,
} from './options.js';

describe('drill options', () => {
  it('fills every field but the drills from the defaults', () => {
    const o = resolveDrillOptions({ kinds: ['kill-worker'] });
    expect(o).toMatchObject({
      kinds: ['kill-worker'],
      trials: DEFAULT_DRILL_TRIALS,
      workers: DEFAULT_DRILL_WORKERS,
      stateDir: DEFAULT_DRILL_STATE_DIR,
    });
    expect(defaultDrillOptions()).not.toBe(defaultDrillOptions());
  });

  it('keeps what the caller gives', () => {
    const onProgress = () => {};
    const o = resolveDrillOptions({ kinds: ['kill-standby'], trials: 1, workers: 2, onProgress });
    expect(o).toMatchObject({ trials: 1, workers: 2 });
    expect(o.onProgress).toBe(onProgress);
  });

  it.each([
    [{ kinds: [] }, 'kinds'],
    [{ kinds: ['kill-everything'] }, 'kinds'],
    [{ kinds: ['kill-worker'], trials: 0 }, 'trials'],
    [{ kinds: ['kill-worker'], trials: 1.5 }, 'trials'],
    [{ kinds: ['kill-worker'], workers: 1 }, 'workers'],
  ])('refuses %j before anything starts', (options, option) => {
    const resolve = () => resolveDrillOptions(options as Parameters<typeof resolveDrillOptions>[0]);
    expect(resolve).toThrow(InvalidDrillOptionError);
    expect(resolve).toThrow(expect.objectContaining({ name: 'InvalidDrillOptionError', option }));
  });
});
