import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ChecksumMismatchError, FetchError, ModelMissingError } from './errors.js';
import { generateModel } from './generate/index.js';
import { getModel, type ModelSpec, mirrorFromEnv, modelDir, modelPath } from './registry.js';

/** Options shared by fetchModel and ensureModel. */
export interface FetchOptions {
  /** Directory holding mirrored model files. @default env IDUNNO_MODEL_MIRROR */
  mirror?: string;
  /** Progress lines for a human (the CLI passes console.log). @default no logging */
  log?: (line: string) => void;
  /** Model directory to write into. @default modelDir() (env IDUNNO_MODEL_DIR or <repo>/models/files) */
  dir?: string;
}

type FetchSource = Extract<ModelSpec['source'], { kind: 'fetch' }>;

/** The command a user runs to get `spec` onto this machine. */
export function fixCommand(spec: ModelSpec): string {
  if (spec.source.kind === 'generated') return `pnpm models:build ${spec.name}`;
  return spec.source.url === null
    ? `IDUNNO_MODEL_MIRROR=<dir> pnpm models:fetch ${spec.name}`
    : `pnpm models:fetch ${spec.name}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Streams `chunks` into a temp file next to `dest`, checks the sha256, then renames into place, so
 * `dest` is either absent or complete and verified (readers never see a partial file).
 */
async function writeVerified(
  model: string,
  chunks: AsyncIterable<Uint8Array>,
  dest: string,
  expected: string,
  source: string,
): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const hash = createHash('sha256');
  const file = await open(tmp, 'w');
  try {
    try {
      for await (const chunk of chunks) {
        hash.update(chunk);
        await file.write(chunk);
      }
      await file.sync();
    } finally {
      await file.close();
    }
    const actual = hash.digest('hex');
    if (actual !== expected) throw new ChecksumMismatchError(model, expected, actual, source);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function copyFromMirror(spec: ModelSpec, src: FetchSource, mirror: string, dest: string) {
  const from = resolve(mirror, spec.file);
  if (!(await exists(from))) {
    throw new FetchError(spec.name, from, `the mirror has no ${spec.file}; check IDUNNO_MODEL_MIRROR`);
  }
  try {
    await writeVerified(spec.name, createReadStream(from), dest, src.sha256, from);
  } catch (err) {
    if (err instanceof ChecksumMismatchError) throw err;
    throw new FetchError(spec.name, from, (err as Error).message, { cause: err });
  }
}

async function* webChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function download(spec: ModelSpec, url: string, src: FetchSource, dest: string) {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    throw new FetchError(spec.name, url, `${(err as Error).message}; no network? use a mirror instead`, {
      cause: err,
    });
  }
  if (!res.ok || res.body === null) {
    throw new FetchError(spec.name, url, `HTTP ${res.status} ${res.statusText}`);
  }
  try {
    await writeVerified(spec.name, webChunks(res.body), dest, src.sha256, url);
  } catch (err) {
    if (err instanceof ChecksumMismatchError) throw err;
    throw new FetchError(spec.name, url, (err as Error).message, { cause: err });
  }
}

/** Copies the model's label file from the mirror when the model dir lacks it. */
async function fetchLabels(
  spec: ModelSpec,
  mirror: string | undefined,
  dir: string,
  log: (l: string) => void,
) {
  if (spec.labels.kind !== 'file') return;
  const dest = join(dir, spec.labels.file);
  if (await exists(dest)) return;
  const from = mirror === undefined ? undefined : resolve(mirror, spec.labels.file);
  if (from === undefined || !(await exists(from))) {
    log(
      `${spec.name}: label file ${spec.labels.file} not fetched (it comes from a mirror: set IDUNNO_MODEL_MIRROR)`,
    );
    return;
  }
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await copyFile(from, tmp);
  // Mirrors are often read-only; the copy must stay replaceable by a later fetch.
  await chmod(tmp, 0o644);
  await rename(tmp, dest);
  log(`${spec.name}: copied labels ${spec.labels.file}`);
}

/**
 * Puts model `name` (and its label file) into the model directory and returns the model's path.
 *
 * Fetched models: a present file is re-verified (sha256) and kept; otherwise the file is copied
 * from the mirror (opts.mirror, else env IDUNNO_MODEL_MIRROR) or, when there is no mirror or the
 * mirror lacks the file and the model has a pinned URL, downloaded from that URL; either way the sha256 is verified before the file appears. Generated
 * models are generated (untrained) if missing.
 *
 * @throws UnknownModelError, ChecksumMismatchError, FetchError, or ModelMissingError when there is
 *   neither a mirror nor a URL.
 */
export async function fetchModel(name: string, opts: FetchOptions = {}): Promise<string> {
  const spec = getModel(name);
  const log = opts.log ?? (() => {});
  const dir = opts.dir ?? modelDir();
  const dest = modelPath(spec, dir);
  const mirror = opts.mirror ?? mirrorFromEnv();

  if (spec.source.kind === 'generated') {
    if (await exists(dest)) {
      log(`${spec.name}: present (untrained, generated) at ${dest}`);
    } else {
      await buildUntrained(spec, dest, log);
    }
    return dest;
  }
  const src = spec.source;

  if (await exists(dest)) {
    const actual = await sha256File(dest);
    if (actual === src.sha256) {
      log(`${spec.name}: present and verified at ${dest}`);
      await fetchLabels(spec, mirror, dir, log);
      return dest;
    }
    log(`${spec.name}: ${dest} has sha256 ${actual}, expected ${src.sha256}; fetching again`);
  }

  const mirrored = mirror === undefined ? undefined : resolve(mirror, spec.file);
  if (mirror !== undefined && (src.url === null || (mirrored !== undefined && (await exists(mirrored))))) {
    log(`${spec.name}: copying from mirror ${mirror}`);
    await copyFromMirror(spec, src, mirror, dest);
  } else if (src.url !== null) {
    log(`${spec.name}: downloading ${src.url} (${(src.bytes / 1e6).toFixed(1)} MB)`);
    await download(spec, src.url, src, dest);
  } else {
    throw new ModelMissingError(
      spec.name,
      dest,
      fixCommand(spec),
      'it has no public URL and no mirror is set',
    );
  }
  log(`${spec.name}: sha256 verified, wrote ${dest}`);
  await fetchLabels(spec, mirror, dir, log);
  return dest;
}

/** Generates an untrained model at `dest`, logging that it is untrained. */
export async function buildUntrained(spec: ModelSpec, dest: string, log: (line: string) => void) {
  log(`${spec.name}: generating UNTRAINED model (seeded random weights) at ${dest}`);
  const started = performance.now();
  const written = await generateModel(spec, dest);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`${spec.name}: wrote untrained model, ${(written.bytes / 1e6).toFixed(1)} MB in ${seconds} s`);
  return written;
}

/**
 * Returns the path of model `name`, making it present if that is cheap and offline: generated
 * models are generated if missing; fetched models are copied from the mirror if missing. It never
 * downloads (that is `pnpm models:fetch`, an explicit step).
 *
 * A present fetched file is trusted if its size matches (hashing on every call would cost
 * seconds for large files); `fetchModel` re-verifies the hash.
 *
 * @throws ModelMissingError naming the command that fixes it; ChecksumMismatchError on a bad mirror copy.
 */
export async function ensureModel(name: string, opts: FetchOptions = {}): Promise<string> {
  const spec = getModel(name);
  const log = opts.log ?? (() => {});
  const dir = opts.dir ?? modelDir();
  const dest = modelPath(spec, dir);

  if (spec.source.kind === 'generated') {
    if (!(await exists(dest))) await buildUntrained(spec, dest, log);
    return dest;
  }
  const size = await stat(dest).then(
    (s) => s.size,
    () => undefined,
  );
  if (size === spec.source.bytes) return dest;

  const mirror = opts.mirror ?? mirrorFromEnv();
  if (mirror === undefined) {
    const detail = size === undefined ? undefined : `file has ${size} bytes, expected ${spec.source.bytes}`;
    throw new ModelMissingError(spec.name, dest, fixCommand(spec), detail);
  }
  if (!(await exists(resolve(mirror, spec.file)))) {
    throw new ModelMissingError(
      spec.name,
      dest,
      fixCommand(spec),
      `the mirror ${mirror} has no ${spec.file}`,
    );
  }
  log(`${spec.name}: copying from mirror ${mirror}`);
  await copyFromMirror(spec, spec.source, mirror, dest);
  await fetchLabels(spec, mirror, dir, log);
  return dest;
}
