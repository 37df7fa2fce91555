/**
 * The wire contract's limits, one copy: the CLI checks them before any call, the coordinator
 * enforces them on every request, the store and the workers refuse what exceeds them.
 */

/** Largest batch size (queries per task) a job may have. */
export const MAX_BATCH_SIZE = 1024;
/** Largest top-k a job may ask for. */
export const MAX_TOP_K = 100;
/** Classes kept per query when a request leaves top-k unset (0 on the wire). */
export const DEFAULT_TOP_K = 5;
/** Longest job name. */
export const MAX_JOB_ID_LENGTH = 64;
/** A job name: a letter or digit, then up to 63 letters, digits, '.', '_' or '-'. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The rule of {@link JOB_ID_PATTERN} in words, for error messages. */
export const JOB_ID_RULE = `1-${MAX_JOB_ID_LENGTH} letters, digits, '.', '_' or '-'`;

/** True when `id` is a job name every part of the system accepts. */
export function isValidJobId(id: string): boolean {
  return JOB_ID_PATTERN.test(id);
}

/** Why `id` is refused as a job name (the message the CLI and the coordinator both give). */
export function invalidJobIdMessage(id: string): string {
  const shown =
    id.length > 80 ? `${JSON.stringify(id.slice(0, 80))}… (${id.length} characters)` : JSON.stringify(id);
  return `job name ${shown} is invalid: use ${JOB_ID_RULE}`;
}

/**
 * File extensions that count as images when a directory is expanded (by add-job on the
 * coordinator's machine, by classify on the user's).
 */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.bmp',
]);
