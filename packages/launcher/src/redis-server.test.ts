import { existsSync } from 'node:fs';
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRedisServer } from './redis-server.js';

/** Sends one inline command and resolves with the first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        const lines = reply.split('\r\n');
        resolve((reply.startsWith('$') && !reply.startsWith('$-1') ? lines[1] : lines[0]) ?? '');
      }
    });
  });
}

describe('startRedisServer', () => {
  it('starts a server on a free port that answers, and removes its directory on stop', async () => {
    const redis = await startRedisServer();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'PING')).toBe('+PONG');
    expect(await command(redis.port, 'CONFIG GET appendonly')).toBe('*2');
    await redis.stop();
    expect(existsSync(redis.dir)).toBe(false);
    await expect(command(redis.port, 'PING')).rejects.toThrow();
  });

  it('restarts on the same port with or without its data', async () => {
    const redis = await startRedisServer({ appendOnly: true });
    try {
      await command(redis.port, 'SET k v');
      const firstPid = redis.pid;
      await redis.restart({ keepData: true });
      expect(redis.pid).not.toBe(firstPid);
      expect(await command(redis.port, 'GET k')).toBe('v');
      await redis.restart({ keepData: false });
      expect(await command(redis.port, 'GET k')).toBe('$-1');
    } finally {
      await redis.stop();
    }
  });

  it('restarts after a SIGKILL, and stops a SIGSTOPped server', async () => {
    const redis = await startRedisServer({ appendOnly: false });
    try {
      redis.kill('SIGKILL');
      await redis.restart({ keepData: true });
      expect(await command(redis.port, 'PING')).toBe('+PONG');
      redis.kill('SIGSTOP');
    } finally {
      await redis.stop();
    }
    expect(existsSync(redis.dir)).toBe(false);
  });
});
