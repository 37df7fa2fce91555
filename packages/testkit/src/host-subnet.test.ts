import { describe, expect, it } from 'vitest';
import { addressIn, overlaps, parseCidr, pickSubnet, subnetAt, TEST_SUBNET_COUNT } from './host-subnet.js';

describe('the test subnet range', () => {
  it('numbers /24s from 10.200.0.0 to 10.249.255.0 and wraps', () => {
    expect(subnetAt(0)).toBe('10.200.0.0/24');
    expect(subnetAt(257)).toBe('10.201.1.0/24');
    expect(subnetAt(TEST_SUBNET_COUNT - 1)).toBe('10.249.255.0/24');
    expect(subnetAt(TEST_SUBNET_COUNT)).toBe('10.200.0.0/24');
    expect(addressIn('10.201.1.0/24', 254)).toBe('10.201.1.254');
  });

  it('parses routes as ip prints them, and tells overlapping prefixes', () => {
    expect(parseCidr('default')).toEqual({ base: 0, bits: 0 });
    expect(parseCidr('fe80::/64')).toBeUndefined();
    const net = parseCidr('10.213.7.0/24')!;
    expect(overlaps(net, parseCidr('10.213.7.255')!)).toBe(true);
    expect(overlaps(net, parseCidr('10.0.0.0/8')!)).toBe(true);
    expect(overlaps(net, parseCidr('10.213.8.0/24')!)).toBe(false);
  });

  it('skips every /24 a route covers, ignores the default route, and gives up when all are taken', () => {
    const routed = ['default', '192.0.2.0/24', '10.213.7.0/24', '10.213.7.1', '127.0.0.0/8'];
    const start = 13 * 256 + 7; // 10.213.7.0/24
    expect(pickSubnet(routed, start)).toBe('10.213.8.0/24');
    expect(pickSubnet(routed, 0)).toBe('10.200.0.0/24');
    // A broad route over the whole range (a VPN's 10.0.0.0/8, say): nothing is safe to shadow.
    expect(pickSubnet(['10.0.0.0/8'], 0)).toBeUndefined();
    expect(pickSubnet(['10.200.0.0/16'], 0)).toBe('10.201.0.0/24');
  });
});
