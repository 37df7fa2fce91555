/**
 * Errors of the inference path. Each per-query condition carries a stable `code` that travels in
 * the worker's QueryError, so a client can tell a missing file from a corrupt image without
 * parsing messages.
 */
export type QueryErrorCode =
  | 'NOT_FOUND'
  | 'FETCH_FAILED'
  | 'FETCH_TIMEOUT'
  | 'TOO_LARGE'
  | 'DECODE_FAILED'
  | 'BAD_INPUT'
  | 'INFERENCE_FAILED';

/** Base of every per-query error: the query fails, the node keeps serving. */
export abstract class QueryFailure extends Error {
  abstract readonly code: QueryErrorCode;
  readonly uri: string;
  constructor(uri: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.uri = uri;
  }
}

export class InputNotFoundError extends QueryFailure {
  override readonly name = 'InputNotFoundError';
  readonly code = 'NOT_FOUND';
  constructor(uri: string, options?: ErrorOptions) {
    super(uri, `input not found: ${uri} (check the path exists on the worker's machine)`, options);
  }
}

export class FetchFailedError extends QueryFailure {
  override readonly name = 'FetchFailedError';
  readonly code = 'FETCH_FAILED';
  readonly status: number | undefined;
  constructor(uri: string, reason: string, status?: number, options?: ErrorOptions) {
    super(uri, `could not fetch ${uri}: ${reason}`, options);
    this.status = status;
  }
}

export class FetchTimeoutError extends QueryFailure {
  override readonly name = 'FetchTimeoutError';
  readonly code = 'FETCH_TIMEOUT';
  readonly timeoutMs: number;
  constructor(uri: string, timeoutMs: number, options?: ErrorOptions) {
    super(uri, `fetching ${uri} took longer than ${timeoutMs} ms; is the host reachable?`, options);
    this.timeoutMs = timeoutMs;
  }
}

export class InputTooLargeError extends QueryFailure {
  override readonly name = 'InputTooLargeError';
  readonly code = 'TOO_LARGE';
  readonly limit: number;
  constructor(uri: string, what: string, limit: number, options?: ErrorOptions) {
    super(uri, `${uri} is too large: ${what} (limit ${limit})`, options);
    this.limit = limit;
  }
}

export class DecodeError extends QueryFailure {
  override readonly name = 'DecodeError';
  readonly code = 'DECODE_FAILED';
  constructor(uri: string, reason: string, options?: ErrorOptions) {
    super(uri, `${uri} is not a decodable image: ${reason}`, options);
  }
}

export class BadInputError extends QueryFailure {
  override readonly name = 'BadInputError';
  readonly code = 'BAD_INPUT';
}

export class InferenceFailedError extends QueryFailure {
  override readonly name = 'InferenceFailedError';
  readonly code = 'INFERENCE_FAILED';
}

/** A model file that onnxruntime cannot load: truncated, not ONNX, wrong inputs. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  readonly model: string;
  readonly path: string;
  constructor(model: string, path: string, reason: string, options?: ErrorOptions) {
    super(
      `cannot load model ${model} from ${path}: ${reason}. Rebuild or re-fetch it (pnpm models:build ${model} or pnpm models:fetch ${model}).`,
      options,
    );
    this.model = model;
    this.path = path;
  }
}

/** The session pool was closed or its thread died. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
  constructor(message = 'the inference pool is closed') {
    super(message);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
