import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { IMAGE_EXTENSIONS } from '@idunno/client';

/**
 * Expands directories (non-recursive, sorted) into image files; other arguments pass through.
 * URLs of every scheme the workers read (http, https, file, synthetic) go to the Classifier as
 * they are, so classify gives the reference answer for any input a job accepts.
 */
export async function expandInputs(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    if (/^(https?|file|synthetic):/i.test(arg)) {
      out.push(arg);
      continue;
    }
    const info = await stat(arg).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(arg)).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
      out.push(...names.map((n) => resolve(join(arg, n))));
    } else {
      out.push(resolve(arg));
    }
  }
  return out;
}
