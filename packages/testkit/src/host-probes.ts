import { fileURLToPath } from 'node:url';
import type { NodeProcess } from '@idunno/launcher';
import type { TestHost } from './hosts.js';

/**
 * Reachability between test hosts, measured by real sockets inside the hosts: an echo server on
 * one host, one-shot TCP and UDP probes from another (`src/bin/net-probe.ts`).
 */

/** The probe program (`src/bin/net-probe.ts`, built). */
export const NET_PROBE_BIN = fileURLToPath(new URL('./bin/net-probe.js', import.meta.url));

/** `connected`: a line went there and back; `timeout`: no answer (a dark host); `refused`: RST. */
export type TcpOutcome = 'connected' | 'refused' | 'timeout' | 'error';
/** `echoed`: the datagram came back; `silent`: nothing came back in time. */
export type UdpOutcome = 'echoed' | 'silent' | 'error';

export const DEFAULT_PROBE_TIMEOUT_MS = 1_500;

/** A TCP and UDP echo server on the host's address, both on `port` (default: one the kernel picks). */
export async function startEchoServer(host: TestHost, port = 0): Promise<NodeProcess & { port: number }> {
  const p = await host.spawnNode(NET_PROBE_BIN, {
    args: ['serve', '--host', host.address, '--port', String(port)],
  });
  return Object.assign(p, { port: Number(p.ready.port) });
}

const TCP_OUTCOMES: readonly string[] = ['connected', 'refused', 'timeout', 'error'] satisfies TcpOutcome[];
const UDP_OUTCOMES: readonly string[] = ['echoed', 'silent', 'error'] satisfies UdpOutcome[];
const isTcp = (o: string): o is TcpOutcome => TCP_OUTCOMES.includes(o);
const isUdp = (o: string): o is UdpOutcome => UDP_OUTCOMES.includes(o);

async function probe(
  from: TestHost,
  mode: 'tcp' | 'udp',
  address: string,
  port: number,
  timeoutMs: number,
): Promise<string> {
  const r = await from.exec(
    process.execPath,
    [NET_PROBE_BIN, mode, address, String(port), String(timeoutMs)],
    {
      timeoutMs: timeoutMs + 10_000,
    },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return String((JSON.parse(line) as { outcome: unknown }).outcome);
  } catch {
    return 'error';
  }
}

/** Connects from `from` to `address:port` and exchanges one line; what happened within `timeoutMs`. */
export async function probeTcp(
  from: TestHost,
  address: string,
  port: number,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<TcpOutcome> {
  const outcome = await probe(from, 'tcp', address, port, timeoutMs);
  return isTcp(outcome) ? outcome : 'error';
}

/** Sends one datagram from `from` to `address:port` and waits `timeoutMs` for its echo. */
export async function probeUdp(
  from: TestHost,
  address: string,
  port: number,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<UdpOutcome> {
  const outcome = await probe(from, 'udp', address, port, timeoutMs);
  return isUdp(outcome) ? outcome : 'error';
}

/**
 * Sends one datagram carrying `data` from `from` to an echo server, and resolves once it has left
 * (whether it arrives is the server's to say: its `datagram` events).
 */
export async function sendDatagram(
  from: TestHost,
  address: string,
  port: number,
  data: string,
): Promise<void> {
  await from.exec(process.execPath, [NET_PROBE_BIN, 'send', address, String(port), data]);
}

/**
 * Whether the echo server received a datagram carrying `data` within `timeoutMs`: one direction
 * only, unlike {@link probeUdp}, whose round trip needs both.
 */
export async function received(
  server: NodeProcess,
  data: string,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<boolean> {
  return server
    .waitEvent((e) => e.event === 'datagram' && e.data === data, timeoutMs)
    .then(
      () => true,
      () => false,
    );
}
