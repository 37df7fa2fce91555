import { type Logger, silentLogger } from '@idunno/log';
import { DEFAULT_KEY_PREFIX } from './keys.js';
import { parseRedisUrl, type RedisTarget } from './redis-url.js';
import { positiveInt } from './validate.js';

export interface RedisStateStoreOptions {
  /**
   * `redis://[:password@]host:port[/db]`, `rediss://…` (TLS), or
   * `redis+sentinel://[:password@]host:port[,host:port…]/<master name>` (see redis-url.ts).
   */
  url: string;
  /**
   * PEM text of the CA that signed the Redis servers' TLS certificates, for `rediss://` URLs.
   * @default the system's CAs
   */
  tlsCa?: string;
  /** Prefix of every key. @default 'idunno:' */
  prefix?: string;
  /** Where the store reports connection losses and recoveries; it never writes to the console.
   *  @default `silentLogger` (drops everything) */
  logger?: Logger;
  /** A command without a reply within this time rejects with StoreUnavailableError (a hung Redis).
   *  @default 2000 ms */
  commandTimeoutMs?: number;
  /** How long `createRedisStateStore` waits for the first connection. @default 5000 ms */
  connectTimeoutMs?: number;
  /** Reconnect backoff: 50 ms doubling up to this cap, forever. @default 1000 ms */
  maxReconnectDelayMs?: number;
  /** Approximate cap on the change stream's length (XADD MAXLEN ~). @default 100_000 */
  changeStreamMaxLen?: number;
  /** Queries (or restored outcomes) per script call; calls are pipelined. @default 500 */
  chunkSize?: number;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_RECONNECT_DELAY_MS = 1000;
export const DEFAULT_CHANGE_STREAM_MAX_LEN = 100_000;
export const DEFAULT_CHUNK_SIZE = 500;

export type ResolvedRedisStateStoreOptions = Required<Omit<RedisStateStoreOptions, 'tlsCa'>> &
  Pick<RedisStateStoreOptions, 'tlsCa'> & { target: RedisTarget };

export function defaultRedisStateStoreOptions(url: string): ResolvedRedisStateStoreOptions {
  return {
    url,
    target: parseRedisUrl(url),
    prefix: DEFAULT_KEY_PREFIX,
    logger: silentLogger,
    commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    maxReconnectDelayMs: DEFAULT_MAX_RECONNECT_DELAY_MS,
    changeStreamMaxLen: DEFAULT_CHANGE_STREAM_MAX_LEN,
    chunkSize: DEFAULT_CHUNK_SIZE,
  };
}

/** Fills in the defaults and fails fast, before any connection, on a value that cannot work. */
export function resolveOptions(options: RedisStateStoreOptions): ResolvedRedisStateStoreOptions {
  const resolved = { ...defaultRedisStateStoreOptions(options.url) };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  for (const key of [
    'commandTimeoutMs',
    'connectTimeoutMs',
    'maxReconnectDelayMs',
    'changeStreamMaxLen',
    'chunkSize',
  ] as const) {
    positiveInt(key, resolved[key]);
  }
  return resolved;
}
