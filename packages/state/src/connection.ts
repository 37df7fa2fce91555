import { Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from './errors.js';
import type { ResolvedRedisStateStoreOptions } from './options.js';
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
  const main = new Redis(opts.url, { ...redisOptions, commandTimeout: opts.commandTimeoutMs });
  const follower = new Redis(opts.url, {
    ...redisOptions,
    // Safety net against a silently dead connection during XREAD BLOCK.
    blockingTimeout: 60_000,
    connectionName: 'idunno-state-follower',
  });
  for (const [role, client] of [
    ['main', main],
    ['follower', follower],
  ] as const) {
    // Log the edges only: ioredis repeats 'error' on every failed reconnect attempt.
    let down = false;
    client.on('error', (err: Error) => {
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
    throw new StoreUnavailableError('connect', { cause: err });
  }
  return { main, follower };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
