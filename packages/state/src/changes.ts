import type { ChangeEvent, JobState, RecordedItem } from './types.js';

/** Turns one stream entry (id and flat field list) into a typed change; never throws. */
export function parseChange(id: string, flat: readonly string[]): ChangeEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  const base = { id, seq: num(f.seq), epoch: num(f.epoch), at: num(f.at) };
  const jobId = f.jobId ?? '';
  switch (f.type) {
    case 'lease-acquired':
    case 'lease-released':
      return { ...base, type: f.type, holder: f.holder ?? '' };
    case 'job-added':
      return {
        ...base,
        type: 'job-added',
        jobId,
        model: f.model ?? '',
        inputs: parseInputs(f.inputs),
        batchSize: num(f.batchSize),
        topK: num(f.topK),
      };
    case 'job-state':
      return { ...base, type: 'job-state', jobId, from: f.from as JobState, state: f.state as JobState };
    case 'batch-size':
      return { ...base, type: 'batch-size', jobId, batchSize: num(f.batchSize) };
    case 'queries-appended':
      return { ...base, type: 'queries-appended', jobId, from: num(f.from), count: num(f.count) };
    case 'outcomes-recorded': {
      const items = parseItems(f.items);
      if (!items) return { ...base, type: 'unknown', fields: f };
      return { ...base, type: 'outcomes-recorded', jobId, items };
    }
    case 'job-restored':
      return {
        ...base,
        type: 'job-restored',
        jobId,
        total: num(f.total),
        done: num(f.done),
        errors: num(f.errors),
      };
    default:
      return { ...base, type: 'unknown', fields: f };
  }
}

/** [[queryId, kind, payload], …] as recordOutcomes-8.lua writes it; undefined when malformed. */
function parseItems(value: string | undefined): RecordedItem[] | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  // An empty Lua table encodes as {}; the script never emits one, but accept it.
  if (!Array.isArray(parsed)) return typeof parsed === 'object' && parsed !== null ? [] : undefined;
  const items: RecordedItem[] = [];
  for (const entry of parsed) {
    if (!Array.isArray(entry)) return undefined;
    const [queryId, kind, payload] = entry as unknown[];
    if (typeof queryId !== 'string' || typeof payload !== 'string' || (kind !== 'result' && kind !== 'error'))
      return undefined;
    items.push({ queryId, kind, payload });
  }
  return items;
}

function num(value: string | undefined): number {
  return value === undefined ? 0 : Number(value);
}

export function parseInputs(value: string | undefined): string[] {
  if (value === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}
