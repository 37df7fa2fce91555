import { describe, expect, it } from 'vitest';
import { InvalidFaultError } from './host-errors.js';
import { type FaultSpec, faultRules, hostRuleset, ruleText, validateFault } from './host-faults.js';

const addresses: Record<string, string> = {
  a: '10.200.0.1',
  b: '10.200.0.2',
  c: '10.200.0.3',
  d: '10.200.0.4',
};
const addressOf = (h: string) => addresses[h]!;

describe('faultRules', () => {
  it('isolates a host in both directions', () => {
    expect(faultRules({ kind: 'isolate', host: 'a' }, addressOf)).toEqual([
      { host: 'a', direction: 'in' },
      { host: 'a', direction: 'out' },
    ]);
  });

  it('splits groups by dropping, at each host, what arrives from the other groups', () => {
    const rules = faultRules({ kind: 'partition', groups: [['a', 'b'], ['c'], ['d']] }, addressOf);
    expect(rules).toEqual([
      { host: 'a', direction: 'in', peers: ['10.200.0.3', '10.200.0.4'] },
      { host: 'b', direction: 'in', peers: ['10.200.0.3', '10.200.0.4'] },
      { host: 'c', direction: 'in', peers: ['10.200.0.1', '10.200.0.2', '10.200.0.4'] },
      { host: 'd', direction: 'in', peers: ['10.200.0.1', '10.200.0.2', '10.200.0.3'] },
    ]);
  });

  it('makes a one-way cut at the receiver only, and a block at the blocked host both ways', () => {
    expect(faultRules({ kind: 'one-way', from: 'a', to: 'b' }, addressOf)).toEqual([
      { host: 'b', direction: 'in', peers: ['10.200.0.1'] },
    ]);
    expect(faultRules({ kind: 'block', host: 'a', others: ['c', 'd'] }, addressOf)).toEqual([
      { host: 'a', direction: 'in', peers: ['10.200.0.3', '10.200.0.4'] },
      { host: 'a', direction: 'out', peers: ['10.200.0.3', '10.200.0.4'] },
    ]);
  });
});

describe('ruleText', () => {
  it('drops every IP packet (not ARP) without peers, and by address with them', () => {
    expect(ruleText({ host: 'a', direction: 'in' })).toBe('meta protocol { ip, ip6 } drop');
    expect(ruleText({ host: 'a', direction: 'in', peers: ['10.200.0.2'] })).toBe(
      'ip saddr { 10.200.0.2 } drop',
    );
    expect(ruleText({ host: 'a', direction: 'out', peers: ['10.200.0.2', '10.200.0.3'] })).toBe(
      'ip daddr { 10.200.0.2, 10.200.0.3 } drop',
    );
  });

  it('draws a random number for a partial loss, none for 100 %, and no rule for 0 %', () => {
    expect(ruleText({ host: 'a', direction: 'in', percent: 10 })).toBe(
      'meta protocol { ip, ip6 } numgen random mod 10000 < 1000 drop',
    );
    expect(ruleText({ host: 'a', direction: 'in', percent: 0.25 })).toContain('< 25 drop');
    expect(ruleText({ host: 'a', direction: 'in', percent: 100 })).toBe('meta protocol { ip, ip6 } drop');
    expect(ruleText({ host: 'a', direction: 'in', percent: 0 })).toBeUndefined();
    expect(ruleText({ host: 'a', direction: 'in', percent: 0.001 })).toBeUndefined();
  });
});

describe('hostRuleset', () => {
  it('replaces the table in one transaction, with ingress and egress hooks on the host link', () => {
    const text = hostRuleset([
      { host: 'a', direction: 'in', peers: ['10.200.0.2'] },
      { host: 'a', direction: 'out', percent: 50 },
    ]);
    expect(text).toBe(
      [
        'table netdev idunno_faults',
        'delete table netdev idunno_faults',
        'table netdev idunno_faults {',
        '\tchain ingress {',
        '\t\ttype filter hook ingress device "eth0" priority filter; policy accept;',
        '\t\tip saddr { 10.200.0.2 } drop',
        '\t}',
        '\tchain egress {',
        '\t\ttype filter hook egress device "eth0" priority filter; policy accept;',
        '\t\tmeta protocol { ip, ip6 } numgen random mod 10000 < 5000 drop',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('only removes the table when no rule drops anything', () => {
    const reset = 'table netdev idunno_faults\ndelete table netdev idunno_faults\n';
    expect(hostRuleset([])).toBe(reset);
    expect(hostRuleset([{ host: 'a', direction: 'in', percent: 0 }])).toBe(reset);
  });
});

describe('validateFault', () => {
  const bad: [string, FaultSpec][] = [
    ['one group', { kind: 'partition', groups: [['a', 'b']] }],
    ['an empty group', { kind: 'partition', groups: [['a'], []] }],
    ['a host in two groups', { kind: 'partition', groups: [['a', 'b'], ['b']] }],
    ['a one-way cut to itself', { kind: 'one-way', from: 'a', to: 'a' }],
    ['a block of nobody', { kind: 'block', host: 'a', others: [] }],
    ['a host blocked from itself', { kind: 'block', host: 'a', others: ['a', 'b'] }],
    ['a loss over 100 %', { kind: 'loss', host: 'a', percent: 101 }],
    ['a negative loss', { kind: 'loss', host: 'a', percent: -1 }],
    ['a loss that is no number', { kind: 'loss', host: 'a', percent: Number.NaN }],
  ];
  it.each(bad)('rejects %s', (_, spec) => {
    expect(() => validateFault(spec)).toThrow(InvalidFaultError);
  });

  it('accepts the faults the kit offers', () => {
    expect(() => validateFault({ kind: 'partition', groups: [['a'], ['b', 'c']] })).not.toThrow();
    expect(() => validateFault({ kind: 'loss', host: 'a', percent: 0 })).not.toThrow();
    expect(() => validateFault({ kind: 'isolate', host: 'a' })).not.toThrow();
  });
});
