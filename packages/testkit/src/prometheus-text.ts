/**
 * A small parser of the Prometheus text exposition format (version 0.0.4), enough to check what
 * `/metrics` serves in tests and drills: `# HELP`, `# TYPE`, and samples with optional labels and
 * timestamp. prom-client has no parser of its own.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: string;
  help: string;
  samples: PromSample[];
}

export class PromParseError extends Error {
  override readonly name = 'PromParseError';
  constructor(
    readonly line: number,
    readonly text: string,
    reason: string,
  ) {
    super(`line ${line}: ${reason}: ${JSON.stringify(text)}`);
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|})/;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

/** Like Prometheus (Go's ParseFloat), case-insensitive for NaN and Inf: prom-client writes `Nan`. */
function parseValue(s: string): number {
  const lower = s.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  const v = Number(s);
  if (s === '' || Number.isNaN(v)) throw new Error(`bad value ${s}`);
  return v;
}

/** Parses exposition text into metric families, keyed by family name; throws PromParseError. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const family = (name: string): PromFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const meta = /^#\s*(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(.*)$/.exec(line);
    if (meta) {
      const f = family(meta[2]!);
      if (meta[1] === 'TYPE') f.type = meta[3]!;
      else f.help = meta[3]!;
      return;
    }
    if (line.startsWith('#')) return;
    const name = NAME.exec(line)?.[0];
    if (!name) throw new PromParseError(i + 1, raw, 'no metric name');
    let rest = line.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      if (rest.trimStart().startsWith('}')) rest = rest.trimStart().slice(1);
      else {
        for (;;) {
          const m = LABEL.exec(rest);
          if (!m) throw new PromParseError(i + 1, raw, 'bad label set');
          labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
          rest = rest.slice(m[0].length);
          if (m[3] === '}') break;
        }
      }
    }
    const parts = rest.trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2)
      throw new PromParseError(i + 1, raw, 'expected value [timestamp]');
    let value: number;
    try {
      value = parseValue(parts[0]!);
    } catch {
      throw new PromParseError(i + 1, raw, 'bad value');
    }
    // A sample belongs to the family declared by TYPE, which may be its name less a suffix.
    let owner = name;
    if (!families.has(name)) {
      for (const s of SUFFIXES) {
        if (name.endsWith(s) && families.has(name.slice(0, -s.length))) owner = name.slice(0, -s.length);
      }
    }
    family(owner).samples.push({ name, labels, value });
  });
  return families;
}

/** The value of the one sample named `name` whose labels include `labels`, or undefined. */
export function sampleValue(
  families: Map<string, PromFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}
