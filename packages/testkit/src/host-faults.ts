import { InvalidFaultError } from './host-errors.js';

/**
 * Network faults between test hosts, as data, and the nftables ruleset each host gets for the
 * faults in force. Pure: `hosts.ts` applies the rulesets inside the hosts' namespaces.
 */

/** A fault as asked for, naming hosts by name. */
export type FaultSpec =
  | { readonly kind: 'isolate'; readonly host: string }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly string[])[] }
  | { readonly kind: 'one-way'; readonly from: string; readonly to: string }
  | { readonly kind: 'block'; readonly host: string; readonly others: readonly string[] }
  | { readonly kind: 'loss'; readonly host: string; readonly percent: number };

/** One drop rule on one host's link. */
export interface DropRule {
  /** The host whose namespace holds the rule. */
  readonly host: string;
  /** `in`: packets arriving on its link (netdev ingress); `out`: packets it sends (netdev egress). */
  readonly direction: 'in' | 'out';
  /** Only packets from (`in`) or to (`out`) these addresses. @default every IP packet */
  readonly peers?: readonly string[];
  /** The share of matching packets dropped, 0–100 (two decimals count). @default 100 */
  readonly percent?: number;
}

/** The nftables table every host's faults live in, one per host namespace. */
export const FAULT_TABLE = 'idunno_faults';
/** Each host's one link, the veth to the switch; its `lo` is never touched. */
export const HOST_LINK = 'eth0';

/** Checks a spec before anything is applied: a bad fault throws, it does not half-apply. */
export function validateFault(spec: FaultSpec): void {
  switch (spec.kind) {
    case 'partition': {
      if (spec.groups.length < 2)
        throw new InvalidFaultError('partition', 'groups', spec.groups, 'needs at least two groups');
      const seen = new Set<string>();
      for (const group of spec.groups) {
        if (group.length === 0)
          throw new InvalidFaultError('partition', 'groups', spec.groups, 'has an empty group');
        for (const h of group) {
          if (seen.has(h))
            throw new InvalidFaultError('partition', 'groups', spec.groups, `names ${h} in two groups`);
          seen.add(h);
        }
      }
      return;
    }
    case 'one-way':
      if (spec.from === spec.to)
        throw new InvalidFaultError('oneWay', 'to', spec.to, 'must differ from `from`');
      return;
    case 'block':
      if (spec.others.length === 0)
        throw new InvalidFaultError('block', 'others', spec.others, 'must name at least one host');
      if (spec.others.includes(spec.host))
        throw new InvalidFaultError('block', 'others', spec.others, `must not include ${spec.host} itself`);
      return;
    case 'loss':
      if (!Number.isFinite(spec.percent) || spec.percent < 0 || spec.percent > 100)
        throw new InvalidFaultError('loss', 'percent', spec.percent, 'must be a number from 0 to 100');
      return;
    case 'isolate':
      return;
  }
}

/** The drop rules that make up a fault, given each host's address. */
export function faultRules(spec: FaultSpec, addressOf: (host: string) => string): DropRule[] {
  switch (spec.kind) {
    case 'isolate':
      return [
        { host: spec.host, direction: 'in' },
        { host: spec.host, direction: 'out' },
      ];
    case 'partition':
      // Dropping on arrival at each side is enough to cut both directions; the test process
      // (not in any group) still reaches every host.
      return spec.groups.flatMap((group, i) => {
        const others = spec.groups.filter((_, j) => j !== i).flatMap((g) => g.map(addressOf));
        return group.map((host): DropRule => ({ host, direction: 'in', peers: others }));
      });
    case 'one-way':
      return [{ host: spec.to, direction: 'in', peers: [addressOf(spec.from)] }];
    case 'block': {
      const peers = spec.others.map(addressOf);
      return [
        { host: spec.host, direction: 'in', peers },
        { host: spec.host, direction: 'out', peers },
      ];
    }
    case 'loss':
      return [
        { host: spec.host, direction: 'in', percent: spec.percent },
        { host: spec.host, direction: 'out', percent: spec.percent },
      ];
  }
}

/**
 * One rule as nft writes it, or undefined for a rule that drops nothing (0 %). Without peers it
 * matches IPv4 and IPv6 only: ARP still passes, so a peer of a dark host sees its packets vanish
 * (timeouts) instead of a failed neighbour lookup (EHOSTUNREACH), as across a cut routed path.
 */
export function ruleText(rule: DropRule): string | undefined {
  const share = Math.round((rule.percent ?? 100) * 100);
  if (share <= 0) return undefined;
  const match =
    rule.peers === undefined
      ? 'meta protocol { ip, ip6 }'
      : `ip ${rule.direction === 'in' ? 'saddr' : 'daddr'} { ${rule.peers.join(', ')} }`;
  // numgen draws from [0, 10000): 10000 itself is out of range, and means "always" anyway.
  const chance = share >= 10_000 ? '' : ` numgen random mod 10000 < ${share}`;
  return `${match}${chance} drop`;
}

/**
 * The nft script that replaces a host's fault table with one holding `rules` (its own only), in
 * one transaction: declaring the table first makes the delete succeed when there was none. With
 * no rule left the table is just removed, so a healed host carries no nftables state at all.
 *
 * Why netdev ingress/egress hooks on the link rather than an `inet` table's input/output: a drop
 * in the output hook makes the sender's own send fail (EPERM on a UDP send), which a real dark
 * network never does; a drop at egress is as silent as a packet lost on the wire.
 */
export function hostRuleset(rules: readonly DropRule[]): string {
  const reset = `table netdev ${FAULT_TABLE}\ndelete table netdev ${FAULT_TABLE}\n`;
  const lines = (direction: DropRule['direction']) =>
    rules
      .filter((r) => r.direction === direction)
      .map(ruleText)
      .filter((t): t is string => t !== undefined);
  const ingress = lines('in');
  const egress = lines('out');
  if (ingress.length === 0 && egress.length === 0) return reset;
  const chain = (name: string, hook: string, body: string[]) =>
    [
      `\tchain ${name} {`,
      `\t\ttype filter hook ${hook} device "${HOST_LINK}" priority filter; policy accept;`,
      ...body.map((l) => `\t\t${l}`),
      '\t}',
    ].join('\n');
  return `${reset}table netdev ${FAULT_TABLE} {\n${chain('ingress', 'ingress', ingress)}\n${chain('egress', 'egress', egress)}\n}\n`;
}
