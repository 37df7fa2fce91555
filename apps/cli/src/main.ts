#!/usr/bin/env node
/**
 * idunno CLI: one commander program, one sub-command per spec under commands/. A command's module
 * (and what it imports: the launcher, the drill engine, sharp, onnxruntime) is loaded only when
 * that command runs or shows its help, so `idunno get-job-stats` starts without the inference
 * stack.
 */
import { type Command, CommanderError } from 'commander';
import { CliCommand, type CommandSpec, UsageError } from './flags.js';

/** The CLI's exit codes; a ControlError carries its own (1 refused, 3 no cluster), drill and demo exit 130 on Ctrl-C. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const EXIT_CODES_HELP = `
exit codes: 0 ok, 1 the coordinator refused or a command failed, 2 bad usage,
  3 no cluster found or no coordinator answers, 130 interrupted (drill, demo).`;

type Load = () => Promise<CommandSpec>;

/** Every command, its line in `idunno --help`, and the module that defines and runs it. */
const COMMANDS: readonly (readonly [name: string, summary: string, load: Load])[] = [
  [
    'classify',
    'Classifies images in this one process (no cluster)',
    async () => (await import('./commands/classify.js')).classifyCommand,
  ],
  [
    'demo',
    'Runs two jobs end to end on a local cluster',
    async () => (await import('./commands/demo.js')).demoCommand,
  ],
  [
    'drill',
    'Breaks a local cluster on purpose and measures recovery',
    async () => (await import('./commands/drill.js')).drillCommand,
  ],
  [
    'up',
    'Starts a local cluster and keeps it up until Ctrl-C',
    async () => (await import('./commands/up.js')).upCommand,
  ],
  [
    'add-job',
    'Adds a job: a model and the images its queries run on',
    async () => (await import('./commands/jobs.js')).addJobCommand,
  ],
  [
    'start-job',
    'Starts (or resumes) a job on the workers',
    async () => (await import('./commands/jobs.js')).startJobCommand,
  ],
  [
    'stop-job',
    'Stops a running job; start-job resumes it',
    async () => (await import('./commands/jobs.js')).stopJobCommand,
  ],
  [
    'set-batch-size',
    "Changes a job's batch size from the next batch on",
    async () => (await import('./commands/jobs.js')).setBatchSizeCommand,
  ],
  [
    'get-job-stats',
    "Shows each job's progress, rate (C1), time (C2), ETA",
    async () => (await import('./commands/stats.js')).getJobStatsCommand,
  ],
  [
    'get-job-assigned-vms',
    'Shows which workers each job uses, and their shares',
    async () => (await import('./commands/stats.js')).getJobAssignedVmsCommand,
  ],
  [
    'show-results',
    "Prints or exports a job's results (table, .jsonl, .csv)",
    async () => (await import('./commands/results.js')).showResultsCommand,
  ],
  [
    'members',
    'Lists coordinators and workers, and which one leads',
    async () => (await import('./commands/members.js')).membersCommand,
  ],
];

/** Parses `argv` (without node and the script), runs the command and resolves to the exit code. */
async function run(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const loads = new Map<Command, Load>();
  // Loads a command's module and lets its spec declare arguments, options, help and action.
  const prepare = async (cmd: Command): Promise<void> => {
    const load = loads.get(cmd);
    if (load === undefined) return;
    loads.delete(cmd);
    const spec = await load();
    spec.define(cmd);
    cmd.action(async (...args: unknown[]) => {
      exitCode = await spec.run(...args);
    });
  };

  // Sub-commands copy these settings when they are created below.
  const program = new CliCommand('idunno')
    .usage('<command> [options]')
    .description(
      'A fault-tolerant image-classification cluster: run jobs on it, watch them, read the results.',
    )
    .enablePositionalOptions()
    .exitOverride()
    // One `idunno: ...` line per usage error, like the CLI's own messages.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'idunno: ')) })
    .helpCommand(false);
  for (const [name, summary, load] of COMMANDS) loads.set(program.command(name).summary(summary), load);
  program
    .command('help')
    .argument('[command]', 'the command to explain')
    .description('display help for a command')
    .action(async (name?: string) => {
      const cmd = program.commands.find((c) => c.name() === name);
      if (cmd === undefined) program.outputHelp();
      else {
        await prepare(cmd);
        cmd.outputHelp();
      }
    });
  // Set after the sub-commands: only an unknown command (or root option) repeats the command list.
  program.showHelpAfterError().addHelpText('after', EXIT_CODES_HELP);
  program.hook('preSubcommand', (_program, cmd) => prepare(cmd));

  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    // commander has printed its own message (see outputError); --help ends here with exit code 0.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`idunno: ${e.message}\n`);
    return e instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
  }
}

const code = await run(process.argv.slice(2));
// The command is done. A connection still being attempted to a coordinator on a dark host (its
// packets dropped) would keep the process alive until the kernel gives up on it, about two
// minutes: exit now, once stdout and stderr have taken everything written to them.
await Promise.all(
  [process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))),
);
process.exit(code);
