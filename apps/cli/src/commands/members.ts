/** members: the cluster as the coordinators' gossip sees it, and which coordinator leads. */
import type { CoordMemberList__Output } from '@idunno/proto';
import { EXIT_CODES, parseCommand, positionalArgs, printJson, withControl } from '../flags.js';
import { renderTable } from '../render/table.js';

export const MEMBERS_HELP = `usage: idunno members [--json]

Lists the cluster's coordinators and workers, and which coordinator leads.
For each: id, role, state (alive, suspect, dead, left), gRPC address, the models a worker
serves.
--json prints {leaderId, members: [{id, role, state, address, models, leader, incarnation}]}.

${EXIT_CODES}`;

/** The id of the coordinator the list marks as leader, or ''. */
export function leaderOf(list: CoordMemberList__Output): string {
  return list.members.find((m) => m.leader)?.id ?? '';
}

export function renderMembers(list: CoordMemberList__Output): string {
  const rows = [...list.members]
    .sort((a, b) => a.role.localeCompare(b.role) || a.id.localeCompare(b.id))
    .map((m) => [
      m.id,
      m.role === 'coordinator' ? (m.leader ? 'coordinator (leader)' : 'coordinator (standby)') : m.role,
      m.state,
      m.address,
      m.models.length > 0 ? m.models.join(',') : '-',
    ]);
  const leader = leaderOf(list);
  return `${renderTable(['ID', 'ROLE', 'STATE', 'ADDRESS', 'MODELS'], rows)}\n\n${
    leader ? `leader: ${leader}` : 'no coordinator leads right now (a takeover may be in progress)'
  }`;
}

export async function membersCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, {});
  if (p.help) {
    process.stdout.write(`${MEMBERS_HELP}\n`);
    return 0;
  }
  positionalArgs('members', p.positionals, []);
  return withControl(async (client) => {
    const list = await client.read((c) => c.members());
    if (p.json) printJson({ leaderId: leaderOf(list), members: list.members });
    else process.stdout.write(`${renderMembers(list)}\n`);
    return 0;
  });
}
