import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Transport } from './clock.js';
import { BindError, InvalidAddressError } from './errors.js';

/** Splits `host:port` (IPv6 as `[::1]:7946`). Throws InvalidAddressError. */
export function parseAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65_535) throw new InvalidAddressError(address);
  return { host, port };
}

export function formatAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The gossip transport over one UDP socket. Send errors (unreachable, buffer full) are counted,
 * never thrown: UDP is lossy anyway and the protocol tolerates loss.
 */
export class UdpTransport implements Transport {
  sendErrors = 0;
  private handler: ((bytes: Uint8Array, from: string) => void) | undefined;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly host: string,
    readonly port: number,
  ) {
    socket.on('message', (msg, rinfo) => {
      if (this.handler) this.handler(msg, formatAddress(rinfo.address, rinfo.port));
    });
    socket.on('error', () => {
      this.sendErrors++;
    });
  }

  /** Binds `host:port` (port 0 picks a free one). Throws BindError. */
  static async bind(host: string, port: number): Promise<UdpTransport> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(new BindError(host, port, { cause: err }));
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    const bound = socket.address();
    return new UdpTransport(socket, host, bound.port);
  }

  send(address: string, bytes: Uint8Array): void {
    if (this.closed) return;
    let target: { host: string; port: number };
    try {
      target = parseAddress(address);
    } catch {
      this.sendErrors++;
      return;
    }
    this.socket.send(bytes, target.port, target.host, (err) => {
      if (err) this.sendErrors++;
    });
  }

  onReceive(handler: (bytes: Uint8Array, from: string) => void): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
