import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { parseRedisUrl, redactRedisUrl } from './redis-url.js';

describe('Redis URLs', () => {
  it('keeps a server URL for ioredis, with or without TLS', () => {
    expect(parseRedisUrl('redis://:pw@10.0.0.5:6379/2')).toEqual({
      kind: 'server',
      url: 'redis://:pw@10.0.0.5:6379/2',
      tls: false,
    });
    expect(parseRedisUrl('rediss://db.internal:6380')).toMatchObject({ kind: 'server', tls: true });
  });

  it('reads the sentinels, the master name, the credentials and the db of a sentinel URL', () => {
    expect(
      parseRedisUrl('redis+sentinel://:s%40cret@10.0.0.1:26379,10.0.0.2:26380/idunno/3?sentinelPassword=x'),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
      ],
      name: 'idunno',
      username: undefined,
      password: 's@cret',
      sentinelPassword: 'x',
      db: 3,
      tls: false,
    });
    expect(parseRedisUrl('rediss+sentinel://app:pw@[fd00::1]:26379/m')).toMatchObject({
      sentinels: [{ host: 'fd00::1', port: 26379 }],
      username: 'app',
      password: 'pw',
      db: 0,
      tls: true,
    });
  });

  it('refuses what it cannot read, saying what it expects', () => {
    for (const bad of [
      'http://x:1',
      'redis+sentinel://h:1',
      'redis+sentinel:///m',
      'redis+sentinel://h/m',
      'localhost:6379',
    ]) {
      const err = (() => {
        try {
          parseRedisUrl(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(InvalidArgumentError);
      expect((err as Error).message).toMatch(/redis\+sentinel:\/\//);
    }
  });

  it('hides the password in what it logs', () => {
    expect(redactRedisUrl('redis://:pw@h:1')).toBe('redis://:***@h:1');
    expect(redactRedisUrl('redis+sentinel://u:pw@h:1,h:2/m')).toBe('redis+sentinel://u:***@h:1,h:2/m');
    expect(redactRedisUrl('redis://h:1')).toBe('redis://h:1');
  });
});
