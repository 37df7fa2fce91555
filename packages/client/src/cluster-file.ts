/**
 * Where a cluster's coordinators are: `IDUNNO_COORDINATORS` (host:port,…), else the nearest
 * `.idunno/cluster.json` that `idunno up` writes, in the current directory or a parent.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ClusterConfigError, NoClusterError } from './errors.js';

/** Comma-separated `host:port` list that overrides the cluster file. */
export const COORDINATORS_ENV = 'IDUNNO_COORDINATORS';
/** Written by `idunno up`, looked for in the current directory and its parents. */
export const CLUSTER_FILE = join('.idunno', 'cluster.json');

/** Where the addresses came from. */
export interface CoordinatorSource {
  addresses: string[];
  /** `IDUNNO_COORDINATORS`, or the cluster file's absolute path. */
  origin: string;
}

/** Splits a comma-separated address list; every entry must be `host:port`. */
export function parseAddresses(text: string, origin: string): string[] {
  const addresses = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (addresses.length === 0) throw new ClusterConfigError(origin, 'names no coordinator address');
  for (const a of addresses) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(a);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new ClusterConfigError(origin, `"${a}" is not a host:port address`);
    }
  }
  return addresses;
}

/** The nearest `.idunno/cluster.json` in `startDir` or a parent, or undefined. */
export function findClusterFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, CLUSTER_FILE);
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The `coordinators` of a cluster file (the rest of the file is `idunno up`'s business). */
export function readClusterFile(path: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ClusterConfigError(path, `unreadable (${(err as Error).message}); rerun \`pnpm idunno up\``, {
      cause: err,
    });
  }
  const list = (parsed as { coordinators?: unknown } | null)?.coordinators;
  if (!Array.isArray(list) || !list.every((a): a is string => typeof a === 'string')) {
    throw new ClusterConfigError(path, 'has no "coordinators" list of "host:port" strings');
  }
  return parseAddresses(list.join(','), path);
}

/** IDUNNO_COORDINATORS when set, else the nearest cluster file; NoClusterError when neither. */
export function resolveCoordinators(
  where: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): CoordinatorSource {
  const env = where.env ?? process.env;
  const cwd = where.cwd ?? process.cwd();
  const fromEnv = env[COORDINATORS_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { addresses: parseAddresses(fromEnv, COORDINATORS_ENV), origin: COORDINATORS_ENV };
  }
  const file = findClusterFile(cwd);
  if (!file) throw new NoClusterError(cwd, COORDINATORS_ENV);
  return { addresses: readClusterFile(file), origin: file };
}
