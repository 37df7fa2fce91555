/**
 * How a command declares and checks its arguments: commander parses, and the parsers here give
 * every bad value the CLI's precise message as a UsageError, which main turns into exit code 2.
 */
import { invalidJobIdMessage, isValidJobId } from '@idunno/client';
import { Command } from 'commander';

/** Bad usage: a value out of range, a missing argument or option. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A command that words a missing or an extra argument as the CLI always has ("add-job needs
 * <job> (see idunno add-job --help)"). commander calls these two methods from its argument check;
 * they are not in its typings, so the pinned commander version and the tests guard them.
 */
export class CliCommand extends Command {
  /** What allowExcessArguments() set: the override below must honour it, as commander's own does. */
  private excessAllowed = false;

  override createCommand(name?: string): CliCommand {
    return new CliCommand(name);
  }

  override allowExcessArguments(allow = true): this {
    this.excessAllowed = allow;
    return super.allowExcessArguments(allow);
  }

  missingArgument(name: string): never {
    throw new UsageError(`${this.name()} needs <${name}> (see idunno ${this.name()} --help)`);
  }

  _excessArguments(received: readonly string[]): void {
    if (this.excessAllowed) return;
    const names = this.registeredArguments.map((a) => `<${a.name()}>`).join(' ');
    throw new UsageError(
      `${this.name()} takes ${names || 'no arguments'}, got unexpected "${received[this.registeredArguments.length]}"`,
    );
  }
}

/**
 * One sub-command: `define` declares its arguments, options and help on the command main made for
 * it; `run` gets what commander parsed (the arguments in order, then the options) and resolves to
 * the exit code.
 */
export interface CommandSpec<A extends unknown[] = unknown[]> {
  define(cmd: Command): void;
  run(...args: A): Promise<number>;
}

/** `--json`, which every cluster command takes. */
export interface JsonFlag {
  json?: boolean;
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
export function countArg(what: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${what} must be a non-negative integer, got "${value}"`);
  }
  return n;
}

/** A positive integer of the single-process and local-cluster commands, at most `max`. */
export function positiveInt(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${flag} must be a positive integer, got "${value}"`);
  }
  if (n > max) throw new UsageError(`--${flag} must be at most ${max}, got ${n}`);
  return n;
}

/** Every value of a repeatable option, in order (commander's argParser for `--input`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
