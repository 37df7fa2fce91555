/**
 * How far the serializer descends into a line's fields, counting each nested object, array and
 * `cause` as one level. It bounds the work on a self-referencing cause chain or structure; ten is
 * deeper than any chain idunno builds (a gRPC error wrapping a store error wrapping a Redis one).
 */
export const MAX_SERIALIZE_DEPTH = 10;

/** Keys written by `serializeError` itself, in this order, before the error's own fields. */
const ERROR_KEYS = new Set(['name', 'message', 'stack', 'cause']);

/**
 * Replaces every `Error` in a line's fields, however nested in plain objects and arrays, by a plain
 * object that JSON can carry. Copy-on-write: what has no error in it is returned as it came, so the
 * caller's objects are never changed and a line without errors costs a walk, not a copy.
 */
export function serializeFields(fields: Record<string, unknown>): Record<string, unknown> {
  return serializeObject(fields, 0);
}

/**
 * `{ name, message, stack, …own enumerable fields, cause }`: the own fields are the typed context
 * of idunno's errors (`jobId`, `epoch`, …); `cause` is serialized the same way, down the chain.
 */
export function serializeError(err: Error, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  if (depth >= MAX_SERIALIZE_DEPTH) return out;
  if (err.stack !== undefined) out.stack = err.stack;
  for (const [key, value] of Object.entries(err)) {
    if (!ERROR_KEYS.has(key)) out[key] = serializeValue(value, depth + 1);
  }
  // AggregateError keeps its members in a non-enumerable own `errors`.
  if (err instanceof AggregateError) out.errors = serializeValue(err.errors, depth + 1);
  if (err.cause !== undefined) out.cause = serializeValue(err.cause, depth + 1);
  return out;
}

function serializeValue(value: unknown, depth: number): unknown {
  if (value instanceof Error) return serializeError(value, depth);
  if (depth >= MAX_SERIALIZE_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const next = serializeValue(item, depth + 1);
      if (next !== item) {
        copy ??= [...value];
        copy[i] = next;
      }
    });
    return copy ?? value;
  }
  // Only plain objects: class instances, Maps, Buffers and typed arrays keep JSON's own rules (and
  // a 600 kB tensor is not walked element by element).
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return serializeObject(value as Record<string, unknown>, depth);
}

function serializeObject(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next = serializeValue(item, depth + 1);
    if (next !== item) {
      copy ??= { ...value };
      copy[key] = next;
    }
  }
  return copy ?? value;
}
