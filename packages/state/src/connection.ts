import { Redis, type RedisOptions } from 'ioredis';
import { StoreRefusedError, StoreUnavailableError } from './errors.js';
import type { ResolvedRedisStateStoreOptions } from './options.js';
import { redactRedisUrl } from './redis-url.js';
import { loadScripts } from './scripts.js';

export type ScriptArg = string | number;
type ScriptFn = (...args: ScriptArg[]) => Promise<unknown>;
/** ioredis adds defined scripts as methods; this is their shape. */
export type WithScripts = Record<string, ScriptFn>;

/** The store's two connections: `main` for every command, `follower` for blocking change-stream reads. */
export interface RedisConnections {
  main: Redis;
  follower: Redis;
}

/**
 * Opens both connections, with every script of `lua/` defined on `main`, and resolves once both are
 * ready (rejects with StoreUnavailableError after `connectTimeoutMs`, leaving nothing open).
 *
 * Connection policy, chosen so that the coordinator never hangs on a dead Redis:
 * - `enableOfflineQueue: false`: while disconnected, commands reject at once (StoreUnavailableError)
 *   instead of piling up; the coordinator decides when to retry, and reads keep failing fast.
 * - `maxRetriesPerRequest: 0`, `autoResendUnfulfilledCommands: false`: a command in flight when the
 *   connection drops rejects at once rather than being replayed later behind the caller's back.
 * - `commandTimeout`: a Redis that accepts connections but does not answer (SIGSTOP, overload) makes
 *   commands reject after `commandTimeoutMs`.
 * - `retryStrategy`: reconnect forever, 50 ms doubling to `maxReconnectDelayMs`, so the store works
 *   again within about a second of Redis coming back.
 * Blocking change-stream reads use a second connection without the command timeout.
 */
export async function connectRedis(opts: ResolvedRedisStateStoreOptions): Promise<RedisConnections> {
  const redisOptions: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: opts.connectTimeoutMs,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), opts.maxReconnectDelayMs),
    lazyConnect: true,
  };
  const target = targetOptions(opts);
  const main = open(opts, { ...redisOptions, ...target, commandTimeout: opts.commandTimeoutMs });
  const follower = open(opts, {
    ...redisOptions,
    ...target,
    // Safety net against a silently dead connection during XREAD BLOCK.
    blockingTimeout: 60_000,
    connectionName: 'idunno-state-follower',
  });
  // What the server or TLS said before a failed connect closed the socket ("Connection is closed"
  // alone tells the user nothing).
  let firstError: Error | undefined;
  for (const [role, client] of [
    ['main', main],
    ['follower', follower],
  ] as const) {
    // Log the edges only: ioredis repeats 'error' on every failed reconnect attempt.
    let down = false;
    client.on('error', (err: Error) => {
      firstError ??= err;
      if (!down) opts.logger.warn('redis_connection_error', { role, error: err });
      down = true;
    });
    client.on('ready', () => {
      if (down) opts.logger.info('redis_connection_back', { role });
      down = false;
    });
  }
  for (const script of loadScripts()) {
    main.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  try {
    await withTimeout(
      Promise.all([main.connect(), follower.connect()]),
      opts.connectTimeoutMs,
      'connect timed out',
    );
  } catch (err) {
    main.disconnect();
    follower.disconnect();
    const refused = refusal(firstError ?? err);
    if (refused) throw new StoreRefusedError(redactRedisUrl(opts.url), refused, { cause: firstError ?? err });
    throw new StoreUnavailableError('connect', { cause: firstError ?? err });
  }
  return { main, follower };
}

/** Why the server or TLS refused this client, in words to act on; undefined for other failures. */
function refusal(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (/^NOAUTH\b/.test(message))
    return `${message}: put the password in the URL (redis://:password@host:port)`;
  if (/^WRONGPASS\b/.test(message)) return `${message}: check the user and password in the URL`;
  if (/^NOPERM\b/.test(message)) return `${message}: the user lacks a permission the store needs`;
  if (
    typeof code === 'string' &&
    /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED)$/.test(
      code,
    )
  )
    return `TLS: ${message} (${code}): pass the CA that signed the server's certificate (--redis-ca <file>)`;
  return undefined;
}

/** A client for the URL's server, or for the primary the URL's sentinels name. */
function open(opts: ResolvedRedisStateStoreOptions, options: RedisOptions): Redis {
  return opts.target.kind === 'server' ? new Redis(opts.url, options) : new Redis(options);
}

/**
 * What the URL says beyond one server's address. With sentinels, ioredis asks them for the
 * primary on every (re)connection and, with `failoverDetector`, reconnects as soon as they
 * announce a new one (+switch-master) instead of when the old primary's connection dies.
 */
function targetOptions(opts: ResolvedRedisStateStoreOptions): RedisOptions {
  const t = opts.target;
  const tls = t.tls ? { tls: opts.tlsCa === undefined ? {} : { ca: opts.tlsCa } } : {};
  if (t.kind === 'server') return tls;
  return {
    ...tls,
    sentinels: t.sentinels,
    name: t.name,
    db: t.db,
    failoverDetector: true,
    ...(t.username === undefined ? {} : { username: t.username }),
    ...(t.password === undefined ? {} : { password: t.password }),
    ...(t.sentinelPassword === undefined ? {} : { sentinelPassword: t.sentinelPassword }),
    ...(t.tls
      ? { enableTLSForSentinelMode: true, sentinelTLS: opts.tlsCa === undefined ? {} : { ca: opts.tlsCa } }
      : {}),
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
