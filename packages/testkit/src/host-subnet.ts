/**
 * Which private /24 a test network takes. The range is 10.200.0.0–10.249.255.255: 12,800 /24s of
 * RFC 1918 space, far from the 10.0.x.x and 10.1.x.x that home and cloud networks favour. A
 * network takes a /24 that overlaps no route of the machine (the default route aside: a more
 * specific route wins over it), so it never shadows a network that this machine can reach.
 */
export const TEST_SUBNET_RANGE = '10.200.0.0-10.249.255.255';
const SECOND_OCTET = 200;
/** How many /24s the range holds. */
export const TEST_SUBNET_COUNT = 50 * 256;

/** The i-th /24 of the range (wrapping), as `10.x.y.0/24`. */
export function subnetAt(i: number): string {
  const n = ((Math.floor(i) % TEST_SUBNET_COUNT) + TEST_SUBNET_COUNT) % TEST_SUBNET_COUNT;
  return `10.${SECOND_OCTET + Math.floor(n / 256)}.${n % 256}.0/24`;
}

/** The n-th address (1–254) of a /24 given as `a.b.c.0/24`. */
export function addressIn(subnet: string, n: number): string {
  return `${subnet.slice(0, subnet.lastIndexOf('.'))}.${n}`;
}

interface Cidr {
  base: number;
  bits: number;
}

/** `a.b.c.d/len`, `a.b.c.d` (a /32) or `default` (0/0); undefined for anything else (IPv6). */
export function parseCidr(text: string): Cidr | undefined {
  if (text === 'default') return { base: 0, bits: 0 };
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return { base: (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) & mask(bits), bits };
}

const mask = (bits: number): number => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);

/** True when the two prefixes share any address (one contains the other). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  const m = mask(Math.min(a.bits, b.bits));
  return (a.base & m) >>> 0 === (b.base & m) >>> 0;
}

/**
 * The first /24 of the range, from index `start` on, that overlaps none of `routed` (destinations
 * as `ip -j route` prints them); undefined when every one does.
 */
export function pickSubnet(routed: readonly string[], start: number): string | undefined {
  const taken = routed.map(parseCidr).filter((c): c is Cidr => c !== undefined && c.bits > 0);
  for (let k = 0; k < TEST_SUBNET_COUNT; k++) {
    const candidate = subnetAt(start + k);
    const cidr = parseCidr(candidate)!;
    if (!taken.some((t) => overlaps(t, cidr))) return candidate;
  }
  return undefined;
}
