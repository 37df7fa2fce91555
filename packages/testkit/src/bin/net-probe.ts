#!/usr/bin/env node
// Reachability probes between test hosts, run inside a host's namespace.
//   net-probe serve --host <addr> [--port <n>]   TCP and UDP echo on the same port number; prints
//                                                {"event":"listening","host":…,"port":…}, then
//                                                {"event":"datagram","from":…,"data":…} per datagram
//   net-probe tcp <addr> <port> <timeoutMs>      connect and exchange one line
//   net-probe udp <addr> <port> <timeoutMs>      send one datagram and wait for its echo
//   net-probe send <addr> <port> <data>          send one datagram, wait for nothing
// A probe prints one JSON line {"outcome":…,"ms":…} and exits 0, whatever the outcome: connected,
// refused, timeout or error for tcp; echoed, silent or error for udp; sent or error for send.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { parseArgs } from 'node:util';

const [mode, ...rest] = process.argv.slice(2);
const started = performance.now();
const report = (outcome: string, extra: Record<string, unknown> = {}): never => {
  process.stdout.write(
    `${JSON.stringify({ outcome, ms: Math.round(performance.now() - started), ...extra })}\n`,
  );
  process.exit(0);
};

if (mode === 'serve') {
  const { values } = parseArgs({
    args: rest,
    options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '0' } },
  });
  const tcp = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  tcp.listen(Number(values.port), values.host, () => {
    const { port } = tcp.address() as net.AddressInfo;
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, from) => {
      // Told apart from an echo that never came back: the datagram did arrive here.
      process.stdout.write(
        `${JSON.stringify({ event: 'datagram', from: from.address, data: msg.toString() })}\n`,
      );
      udp.send(msg, from.port, from.address);
    });
    udp.bind(port, values.host, () =>
      process.stdout.write(
        `${JSON.stringify({ event: 'listening', host: values.host, port, pid: process.pid })}\n`,
      ),
    );
  });
  process.on('SIGTERM', () => process.exit(0));
} else if (mode === 'tcp' || mode === 'udp') {
  const [host = '', portText = '', timeoutText = '2000'] = rest;
  const port = Number(portText);
  setTimeout(() => report(mode === 'tcp' ? 'timeout' : 'silent'), Number(timeoutText));
  if (mode === 'tcp') {
    const socket = net.connect({ host, port });
    socket.once('connect', () => socket.write('ping\n'));
    socket.once('data', () => report('connected'));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      report(err.code === 'ECONNREFUSED' ? 'refused' : 'error', { code: err.code }),
    );
  } else {
    const socket = dgram.createSocket('udp4');
    socket.once('message', () => report('echoed'));
    socket.once('error', (err: NodeJS.ErrnoException) => report('error', { code: err.code }));
    socket.send('ping', port, host, (err) => {
      if (err) report('error', { code: (err as NodeJS.ErrnoException).code });
    });
  }
} else if (mode === 'send') {
  const [host = '', portText = '', data = 'ping'] = rest;
  const socket = dgram.createSocket('udp4');
  socket.send(data, Number(portText), host, (err) =>
    err ? report('error', { code: (err as NodeJS.ErrnoException).code }) : report('sent'),
  );
} else {
  process.stderr.write(
    'usage: net-probe serve --host <addr> [--port <n>] | tcp|udp <addr> <port> <timeoutMs> | send <addr> <port> <data>\n',
  );
  process.exit(2);
}
