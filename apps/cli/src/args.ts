/** Flag parsing helpers shared by every command: precise messages, exit code 2 for bad usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function positiveInt(flag: string, value: string | undefined, fallback: number, max?: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${flag} must be a positive integer, got "${value}"`);
  }
  if (max !== undefined && n > max) throw new UsageError(`--${flag} must be at most ${max}, got ${n}`);
  return n;
}
