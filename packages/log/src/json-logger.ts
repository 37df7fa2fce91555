import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import type { LogFields, Logger, LogLevel } from './logger.js';
import { serializeFields } from './serialize.js';

/** The level written when neither the `level` option nor `$IDUNNO_LOG_LEVEL` names one. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** The environment variable that sets the level of every JSON logger that is not given one. */
export const LOG_LEVEL_ENV = 'IDUNNO_LOG_LEVEL';

const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error', 'silent'] satisfies LogLevel[];

export interface JsonLoggerOptions {
  /** Lowest level written. @default $IDUNNO_LOG_LEVEL, else `DEFAULT_LOG_LEVEL` ('info') */
  level: LogLevel;
  /**
   * Where lines go, one call per line, each ending in `\n`.
   * @default file descriptor 2 (stderr), written synchronously
   */
  write: (line: string) => void;
  /** Fields on every line, after `ts`, `level` and `event`. @default {} */
  base: LogFields;
}

/** The level `$IDUNNO_LOG_LEVEL` names; anything else (unset, misspelt) is the default. */
function envLevel(value: string | undefined): LogLevel {
  return value !== undefined && LOG_LEVELS.includes(value) ? (value as LogLevel) : DEFAULT_LOG_LEVEL;
}

let stderrDestination: DestinationStream | undefined;

/**
 * One synchronous destination on fd 2 for every logger in the process. Synchronous so that a line
 * is in the kernel before the call returns: the apps log and then `process.exit` (a failed start,
 * the end of a drain), and the drills SIGKILL processes at any moment. pino's asynchronous default
 * flushes on a normal exit but loses its buffer to a SIGKILL, exactly the lines a crash
 * investigation wants. The cost, one write(2) per line, is what `process.stderr.write` on a pipe
 * paid before. Shared, so the lines of a logger and its children keep their order.
 */
function stderr(): DestinationStream {
  stderrDestination ??= pino.destination({ dest: 2, sync: true });
  return stderrDestination;
}

/**
 * One JSON object per line: `{"ts":…,"level":"info","event":…, …base, …fields}`, pino underneath.
 * `ts` is ISO time and `level` the level's name; an `Error` anywhere in the fields becomes
 * `{ name, message, stack, …its own fields, cause }` (see `serializeError`).
 */
export function jsonLogger(options: Partial<JsonLoggerOptions> = {}): Logger {
  const level = options.level ?? envLevel(process.env[LOG_LEVEL_ENV]);
  const write = options.write;
  const root = pino(
    {
      level,
      // No pid/hostname: a line carries only what the app puts in `base` (node id, role).
      base: null,
      // Lines start with `ts`, then `level` as a name, as they did before pino. pino writes the
      // level chunk first and the timestamp chunk straight after it, so the level chunk is left
      // empty (`{`) and the timestamp opens the object without the usual leading comma; `level`
      // then travels in the line's own fields. The line-shape test pins this down.
      formatters: { level: () => ({}), log: serializeFields },
      timestamp: () => `"ts":"${new Date().toISOString()}"`,
      // `event` is the message key and always set, so pino never adds a `msg` of its own (it
      // would, from `err.message`, for a field named `err`).
      messageKey: 'event',
      // `formatters.log` has already serialized every error; pino's default `err` serializer
      // would rewrite that plain object a second time (as `type: 'Object'`).
      serializers: { err: (value: unknown) => value },
    },
    write !== undefined ? { write } : stderr(),
  );
  return bind(root, options.base ?? {});
}

type WrittenLevel = Exclude<LogLevel, 'silent'>;

function bind(root: PinoLogger, base: LogFields): Logger {
  const emit = (level: WrittenLevel, event: string, fields: LogFields | undefined): void => {
    if (!root.isLevelEnabled(level)) return;
    // One object, so a call's field replaces a base field of the same name instead of repeating it.
    root[level]({ level, event, ...base, ...fields });
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
    // Children share the root (one level, one destination); only their base fields differ. Not
    // pino's child(): it writes its bindings before the line's fields, ahead of `level` and `event`.
    child: (fields) => bind(root, { ...base, ...fields }),
  };
}
