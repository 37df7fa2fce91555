#!/usr/bin/env node
// A static file server for http(s) inputs on a test host: what a user's web server does for a
// job over URLs. Serves the files below --dir (GET, HEAD); prints one JSON line
// {"event":"listening","address":…,"url":…} once serving; SIGTERM/SIGINT close it and exit 0.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    dir: { type: 'string' },
  },
});
if (values.dir === undefined) {
  process.stderr.write('file-server: --dir is required\n');
  process.exit(2);
}
const root = resolve(values.dir);

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
};

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = resolve(root, `.${path}`);
  // Nothing outside --dir, however the path is spelled.
  if (file !== root && !file.startsWith(`${root}${sep}`)) {
    res.writeHead(403).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  stat(file).then(
    (s) => {
      if (!s.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': s.size,
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    },
    () => res.writeHead(404).end(),
  );
});

server.listen(Number(values.port), values.host, () => {
  const { address, port } = server.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', address: `${address}:${port}`, url: `http://${address}:${port}/`, pid: process.pid })}\n`,
  );
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
