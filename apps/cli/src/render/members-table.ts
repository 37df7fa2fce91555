/** members' table: every coordinator and worker, and which coordinator leads. */
import type { CoordMemberList__Output } from '@idunno/proto';
import { renderTable } from './table.js';

/** The id of the coordinator the list marks as leader, or ''. */
export function leaderOf(list: CoordMemberList__Output): string {
  return list.members.find((m) => m.leader)?.id ?? '';
}

/** The members sorted by role then id, with the leading coordinator marked, then who leads. */
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
