import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisStateStore, JobNotFoundError, type StateStore } from '@idunno/state';
import { type RedisServer, startRedis } from '@idunno/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidJobRequestError } from './errors.js';
import { type FakePrimary, startFakePrimary } from './fake-ports.js';
import { hostOf, isLocalInput, remoteWorkers, thisMachine } from './input-reach.js';

let redis: RedisServer;
let dir: string;
let prefixes = 0;
beforeAll(async () => {
  redis = await startRedis({ appendOnly: false });
  dir = await mkdtemp(join(tmpdir(), 'idunno-reach-'));
  for (const name of ['a.jpg', 'b.png']) await writeFile(join(dir, name), 'not decoded here');
});
afterAll(async () => {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

const open: { p: FakePrimary; store: StateStore }[] = [];
afterEach(async () => {
  for (const { p, store } of open.splice(0)) {
    await p.stop();
    await store.close();
  }
});

async function primaryWith(workers: { id: string; address: string }[]) {
  const store = await createRedisStateStore({ url: redis.url, prefix: `r${prefixes++}:` });
  const p = await startFakePrimary(store, workers);
  open.push({ p, store });
  return { c: p.c, store };
}

describe('add-job, inputs the workers can read', () => {
  it('refuses local paths when a worker runs on another host, naming it, and stores nothing', async () => {
    const { c, store } = await primaryWith([
      { id: 'w-here', address: '127.0.0.1:7001' },
      { id: 'w-far', address: '198.51.100.7:7000' },
    ]);
    const err = await c.addJob({ jobId: 'far', model: 'tiny', inputs: [dir] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidJobRequestError);
    expect((err as Error).message).toMatch(/workers w-far \(198\.51\.100\.7\) run on other hosts/);
    expect((err as Error).message).toMatch(/--shared-filesystem/);
    await expect(store.getJob('far')).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('adds them when the paths are declared shared, and URLs in any case', async () => {
    const { c } = await primaryWith([{ id: 'w-far', address: '198.51.100.7:7000' }]);
    expect(
      (await c.addJob({ jobId: 'nfs', model: 'tiny', inputs: [dir], sharedFilesystem: true })).totalQueries,
    ).toBe(2);
    expect((await c.addJob({ jobId: 'urls', model: 'tiny', inputs: ['synthetic://1'] })).totalQueries).toBe(
      1,
    );
  });

  it('adds local paths when every worker runs on this machine', async () => {
    const { c } = await primaryWith([{ id: 'w-here', address: '127.0.0.1:7001' }]);
    expect((await c.addJob({ jobId: 'here', model: 'tiny', inputs: [dir] })).totalQueries).toBe(2);
  });
});

describe('where an input and a worker are', () => {
  it('tells local inputs from URLs', () => {
    expect(isLocalInput('/data/a.jpg')).toBe(true);
    expect(isLocalInput('file:///data/a.jpg')).toBe(true);
    expect(isLocalInput('https://files.test/a.jpg')).toBe(false);
    expect(isLocalInput('synthetic://3')).toBe(false);
  });

  it('reads the host of an address, IPv6 included, and knows this machine’s own', () => {
    expect(hostOf('10.0.0.5:7000')).toBe('10.0.0.5');
    expect(hostOf('[fd00::2]:7000')).toBe('fd00::2');
    const here = thisMachine();
    expect(here('127.0.0.1')).toBe(true);
    expect(here('::1')).toBe(true);
    expect(here('198.51.100.7')).toBe(false);
    expect(
      remoteWorkers(
        [
          { id: 'a', address: 'localhost:1' },
          { id: 'b', address: '198.51.100.7:1' },
        ],
        here,
      ),
    ).toEqual([{ id: 'b', address: '198.51.100.7:1' }]);
  });
});
