/** members: the cluster as the coordinators' gossip sees it, and which coordinator leads. */
import { EXIT_CODES, printJson, withControl } from '../control.js';
import type { CommandSpec, JsonFlag } from '../flags.js';
import { leaderOf, renderMembers } from '../render/members-table.js';

export const membersCommand: CommandSpec<[JsonFlag]> = {
  define: (cmd) =>
    cmd
      .description(
        "Lists the cluster's coordinators and workers, and which coordinator leads. " +
          'For each: id, role, state (alive, suspect, dead, left), gRPC address, the models a worker serves.',
      )
      .option(
        '--json',
        'print {leaderId, members: [{id, role, state, address, models, leader, incarnation}]}',
      )
      .addHelpText('after', `\n${EXIT_CODES}`),
  run: (flags) =>
    withControl(async (client) => {
      const list = await client.read((c) => c.members());
      if (flags.json) printJson({ leaderId: leaderOf(list), members: list.members });
      else process.stdout.write(`${renderMembers(list)}\n`);
      return 0;
    }),
};
