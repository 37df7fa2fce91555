/**
 * Errors of the cluster's wire contract, and how they cross gRPC.
 *
 * A server answers a failed call with a status code, the error's message as details, and the
 * error's class name and typed fields in trailing metadata (`idunno-error`,
 * `idunno-error-fields-bin`). A client rebuilds the typed error from that metadata with
 * {@link fromServiceError}; no client reads the English text to decide what happened.
 */
import * as grpc from '@grpc/grpc-js';
import { isServiceError } from './grpc-call.js';

/** Trailing-metadata key holding the server-side error's class name. */
export const ERROR_NAME_KEY = 'idunno-error';
/** Trailing-metadata key holding the error's typed fields as UTF-8 JSON (binary: any text fits). */
export const ERROR_FIELDS_KEY = 'idunno-error-fields-bin';
/** Fields above this size (JSON bytes) travel without their non-scalar values. */
const MAX_FIELDS_BYTES = 2048;

// ---- errors both sides know ---------------------------------------------------------------------

/** This coordinator is a standby: changes go to the leader. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  constructor(
    readonly nodeId: string,
    readonly leaderId: string | null,
    options?: ErrorOptions,
  ) {
    super(
      leaderId
        ? `coordinator ${nodeId} is a standby; the leader is ${leaderId}: send changes there (the CLI does this by itself)`
        : `coordinator ${nodeId} is a standby and no leader holds the lease right now; retry in a second`,
      options,
    );
  }
}

/** Who refused a stale epoch: the store's fenced scripts, or a worker that has seen a newer one. */
export type EpochRefuser = 'store' | 'worker';

/**
 * A write or task carried an epoch older than the newest one seen: its sender is no longer the
 * leader. The one class for both refusals (Redis's fencing scripts and a worker's epoch check).
 */
export class StaleEpochError extends Error {
  override readonly name = 'StaleEpochError';
  constructor(
    readonly epoch: number,
    readonly current: number,
    readonly refusedBy: EpochRefuser = 'store',
    options?: ErrorOptions,
  ) {
    super(
      refusedBy === 'worker'
        ? `task epoch ${epoch} is older than this worker's highest seen epoch ${current}: the sender is no longer the leader`
        : `write with epoch ${epoch} refused: epoch ${current} leads now; stop acting as leader`,
      options,
    );
  }
}

/**
 * A server-side error this client has no class for: its class name and fields as the server sent
 * them, the status code and the server's message.
 */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly remoteName: string,
    readonly code: grpc.status,
    readonly fields: Readonly<Record<string, unknown>>,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// ---- the CLI's errors: each carries the exit code the CLI returns for it ------------------------

/** Base of the errors a {@link ClusterClient} raises; `exitCode` is what the CLI exits with. */
export abstract class ControlError extends Error {
  abstract override readonly name: string;
  abstract readonly exitCode: number;
}

/** Neither IDUNNO_COORDINATORS nor a cluster file names a coordinator. */
export class NoClusterError extends ControlError {
  override readonly name = 'NoClusterError';
  readonly exitCode = 3;
  constructor(
    readonly searchedFrom: string,
    envName: string,
  ) {
    super(`no cluster found: run \`pnpm idunno up\` in this directory or set ${envName}`);
  }
}

