/** The redis-server binary could not be run at all (not installed, or not on PATH). */
export class RedisNotFoundError extends Error {
  override readonly name = 'RedisNotFoundError';
  constructor(
    readonly binary: string,
    options?: ErrorOptions,
  ) {
    const reason = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(
      `cannot start ${binary}${reason}: install the Debian package redis-server or set REDIS_URL`,
      options,
    );
  }
}

/** redis-server was started but never answered PING (port taken, bad data dir, …). */
export class RedisStartError extends Error {
  override readonly name = 'RedisStartError';
  constructor(
    readonly port: number,
    readonly attempts: number,
    readonly output: string,
    options?: ErrorOptions,
  ) {
    super(
      `redis-server did not answer PING on port ${port} (${attempts} attempt${attempts === 1 ? '' : 's'}); ` +
        `its output ends with: ${output.slice(-2000) || '(nothing)'}`,
      options,
    );
  }
}

/** `restartRedis()` on a cluster that was given a Redis URL: it did not start that server. */
export class ExternalRedisError extends Error {
  override readonly name = 'ExternalRedisError';
  constructor(readonly url: string) {
    super(`this cluster uses an external Redis (${url}, from REDIS_URL); it cannot restart it`);
  }
}

/** `kill(pid)` with a pid that is none of the cluster's processes. */
export class UnknownProcessError extends Error {
  override readonly name = 'UnknownProcessError';
  constructor(readonly pid: number) {
    super(`pid ${pid} is not a process of this cluster`);
  }
}

/** A child printed no matching JSON event on stdout in time. */
export class EventTimeoutError extends Error {
  override readonly name = 'EventTimeoutError';
  constructor(
    readonly script: string,
    readonly timeoutMs: number,
    stderrTail: string,
  ) {
    super(`${script}: no matching event within ${timeoutMs} ms; stderr:\n${stderrTail}`);
  }
}

/** A child exited before it printed the awaited JSON event (often: before it was ready). */
export class ExitedBeforeEventError extends Error {
  override readonly name = 'ExitedBeforeEventError';
  constructor(
    readonly script: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    stderrTail: string,
  ) {
    super(`${script} exited (code ${code}, signal ${signal}) before the event; stderr:\n${stderrTail}`);
  }
}

/** A cluster option out of range; fails before any process starts. */
export class InvalidClusterOptionError extends Error {
  override readonly name = 'InvalidClusterOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${option} ${reason}, got ${JSON.stringify(value)}`);
  }
}
