/**
 * A query's recorded outcome as it is stored (a JSON payload per query in Redis) and read back
 * through GetResults: the coordinator encodes, every reader decodes, here and nowhere else.
 */
import type { CoordResultRecord__Output } from '@idunno/proto';

/** One class of a query's top-k. */
export interface ClassScore {
  index: number;
  label: string;
  probability: number;
}

/** What a recorded result holds. */
export interface ResultPayload {
  topK: ClassScore[];
  /** The worker that ran it. */
  worker: string;
  /** Dispatch → reply at the coordinator, for the task that carried it (ms). */
  ms: number;
  /** Wall-clock time the reply arrived (ms since the Unix epoch, 0.01-ms resolution). */
  at: number;
}

/** What a recorded error holds. */
export interface ErrorPayload {
  /** A stable code (`FETCH_FAILED`, `DECODE_FAILED`, `TASK_FAILED`, …). */
  code: string;
  message: string;
  /** The worker that reported it; absent for errors the coordinator records itself. */
  worker?: string;
}

/** The kind of a recorded outcome. */
export type OutcomeKind = 'result' | 'error';

/** One outcome as stored: query, kind and the encoded payload. */
export interface EncodedOutcome {
  queryId: string;
  kind: OutcomeKind;
  payload: string;
}

export function encodeResult(queryId: string, p: ResultPayload): EncodedOutcome {
  const topK = p.topK.map((c) => ({ index: c.index, label: c.label, probability: c.probability }));
  return { queryId, kind: 'result', payload: JSON.stringify({ topK, worker: p.worker, ms: p.ms, at: p.at }) };
}

export function encodeError(queryId: string, p: ErrorPayload): EncodedOutcome {
  const payload: ErrorPayload = { code: p.code, message: p.message };
  if (p.worker !== undefined) payload.worker = p.worker;
  return { queryId, kind: 'error', payload: JSON.stringify(payload) };
}

/** One outcome read back, its payload decoded. */
export type Outcome =
  | ({ queryId: string; uri: string; kind: 'result' } & Partial<Omit<ResultPayload, 'topK'>> & {
        topK: ClassScore[];
      })
  | {
      queryId: string;
      uri: string;
      kind: 'error';
      error: { code: string; message: string };
      worker?: string;
    };

function isClass(c: unknown): c is ClassScore {
  const o = c as Partial<ClassScore> | null;
  return typeof o?.index === 'number' && typeof o.label === 'string' && typeof o.probability === 'number';
}

/**
 * Decodes a record's JSON payload. A payload that is not what the coordinator writes becomes an
 * error outcome (`BAD_PAYLOAD`) rather than failing the whole listing.
 */
export function decodeOutcome(
  r: Pick<CoordResultRecord__Output, 'queryId' | 'uri' | 'kind' | 'payload'>,
): Outcome {
  let payload: unknown;
  try {
    payload = JSON.parse(r.payload);
  } catch {
    payload = undefined;
  }
  const p = (payload ?? {}) as Record<string, unknown>;
  const worker = typeof p.worker === 'string' ? { worker: p.worker } : {};
  if (r.kind === 'result' && Array.isArray(p.topK) && p.topK.every(isClass)) {
    return {
      queryId: r.queryId,
      uri: r.uri,
      kind: 'result',
      topK: p.topK,
      ...worker,
      ...(typeof p.ms === 'number' ? { ms: p.ms } : {}),
      ...(typeof p.at === 'number' ? { at: p.at } : {}),
    };
  }
  if (r.kind === 'error' && payload !== undefined) {
    return {
      queryId: r.queryId,
      uri: r.uri,
      kind: 'error',
      error: { code: String(p.code ?? 'UNKNOWN'), message: String(p.message ?? '') },
      ...worker,
    };
  }
  return {
    queryId: r.queryId,
    uri: r.uri,
    kind: 'error',
    error: {
      code: 'BAD_PAYLOAD',
      message: `unreadable ${r.kind || 'record'} payload: ${r.payload.slice(0, 200)}`,
    },
  };
}