/** The cluster file or IDUNNO_COORDINATORS is unreadable or malformed. */
export class ClusterConfigError extends ControlError {
  override readonly name = 'ClusterConfigError';
  readonly exitCode = 3;
  constructor(
    readonly source: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${source}: ${message}`, options);
  }
}

/** Not one coordinator answered. */
export class NoCoordinatorError extends ControlError {
  override readonly name = 'NoCoordinatorError';
  readonly exitCode = 3;
  readonly addresses: readonly string[];
  constructor(readonly tried: readonly { address: string; reason: string }[]) {
    super(
      `no coordinator answers at ${tried.map((t) => (t.reason ? `${t.address} (${t.reason})` : t.address)).join(', ')}: ` +
        'is the cluster up? (pnpm idunno up)',
    );
    this.addresses = tried.map((t) => t.address);
  }
}

/** Coordinators answer but none holds the lease, even after retrying. */
export class NoLeaderError extends ControlError {
  override readonly name = 'NoLeaderError';
  readonly exitCode = 3;
  constructor(
    readonly answering: readonly string[],
    readonly waitedMs: number,
  ) {
    super(
      `no coordinator leads after ${(waitedMs / 1000).toFixed(1)} s (answering: ${answering.join(', ')}); ` +
        'a takeover may be in progress: try again in a few seconds',
    );
  }
}

/**
 * A coordinator refused or failed the request; `details` is its message for the user, `remote` the
 * server-side error's class and fields when it sent them.
 */
export class ControlRequestError extends ControlError {
  override readonly name = 'ControlRequestError';
  readonly exitCode = 1;
  constructor(
    readonly code: grpc.status,
    readonly details: string,
    readonly address: string,
    readonly remote: RemoteErrorInfo | undefined,
    options?: ErrorOptions,
  ) {
    super(details, options);
  }
}

// ---- across the wire ----------------------------------------------------------------------------

/** A server-side error's identity as it travels: class name and typed fields. */
export interface RemoteErrorInfo {
  name: string;
  fields: Readonly<Record<string, unknown>>;
}

const OMITTED = new Set(['name', 'message', 'stack', 'cause']);

/** The error's typed context fields (its own enumerable properties), JSON-safe and bounded. */
export function errorFields(err: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (OMITTED.has(key) || typeof value === 'function' || value === undefined) continue;
    fields[key] = value;
  }
  let json: string;
  try {
    json = JSON.stringify(fields);
  } catch {
    json = '';
  }
  if (json && Buffer.byteLength(json) <= MAX_FIELDS_BYTES) return fields;
  // Too big (a list of bad lines) or not serialisable: keep the scalars, which identify the case.
  const scalars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      scalars[key] = typeof value === 'string' && value.length > 256 ? `${value.slice(0, 256)}…` : value;
    }
  }
  return scalars;
}

/** The trailing metadata that names `err`'s class and carries its fields. */
export function errorMetadata(err: unknown): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (!(err instanceof Error)) return metadata;
  metadata.set(ERROR_NAME_KEY, err.name);
  metadata.set(ERROR_FIELDS_KEY, Buffer.from(JSON.stringify(errorFields(err)), 'utf8'));
  return metadata;
}

/**
 * Server side: the ServiceError a handler answers with for `err`: `code`, the error's message as
 * details (what the user reads) and its class and fields in trailing metadata.
 */
export function toServiceError(err: unknown, code: grpc.status, message?: string): grpc.ServiceError {
  const details = message ?? (err instanceof Error ? err.message : String(err));
  return Object.assign(new Error(details), { code, details, metadata: errorMetadata(err) });
}

/** The class name and fields a server put in a failed call's trailing metadata, if any. */
export function remoteErrorInfo(err: unknown): RemoteErrorInfo | undefined {
  if (!isServiceError(err) || !err.metadata) return undefined;
  const [name] = err.metadata.get(ERROR_NAME_KEY);
  if (typeof name !== 'string' || name === '') return undefined;
  const [raw] = err.metadata.get(ERROR_FIELDS_KEY);
  let fields: Record<string, unknown> = {};
  if (Buffer.isBuffer(raw)) {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        fields = parsed as Record<string, unknown>;
    } catch {
      // fields unreadable: the name alone still identifies the condition
    }
  }
  return { name, fields };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The classes a client rebuilds as themselves, by the name the server sent. */
const REBUILD: Record<string, (fields: Readonly<Record<string, unknown>>, cause: Error) => Error> = {
  NotLeaderError: (f, cause) => new NotLeaderError(str(f.nodeId), str(f.leaderId) || null, { cause }),
  StaleEpochError: (f, cause) =>
    new StaleEpochError(num(f.epoch), num(f.current), f.refusedBy === 'worker' ? 'worker' : 'store', {
      cause,
    }),
};

/**
 * Client side: the typed error a failed call stands for. NotLeaderError and StaleEpochError come
 * back as themselves; another named server error as a {@link RemoteError}; an error without
 * metadata (a deadline, a refused connection, a server that predates it) is returned unchanged.
 */
export function fromServiceError(err: unknown): Error {
  const info = remoteErrorInfo(err);
  if (!info || !isServiceError(err)) return err instanceof Error ? err : new Error(String(err));
  const rebuild = REBUILD[info.name];
  if (rebuild) return rebuild(info.fields, err);
  return new RemoteError(info.name, err.code, info.fields, err.details || err.message, { cause: err });
}
