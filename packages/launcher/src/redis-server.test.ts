import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedisNotFoundError } from './errors.js';
import { freePort, startRedisServer } from './redis-server.js';

/** Sends one inline command and resolves with the first reply line. */
function command(port: number, line: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
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

describe('startRedisServer without the binary', () => {
  it('says how to get one, and leaves no temporary directory behind', async () => {
    const error = await startRedisServer({ binary: '/nonexistent/redis-server' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisNotFoundError);
    expect(String((error as Error).message)).toMatch(
      /install the Debian package redis-server or set REDIS_URL/,
    );
  });
});

describe('startRedisServer with a given port and data dir', () => {
  it('uses them, logs to the file, restarts after a SIGKILL on the same port, and keeps the dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idunno-redis-test-'));
    try {
      const port = await freePort();
      const data = join(dir, 'data');
      const logFile = join(dir, 'redis.log');
      const redis = await startRedisServer({ port, dir: data, logFile });
      try {
        expect(redis.port).toBe(port);
        expect(await configValue(port, 'protected-mode')).toBe('yes');
        const firstPid = redis.pid;
        // A crash, not a shutdown: what survives is what the append-only file holds (Redis's job).
        await redis.restart({ keepData: true, signal: 'SIGKILL' });
        expect(redis.pid).not.toBe(firstPid);
        expect(await command(port, 'PING')).toBe('+PONG');
      } finally {
        await redis.stop();
      }
      expect(existsSync(data)).toBe(true);
      expect(readFileSync(logFile, 'utf8')).toMatch(/Ready to accept connections/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns protected mode off when asked', async () => {
    const redis = await startRedisServer({ protectedMode: false, appendOnly: false });
    try {
      expect(await configValue(redis.port, 'protected-mode')).toBe('no');
    } finally {
      await redis.stop();
    }
  });
});

describe('startRedisServer with a password and a bind address', () => {
  it('listens on that address only, refuses commands until AUTH, and puts the password in its URL', async () => {
    // 127.0.0.0/8 is all loopback on Linux: a second address without a network namespace.
    const redis = await startRedisServer({ bind: '127.0.0.2', password: 'p@ss word', appendOnly: false });
    try {
      expect(redis.host).toBe('127.0.0.2');
      expect(redis.password).toBe('p@ss word');
      expect(redis.url).toBe(`redis://:p%40ss%20word@127.0.0.2:${redis.port}`);
      expect(await command(redis.port, 'PING', '127.0.0.2')).toMatch(/^-NOAUTH/);
      expect(await command(redis.port, 'AUTH wrong', '127.0.0.2')).toMatch(/^-WRONGPASS/);
      await expect(command(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
      // Restarted, it comes back with the same flags (and the launcher's PING authenticates).
      await redis.restart({ keepData: false });
      expect(await command(redis.port, 'PING', '127.0.0.2')).toMatch(/^-NOAUTH/);
    } finally {
      await redis.stop();
    }
  });
});

/** The value of one `CONFIG GET name` (the fourth line of its two-element array reply). */
function configValue(port: number, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`CONFIG GET ${name}\r\n`));
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      const lines = reply.split('\r\n');
      if (lines.length > 5) {
        socket.destroy();
        resolve(lines[4] ?? '');
      }
    });
  });
}
