/**
 * Where the store's Redis is, as users write it:
 * - `redis://[[user]:password@]host:port[/db]` and `rediss://…` (TLS) for one server;
 * - `redis+sentinel://[[user]:password@]host:port[,host:port…]/<master name>[/db]` (and
 *   `rediss+sentinel://`) for a Redis whose primary is chosen by Sentinel: the store asks the
 *   sentinels where the primary is, and asks again after a failover. The password is the Redis
 *   servers'; `?sentinelPassword=…` sets the sentinels' own when they have one.
 */
import { InvalidArgumentError } from './errors.js';

export type RedisTarget =
  | { kind: 'server'; url: string; tls: boolean }
  | {
      kind: 'sentinel';
      sentinels: { host: string; port: number }[];
      /** The master name the sentinels monitor. */
      name: string;
      username: string | undefined;
      password: string | undefined;
      sentinelPassword: string | undefined;
      db: number;
      tls: boolean;
    };

const EXPECTED =
  'redis://[:password@]host:port[/db], rediss://… (TLS) or redis+sentinel://[:password@]host:port[,host:port…]/<master name>';

/** Parses a Redis URL; InvalidArgumentError (naming what is expected) for anything else. */
export function parseRedisUrl(url: string): RedisTarget {
  const scheme = /^([a-z+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') return { kind: 'server', url, tls: scheme === 'rediss' };
  const shown = redactRedisUrl(url);
  if (scheme !== 'redis+sentinel' && scheme !== 'rediss+sentinel')
    throw new InvalidArgumentError('url', shown, EXPECTED);
  // host:port lists are not one URL authority: take the parts apart by hand.
  const rest = url.slice(scheme.length + 3);
  const at = rest.lastIndexOf('@', rest.indexOf('/') >= 0 ? rest.indexOf('/') : rest.length);
  const auth = at >= 0 ? rest.slice(0, at) : '';
  const [hostsAndPath = '', query = ''] = (at >= 0 ? rest.slice(at + 1) : rest).split('?');
  const [hostList = '', name = '', db = '0'] = hostsAndPath.split('/');
  const sentinels = hostList
    .split(',')
    .filter(Boolean)
    .map((hp) => {
      const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(hp);
      if (!m) throw new InvalidArgumentError('url', shown, `${EXPECTED}; "${hp}" is not host:port`);
      return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
    });
  if (sentinels.length === 0 || name === '' || !/^\d+$/.test(db))
    throw new InvalidArgumentError('url', shown, EXPECTED);
  const colon = auth.indexOf(':');
  const username = colon > 0 ? decodeURIComponent(auth.slice(0, colon)) : undefined;
  const password =
    colon >= 0 ? decodeURIComponent(auth.slice(colon + 1)) : auth ? decodeURIComponent(auth) : undefined;
  const sentinelPassword = new URLSearchParams(query).get('sentinelPassword') ?? undefined;
  return {
    kind: 'sentinel',
    sentinels,
    name: decodeURIComponent(name),
    username,
    password: password === '' ? undefined : password,
    sentinelPassword,
    db: Number(db),
    tls: scheme === 'rediss+sentinel',
  };
}

/** The URL with its password replaced by `***`, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}
