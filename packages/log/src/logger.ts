/**
 * The logger every library accepts. Libraries never write to the console themselves; apps pick
 * the implementation (structured JSON lines by default).
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (node id, epoch, …). */
  child(fields: LogFields): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface JsonLoggerOptions {
  /** Lowest level written. @default 'info' (or $IDUNNO_LOG_LEVEL) */
  level: LogLevel;
  /** Where lines go. @default process.stderr */
  write: (line: string) => void;
  /** Fields on every line. */
  base: LogFields;
}

function parseLevel(value: string | undefined): LogLevel {
  return value !== undefined && value in RANK ? (value as LogLevel) : 'info';
}

/** One JSON object per line: `{"ts":…,"level":…,"event":…, …fields}`. */
export function jsonLogger(options: Partial<JsonLoggerOptions> = {}): Logger {
  const level = options.level ?? parseLevel(process.env.IDUNNO_LOG_LEVEL);
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const base = options.base ?? {};
  const emit = (lvl: LogLevel, event: string, fields?: LogFields) => {
    if (RANK[lvl] < RANK[level]) return;
    write(
      `${JSON.stringify({ ts: new Date().toISOString(), level: lvl, event, ...base, ...fields }, errorReplacer)}\n`,
    );
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
    child: (fields) => jsonLogger({ level, write, base: { ...base, ...fields } }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

/** Discards everything: the default for libraries when no logger is injected. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/** The message of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
