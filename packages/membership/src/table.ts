import type { Member } from './types.js';

const STATE_ORDER = { alive: 0, suspect: 1, dead: 2, left: 3 } as const;

/**
 * A fixed-width text table of members for `idunno members`: id, state, role, gossip and gRPC
 * addresses, incarnation, models. Alive first, then by id.
 */
export function formatMembersTable(members: readonly Member[]): string {
  const rows = [...members]
    .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => [
      m.id,
      m.state,
      m.meta.role,
      m.address,
      m.meta.grpcAddress || '-',
      String(m.incarnation),
      m.meta.models.join(',') || '-',
    ]);
  const header = ['ID', 'STATE', 'ROLE', 'GOSSIP', 'GRPC', 'INC', 'MODELS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
