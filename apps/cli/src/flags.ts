/** Flag parsing and local validation shared by the cluster commands (bad usage → UsageError → exit 2). */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ClusterClient, ControlError, invalidJobIdMessage, isValidJobId } from '@idunno/client';
import { UsageError } from './args.js';

/** Exit codes of every cluster command, for the help texts. */
export const EXIT_CODES = `exit codes: 0 ok, 1 the coordinator refused the request (unknown job or model, job exists,
  bad input, two jobs already running, job completed), 2 bad usage, 3 no cluster found or no
  coordinator answers (the cluster is down or a takeover did not finish in 5 s).
coordinators: ${'$'}IDUNNO_COORDINATORS (host:port,...) or .idunno/cluster.json here or in a parent (pnpm idunno up).`;

// A leading '-' makes parseArgs take "-3" for an option; this marker keeps such values as values
// so that "--batch-size -3" and "set-batch-size job -3" get the precise range message.
const NEGATIVE = '\u0000';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What parseCommand returns: flag values by name (see `stringFlag`, `stringFlags`), positionals. */
export interface ParsedCommand {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  json: boolean;
  help: boolean;
}

/** parseArgs with positionals, negative numbers kept as values, and `--json`/`--help` always there. */
export function parseCommand(argv: readonly string[], options: Options): ParsedCommand {
  const args = argv.map((a) => (/^-\d/.test(a) ? NEGATIVE + a : a));
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...options,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const strip = (v: string | boolean): string | boolean =>
    typeof v === 'string' ? v.replace(NEGATIVE, '') : v;
  const out: ParsedCommand['values'] = {};
  for (const [k, v] of Object.entries(values))
    out[k] = Array.isArray(v) ? v.map(strip) : v === undefined ? v : strip(v);
  return {
    values: out,
    positionals: positionals.map((p) => p.replace(NEGATIVE, '')),
    json: out.json === true,
    help: out.help === true,
  };
}

/** A string flag's value (the last one when repeated). */
export function stringFlag(p: ParsedCommand, name: string): string | undefined {
  const v = p.values[name];
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof last === 'string' ? last : undefined;
}

/** Every value of a repeatable string flag. */
export function stringFlags(p: ParsedCommand, name: string): string[] {
  const v = p.values[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/** A boolean flag. */
export function booleanFlag(p: ParsedCommand, name: string): boolean {
  return p.values[name] === true;
}

/** The command's positional arguments, exactly `names.length` of them (optional ones may be missing). */
export function positionalArgs(
  command: string,
  positionals: readonly string[],
  required: readonly string[],
  optional: readonly string[] = [],
): string[] {
  if (positionals.length < required.length) {
    const missing = required[positionals.length] ?? 'argument';
    throw new UsageError(`${command} needs <${missing}> (see idunno ${command} --help)`);
  }
  if (positionals.length > required.length + optional.length) {
    const names = [...required, ...optional].map((n) => `<${n}>`).join(' ');
    throw new UsageError(
      `${command} takes ${names || 'no arguments'}, got unexpected "${positionals[required.length + optional.length]}"`,
    );
  }
  return [...positionals];
}

/** A job name the coordinator will accept (the contract's job-id pattern). */
export function jobName(value: string): string {
  if (!isValidJobId(value)) throw new UsageError(invalidJobIdMessage(value));
  return value;
}

/** An integer in [1, max]; `what` names it in the message ("--batch-size", "batch size"). */
export function boundedInt(what: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${what} must be an integer from 1 to ${max}, got "${value}"`);
  }
  if (n < 1 || n > max) throw new UsageError(`${what} must be an integer from 1 to ${max}, got ${n}`);
  return n;
}

/** A non-negative integer (offsets, limits). */
export function countArg(what: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${what} must be a non-negative integer, got "${value}"`);
  }
  return n;
}

/**
 * The CLI's handling of a failed command: one `idunno: <message>` line on stderr, and the exit
 * code of the condition (1 refused, 3 no cluster/coordinator/leader). Other errors are rethrown
 * for main's handler (UsageError → 2).
 */
export function reportControlError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (!(err instanceof ControlError)) throw err;
  stderr.write(`idunno: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
  return err.exitCode;
}

/** Runs a command against the cluster found from the environment; ControlErrors become one line and an exit code. */
export async function withControl(run: (client: ClusterClient) => Promise<number>): Promise<number> {
  let client: ClusterClient | undefined;
  try {
    client = ClusterClient.fromEnvironment();
    return await run(client);
  } catch (err) {
    return reportControlError(err);
  } finally {
    client?.close();
  }
}

/** Writes one JSON document and a newline. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
