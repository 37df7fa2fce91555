import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type RedisServer, startRedis, waitFor } from '@idunno/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StoreRefusedError } from './errors.js';
import { createRedisStateStore } from './redis-store.js';
import type { StateStore } from './store.js';

// Redis as production runs it (issue 12, item 5): a password, TLS with the cluster's own CA,
// Sentinel choosing the primary. Real redis-server and redis-sentinel processes on 127.0.0.1.

const servers: RedisServer[] = [];
const stores: StateStore[] = [];
let certs: string;
beforeAll(() => {
  certs = mkdtempSync(join(tmpdir(), 'idunno-redis-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certs, stdio: 'ignore' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=idunno test CA',
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'redis.key',
    '-out',
    'redis.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(join(certs, 'san.ext'), 'subjectAltName=IP:127.0.0.1');
  ssl(
    'x509',
    '-req',
    '-in',
    'redis.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'redis.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
afterAll(() => rmSync(certs, { recursive: true, force: true }));

async function server(options: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
  const s = await startRedis({ appendOnly: false, ...options });
  servers.push(s);
  return s;
}

async function store(url: string, tlsCa?: string): Promise<StateStore> {
  const s = await createRedisStateStore({ url, connectTimeoutMs: 3000, ...(tlsCa ? { tlsCa } : {}) });
  stores.push(s);
  return s;
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('Redis as production runs it', () => {
  it('uses a password from the URL, and refuses plainly without it or with a wrong one', async () => {
    const redis = await server({ password: 's3cret' });
    expect(await (await store(redis.url)).currentEpoch()).toBe(0);
    const missing = await refusal(store(`redis://127.0.0.1:${redis.port}`));
    expect(missing).toBeInstanceOf(StoreRefusedError);
    expect((missing as Error).message).toMatch(/NOAUTH.*put the password in the URL/);
    const wrong = await refusal(store(`redis://:nope@127.0.0.1:${redis.port}`));
    expect((wrong as Error).message).toMatch(/WRONGPASS.*check the user and password/);
    expect((wrong as Error).message).not.toContain('nope');
  });

  it('speaks TLS with the cluster’s CA (rediss://), and says to pass the CA when it is missing', async () => {
    const tlsPort = await freePort();
    const redis = await server({
      password: 's3cret',
      extraArgs: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        join(certs, 'redis.crt'),
        '--tls-key-file',
        join(certs, 'redis.key'),
        '--tls-ca-cert-file',
        join(certs, 'ca.crt'),
        '--tls-auth-clients',
        'no',
      ],
    });
    const ca = readFileSync(join(certs, 'ca.crt'), 'utf8');
    const url = `rediss://:s3cret@127.0.0.1:${tlsPort}`;
    const s = await store(url, ca);
    expect(await s.acquireLease('c1', 10_000)).toMatchObject({ acquired: true });
    expect(redis.port).not.toBe(tlsPort); // the plain port is the launcher's readiness check only
    const untrusted = await refusal(store(url));
    expect(untrusted).toBeInstanceOf(StoreRefusedError);
    expect((untrusted as Error).message).toMatch(/TLS: .*pass the CA/);
  });

  it('follows Sentinel to the promoted replica when the primary dies, with the data it had replicated', async () => {
    const primary = await server({ password: 'pw' });
    await server({
      password: 'pw',
      extraArgs: ['--replicaof', '127.0.0.1', String(primary.port), '--masterauth', 'pw'],
    });
    const sentinels: RedisServer[] = [];
    for (let i = 0; i < 3; i++) {
      sentinels.push(
        await server({
          sentinel: true,
          extraArgs: [
            '--sentinel',
            'monitor',
            'idunno',
            '127.0.0.1',
            String(primary.port),
            '2',
            '--sentinel',
            'auth-pass',
            'idunno',
            'pw',
            '--sentinel',
            'down-after-milliseconds',
            'idunno',
            '1000',
            '--sentinel',
            'failover-timeout',
            'idunno',
            '5000',
          ],
        }),
      );
    }
    const url = `redis+sentinel://:pw@${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/idunno`;
    const s = await store(url);
    const lease = await s.acquireLease('c1', 60_000);
    if (!lease.acquired) throw new Error('lease not acquired');
    await s.addJob({ jobId: 'j', model: 'tiny', inputs: ['x'], batchSize: 4, topK: 5 }, lease.epoch);
    // Replication is asynchronous: the write must have reached the replica before the primary dies.
    await waitFor(async () => replicaCaughtUp(await primaryInfo(primary)), {
      message: 'the replica to catch up',
    });
    primary.kill('SIGKILL');
    // Commands fail fast while the sentinels agree and promote; then the store is on the replica.
    const job = await waitFor(() => s.getJob('j'), {
      timeoutMs: 30_000,
      intervalMs: 100,
      message: 'the store to follow the promoted replica',
    });
    expect(job).toMatchObject({ jobId: 'j', epoch: lease.epoch });
    await s.renewLease('c1', lease.epoch, 60_000); // the lease and its epoch moved with the data
    await s.setJobState('j', 'running', lease.epoch); // and writes work again
  }, 60_000);
});

/** INFO replication of the primary says its one replica has everything it wrote. */
function replicaCaughtUp(info: string): boolean {
  const master = /master_repl_offset:(\d+)/.exec(info)?.[1];
  const replica = /slave0:.*state=online,offset=(\d+)/.exec(info)?.[1];
  return master !== undefined && master === replica;
}

async function primaryInfo(primary: RedisServer): Promise<string> {
  return execFileSync(
    'redis-cli',
    ['-p', String(primary.port), '-a', 'pw', '--no-auth-warning', 'info', 'replication'],
    {
      encoding: 'utf8',
    },
  );
}
