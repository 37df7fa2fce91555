#!/usr/bin/env node
import { UsageError } from './args.js';
// idunno CLI: one entry point, one module per command. Exit codes: 0 ok, 1 failure, 2 bad usage.
import { CLASSIFY_HELP, classifyCommand } from './commands/classify.js';
import { DEMO_HELP, demoCommand } from './commands/demo.js';
import { DRILL_HELP, drillCommand } from './commands/drill.js';
import {
  ADD_JOB_HELP,
  addJobCommand,
  SET_BATCH_SIZE_HELP,
  START_JOB_HELP,
  STOP_JOB_HELP,
  setBatchSizeCommand,
  startJobCommand,
  stopJobCommand,
} from './commands/jobs.js';
import { MEMBERS_HELP, membersCommand } from './commands/members.js';
import { SHOW_RESULTS_HELP, showResultsCommand } from './commands/results.js';
import {
  GET_JOB_ASSIGNED_VMS_HELP,
  GET_JOB_STATS_HELP,
  getJobAssignedVmsCommand,
  getJobStatsCommand,
} from './commands/stats.js';
import { UP_HELP, upCommand } from './commands/up.js';

type Command = { help: string; run: (argv: string[]) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  classify: { help: CLASSIFY_HELP, run: classifyCommand },
  demo: { help: DEMO_HELP, run: demoCommand },
  drill: { help: DRILL_HELP, run: drillCommand },
  up: { help: UP_HELP, run: upCommand },
  'add-job': { help: ADD_JOB_HELP, run: addJobCommand },
  'start-job': { help: START_JOB_HELP, run: startJobCommand },
  'stop-job': { help: STOP_JOB_HELP, run: stopJobCommand },
  'set-batch-size': { help: SET_BATCH_SIZE_HELP, run: setBatchSizeCommand },
  'get-job-stats': { help: GET_JOB_STATS_HELP, run: getJobStatsCommand },
  'get-job-assigned-vms': { help: GET_JOB_ASSIGNED_VMS_HELP, run: getJobAssignedVmsCommand },
  'show-results': { help: SHOW_RESULTS_HELP, run: showResultsCommand },
  members: { help: MEMBERS_HELP, run: membersCommand },
};

const HELP = `usage: idunno <command> [options]      (idunno <command> --help for details)

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(22)} ${c.help.split('\n')[2] ?? ''}`)
  .join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`idunno: unknown command "${name}"\n\n${HELP}\n`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`idunno: ${e.message}\n`);
    process.exitCode =
      e instanceof UsageError || (e.name === 'TypeError' && /option|argument/i.test(e.message)) ? 2 : 1;
  },
);
