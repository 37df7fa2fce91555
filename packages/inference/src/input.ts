import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  BadInputError,
  errorMessage,
  FetchFailedError,
  FetchTimeoutError,
  InputNotFoundError,
  InputTooLargeError,
} from './errors.js';

export interface FetchOptions {
  /** Whole-fetch deadline for http(s) inputs. @default 10_000 ms */
  timeoutMs: number;
  /** Largest encoded input accepted, local or remote. @default 32 MiB */
  maxBytes: number;
}

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_INPUT_BYTES = 32 * 1024 * 1024;

export function defaultFetchOptions(): FetchOptions {
  return { timeoutMs: DEFAULT_FETCH_TIMEOUT_MS, maxBytes: DEFAULT_MAX_INPUT_BYTES };
}

/**
 * Reads one query's encoded bytes from a local path, a file:// URI or an http(s):// URL.
 * Every failure is a typed QueryFailure; nothing here throws anything else.
 */
export async function fetchInput(uri: string, options: Partial<FetchOptions> = {}): Promise<Buffer> {
  const opts = { ...defaultFetchOptions(), ...options };
  if (uri.length === 0) throw new BadInputError(uri, 'empty input URI');
  if (/^https?:\/\//i.test(uri)) return fetchHttp(uri, opts);
  let path = uri;
  if (uri.startsWith('file:')) {
    try {
      path = fileURLToPath(uri);
    } catch (err) {
      throw new BadInputError(uri, `malformed file URI: ${errorMessage(err)}`, { cause: err });
    }
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new BadInputError(uri, `unsupported URI scheme in ${uri}: use a path, file:// or http(s)://`);
  }
  return readLocal(uri, path, opts.maxBytes);
}

async function readLocal(uri: string, path: string, maxBytes: number): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputNotFoundError(uri, { cause: err });
    throw new FetchFailedError(uri, errorMessage(err), undefined, { cause: err });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new BadInputError(uri, `${uri} is a directory, not an image`);
    if (info.size > maxBytes) throw new InputTooLargeError(uri, `${info.size} bytes`, maxBytes);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

async function fetchHttp(uri: string, opts: FetchOptions): Promise<Buffer> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    const res = await fetch(uri, { signal, redirect: 'follow' });
    if (!res.ok) throw new FetchFailedError(uri, `HTTP ${res.status} ${res.statusText}`, res.status);
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      await res.body?.cancel();
      throw new InputTooLargeError(uri, `content-length ${declared}`, opts.maxBytes);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        total += chunk.byteLength;
        if (total > opts.maxBytes) {
          throw new InputTooLargeError(uri, `more than ${opts.maxBytes} bytes`, opts.maxBytes);
        }
        chunks.push(Buffer.from(chunk));
      }
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof FetchFailedError || err instanceof InputTooLargeError) throw err;
    if (signal.aborted) throw new FetchTimeoutError(uri, opts.timeoutMs, { cause: err });
    const cause = (err as { cause?: unknown }).cause;
    throw new FetchFailedError(uri, errorMessage(cause ?? err), undefined, { cause: err });
  }
}
