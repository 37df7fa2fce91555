import { InvalidMetaError } from './errors.js';
import type { MemberMeta } from './types.js';

const ROLES = new Set(['coordinator', 'worker']);

/** Throws InvalidMetaError naming the first malformed field. */
export function validateMeta(meta: MemberMeta): void {
  if (typeof meta !== 'object' || meta === null) throw new InvalidMetaError('meta', 'must be an object');
  if (!ROLES.has(meta.role)) {
    throw new InvalidMetaError('role', `must be 'coordinator' or 'worker', got ${JSON.stringify(meta.role)}`);
  }
  if (typeof meta.grpcAddress !== 'string') throw new InvalidMetaError('grpcAddress', 'must be a string');
  if (!Array.isArray(meta.models) || meta.models.some((m) => typeof m !== 'string')) {
    throw new InvalidMetaError('models', 'must be a list of strings');
  }
  if (typeof meta.labels !== 'object' || meta.labels === null) {
    throw new InvalidMetaError('labels', 'must be an object of string values');
  }
  for (const [key, value] of Object.entries(meta.labels)) {
    if (typeof value !== 'string') throw new InvalidMetaError(`labels.${key}`, 'must be a string');
  }
}

export function cloneMeta(meta: MemberMeta): MemberMeta {
  return {
    role: meta.role,
    grpcAddress: meta.grpcAddress,
    models: [...meta.models],
    labels: { ...meta.labels },
  };
}

export function metaEqual(a: MemberMeta, b: MemberMeta): boolean {
  if (a.role !== b.role || a.grpcAddress !== b.grpcAddress || a.models.length !== b.models.length)
    return false;
  if (a.models.some((m, i) => m !== b.models[i])) return false;
  const ak = Object.keys(a.labels);
  if (ak.length !== Object.keys(b.labels).length) return false;
  return ak.every((k) => a.labels[k] === b.labels[k]);
}

/** Metadata for a node that set none. */
export function defaultMeta(): MemberMeta {
  return { role: 'worker', grpcAddress: '', models: [], labels: {} };
}
