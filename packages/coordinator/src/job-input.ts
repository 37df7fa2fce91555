import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { IMAGE_EXTENSIONS } from '@idunno/client';
import type { Query } from '@idunno/state';
import { BadListFileError, JobInputError } from './errors.js';

/** Most queries one job may have. @default 1,000,000 */
export const MAX_JOB_QUERIES = 1_000_000;

// synthetic://<seed> is the workers' load-test input (no file, no decode): see @idunno/inference.
const URL_RE = /^(https?|file|synthetic):\/\//i;

/**
 * Expands a job's inputs into queries with ids "0", "1", … in input order:
 * a directory → its image files (sorted, not recursive); an image file or URL → itself;
 * any other file → a list with one path or URL per line (blank lines and `#` comments skipped;
 * relative paths are relative to the list file).
 */
export async function expandJobInputs(inputs: readonly string[]): Promise<Query[]> {
  const uris: string[] = [];
  for (const input of inputs) {
    if (URL_RE.test(input)) {
      uris.push(input);
      continue;
    }
    const path = resolve(input);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new JobInputError(input, `input ${input} does not exist on the coordinator's machine`);
    if (info.isDirectory()) {
      const names = (await readdir(path))
        .filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase()))
        .sort();
      if (names.length === 0)
        throw new JobInputError(
          input,
          `directory ${input} holds no images (${[...IMAGE_EXTENSIONS].join(' ')})`,
        );
      uris.push(...names.map((n) => join(path, n)));
    } else if (IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) {
      uris.push(path);
    } else {
      uris.push(...(await readListFile(path)));
    }
    if (uris.length > MAX_JOB_QUERIES) {
      throw new JobInputError(
        input,
        `the inputs hold more than ${MAX_JOB_QUERIES} queries; split them into several jobs`,
      );
    }
  }
  if (uris.length === 0) throw new JobInputError(inputs.join(' '), 'the job has no inputs');
  return uris.map((uri, i) => ({ id: String(i), uri }));
}

async function readListFile(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  if (text.includes('\u0000'))
    throw new JobInputError(file, `${file} is neither an image nor a text list of paths/URLs`);
  const out: string[] = [];
  const bad: { line: number; text: string; reason: string }[] = [];
  const base = dirname(file);
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (URL_RE.test(line)) {
      try {
        new URL(line);
        out.push(line);
      } catch {
        bad.push({ line: i + 1, text: line, reason: 'malformed URL' });
      }
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(line)) {
      bad.push({ line: i + 1, text: line, reason: 'unsupported scheme (use a path, file:// or http(s)://)' });
      continue;
    }
    const path = isAbsolute(line) ? line : resolve(base, line);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      bad.push({ line: i + 1, text: line, reason: info ? 'not a file' : 'no such file' });
      continue;
    }
    out.push(path);
  }
  if (bad.length > 0) throw new BadListFileError(file, bad);
  if (out.length === 0) throw new JobInputError(file, `list file ${file} names no inputs`);
  return out;
}
