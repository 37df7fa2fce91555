import { MAX_TOP_K } from '@idunno/client';
import type { Redis } from 'ioredis';
import { parseChange } from './changes.js';
import { connectRedis, type ScriptArg, type WithScripts } from './connection.js';
import { InvalidArgumentError, JobNotFoundError, StoreReplyError } from './errors.js';
import { type StateKeys, stateKeys } from './keys.js';
import {
  type RedisStateStoreOptions,
  type ResolvedRedisStateStoreOptions,
  resolveOptions,
} from './options.js';
import { execReplies, numbers, parseJob, toStoreError } from './replies.js';
import { checkReply, parseLeaseValue, type ScriptContext } from './scripts.js';
import type { Page, StateStore } from './store.js';
import {
  type AcquireResult,
  type ChangeEvent,
  JOB_STATES,
  type JobCounts,
  type JobRecord,
  type JobSnapshot,
  type JobSpec,
  type JobState,
  type LeaseInfo,
  type Query,
  type RecordedOutcome,
  type RecordOutcome,
  type RejectedWrites,
} from './types.js';
import { checkBatchSize, checkEpoch, checkJobId, checkNodeId, positiveInt, range } from './validate.js';

/**
 * Connects to Redis and resolves with the store once both of its connections are ready (rejects with
 * StoreUnavailableError after `connectTimeoutMs`). While Redis is unreachable every operation rejects
 * at once with StoreUnavailableError, and the store reconnects by itself: see `connectRedis` for the
 * connection policy.
 */
export async function createRedisStateStore(options: RedisStateStoreOptions): Promise<StateStore> {
  const opts = resolveOptions(options);
  const { main, follower } = await connectRedis(opts);
  return new RedisStateStore(main, follower, stateKeys(opts.prefix), opts);
}

class RedisStateStore implements StateStore {
  private readonly maxLen: number;

  constructor(
    private readonly redis: Redis,
    private readonly follower: Redis,
    private readonly keys: StateKeys,
    private readonly opts: ResolvedRedisStateStoreOptions,
  ) {
    this.maxLen = opts.changeStreamMaxLen;
  }

  // -- jobs -------------------------------------------------------------------------------------

  async addJob(spec: JobSpec, epoch: number): Promise<JobRecord> {
    checkJobId(spec.jobId);
    checkEpoch(epoch);
    if (typeof spec.model !== 'string' || spec.model === '') {
      throw new InvalidArgumentError('model', spec.model, 'a model name');
    }
    checkBatchSize(spec.batchSize);
    if (!Number.isInteger(spec.topK) || spec.topK < 1 || spec.topK > MAX_TOP_K) {
      throw new InvalidArgumentError('topK', spec.topK, `an integer from 1 to ${MAX_TOP_K}`);
    }
    const k = this.keys;
    const ctx = { operation: 'addJob', epoch, jobId: spec.jobId };
    await this.script(
      ctx,
      'addJob',
      [k.epoch, k.counters, k.changes, k.jobs, k.job(spec.jobId)],
      [epoch, this.maxLen, spec.jobId, spec.model, JSON.stringify(spec.inputs), spec.batchSize, spec.topK],
    );
    return this.getJob(spec.jobId);
  }

  async getJob(jobId: string): Promise<JobRecord> {
    const hash = await this.call('getJob', () => this.redis.hgetall(this.keys.job(jobId)));
    const job = parseJob(hash);
    if (!job) throw new JobNotFoundError(jobId);
    return job;
  }

  async listJobs(): Promise<JobRecord[]> {
    return this.call('listJobs', async () => {
      const ids = await this.redis.zrange(this.keys.jobs, 0, -1);
      if (ids.length === 0) return [];
      const pipe = this.redis.pipeline();
      for (const id of ids) pipe.hgetall(this.keys.job(id));
      const replies = execReplies(await pipe.exec(), 'listJobs');
      return replies.map((r) => parseJob(r as Record<string, string>)).filter((j) => j !== undefined);
    });
  }

  async setJobState(jobId: string, state: JobState, epoch: number): Promise<boolean> {
    checkEpoch(epoch);
    if (!JOB_STATES.includes(state)) throw new InvalidArgumentError('state', state, JOB_STATES.join('|'));
    const k = this.keys;
    const { code } = await this.script(
      { operation: 'setJobState', epoch, jobId, state },
      'setJobState',
      [k.epoch, k.counters, k.changes, k.job(jobId)],
      [epoch, this.maxLen, jobId, state],
    );
    return code === 1;
  }

  async setBatchSize(jobId: string, batchSize: number, epoch: number): Promise<void> {
    checkEpoch(epoch);
    checkBatchSize(batchSize);
    const k = this.keys;
    await this.script(
      { operation: 'setBatchSize', epoch, jobId },
      'setBatchSize',
      [k.epoch, k.counters, k.changes, k.job(jobId)],
      [epoch, this.maxLen, jobId, batchSize],
    );
  }

  async appendQueries(
    jobId: string,
    queries: readonly Query[],
    epoch: number,
  ): Promise<{ added: number; total: number }> {
    checkEpoch(epoch);
    for (const q of queries) {
      if (typeof q.id !== 'string' || q.id === '')
        throw new InvalidArgumentError('query id', q.id, 'a non-empty string');
      if (typeof q.uri !== 'string') throw new InvalidArgumentError('query uri', q.uri, 'a string');
    }
    if (queries.length === 0) return { added: 0, total: (await this.counts(jobId)).total };
    const k = this.keys;
    const keys = [k.epoch, k.counters, k.changes, k.job(jobId), k.queries(jobId), k.uris(jobId)];
    const ctx = { operation: 'appendQueries', epoch, jobId };
    // Chunks keep each script short (Redis is single-threaded) and the pipeline keeps them fast;
    // a pipeline preserves order, so the list keeps the input order.
    const replies = await this.call(ctx.operation, async () => {
      const pipe = this.redis.pipeline() as unknown as WithScripts & { exec(): ReturnType<Redis['exec']> };
      for (let i = 0; i < queries.length; i += this.opts.chunkSize) {
        const args: ScriptArg[] = [epoch, this.maxLen, jobId];
        for (const q of queries.slice(i, i + this.opts.chunkSize)) args.push(q.id, q.uri);
        pipe.appendQueries!(...keys, ...args);
      }
      return execReplies(await pipe.exec(), ctx.operation);
    });
    let added = 0;
    let total = 0;
    for (const reply of replies) {
      const { rest } = checkReply(reply, ctx);
      added += Number(rest[0]);
      total = Number(rest[1]);
    }
    return { added, total };
  }

  async listQueries(jobId: string, page: Page = {}): Promise<Query[]> {
    const { start, stop } = range(page);
    return this.call('listQueries', async () => {
      const [exists, ids] = execReplies(
        await this.redis
          .multi()
          .exists(this.keys.job(jobId))
          .lrange(this.keys.queries(jobId), start, stop)
          .exec(),
        'listQueries',
      ) as [number, string[]];
      if (exists === 0) throw new JobNotFoundError(jobId);
      if (ids.length === 0) return [];
      const uris = await this.redis.hmget(this.keys.uris(jobId), ...ids);
      return ids.map((id, i) => ({ id, uri: uris[i] ?? '' }));
    });
  }

  async recordOutcomes(
    jobId: string,
    items: readonly { queryId: string; kind: 'result' | 'error'; payload: string }[],
    epoch: number,
  ): Promise<(RecordOutcome | 'unknown-query')[]> {
    checkEpoch(epoch);
    if (items.length === 0) return [];
    const k = this.keys;
    const args: ScriptArg[] = [epoch, this.maxLen, jobId];
    for (const it of items) args.push(it.queryId, it.kind, it.payload);
    const { rest } = await this.script(
      { operation: 'recordOutcomes', epoch, jobId },
      'recordOutcomes',
      [
        k.epoch,
        k.counters,
        k.changes,
        k.job(jobId),
        k.results(jobId),
        k.errors(jobId),
        k.uris(jobId),
        k.outcomes(jobId),
      ],
      args,
    );
    return rest.map((c) => {
      const code = Number(c);
      return code === 1 ? 'recorded' : code === 2 ? 'duplicate' : code === 3 ? 'conflict' : 'unknown-query';
    });
  }

  async getResults(jobId: string, page: Page = {}): Promise<RecordedOutcome[]> {
    const { start, stop } = range(page);
    const k = this.keys;
    return this.call('getResults', async () => {
      const [exists, ids] = execReplies(
        await this.redis.multi().exists(k.job(jobId)).lrange(k.outcomes(jobId), start, stop).exec(),
        'getResults',
      ) as [number, string[]];
      if (exists === 0) throw new JobNotFoundError(jobId);
      if (ids.length === 0) return [];
      const [results, errors, uris] = execReplies(
        await this.redis
          .pipeline()
          .hmget(k.results(jobId), ...ids)
          .hmget(k.errors(jobId), ...ids)
          .hmget(k.uris(jobId), ...ids)
          .exec(),
        'getResults',
      ) as [(string | null)[], (string | null)[], (string | null)[]];
      return ids.map((queryId, i) => {
        const result = results[i];
        const uri = uris[i] ?? '';
        return typeof result === 'string'
          ? { queryId, uri, kind: 'result' as const, payload: result }
          : { queryId, uri, kind: 'error' as const, payload: errors[i] ?? '' };
      });
    });
  }

  async pendingQueries(jobId: string): Promise<string[]> {
    const k = this.keys;
    return this.call('pendingQueries', async () => {
      // One MULTI: a consistent snapshot of the query list and both outcome sets.
      const [exists, ids, withResult, withError] = execReplies(
        await this.redis
          .multi()
          .exists(k.job(jobId))
          .lrange(k.queries(jobId), 0, -1)
          .hkeys(k.results(jobId))
          .hkeys(k.errors(jobId))
          .exec(),
        'pendingQueries',
      ) as [number, string[], string[], string[]];
      if (exists === 0) throw new JobNotFoundError(jobId);
      const finished = new Set([...withResult, ...withError]);
      return ids.filter((id) => !finished.has(id));
    });
  }

  async counts(jobId: string): Promise<JobCounts> {
    const fields = ['totalQueries', 'done', 'errors', 'duplicates'] as const;
    const values = await this.call('counts', () => this.redis.hmget(this.keys.job(jobId), ...fields));
    if (values[0] === null || values[0] === undefined) throw new JobNotFoundError(jobId);
    const n = numbers(fields, values);
    return { total: n.totalQueries, done: n.done, errors: n.errors, duplicates: n.duplicates };
  }

  // -- lease ------------------------------------------------------------------------------------

  async acquireLease(nodeId: string, ttlMs: number, minEpoch = 0): Promise<AcquireResult> {
    checkNodeId(nodeId);
    positiveInt('ttlMs', ttlMs);
    if (!Number.isSafeInteger(minEpoch) || minEpoch < 0) {
      throw new InvalidArgumentError('minEpoch', minEpoch, 'an integer ≥ 0');
    }
    const k = this.keys;
    const { code, rest } = await this.script(
      { operation: 'acquireLease', nodeId },
      'acquireLease',
      [k.lease, k.epoch, k.counters, k.changes],
      [nodeId, ttlMs, minEpoch, this.maxLen],
    );
    return acquireResult(code, rest);
  }

  async takeOverLease(
    nodeId: string,
    ttlMs: number,
    seen: { holder: string; epoch: number },
    minEpoch = 0,
  ): Promise<AcquireResult> {
    checkNodeId(nodeId);
    positiveInt('ttlMs', ttlMs);
    const k = this.keys;
    const { code, rest } = await this.script(
      { operation: 'takeOverLease', nodeId },
      'takeOverLease',
      [k.lease, k.epoch, k.counters, k.changes],
      [nodeId, ttlMs, minEpoch, this.maxLen, `${seen.epoch} ${seen.holder}`],
    );
    return acquireResult(code, rest);
  }

  async renewLease(nodeId: string, epoch: number, ttlMs: number): Promise<void> {
    checkEpoch(epoch);
    positiveInt('ttlMs', ttlMs);
    await this.script(
      { operation: 'renewLease', nodeId, epoch },
      'renewLease',
      [this.keys.lease],
      [nodeId, epoch, ttlMs],
    );
  }

  async releaseLease(nodeId: string, epoch: number): Promise<boolean> {
    checkEpoch(epoch);
    const k = this.keys;
    const { code } = await this.script(
      { operation: 'releaseLease', nodeId, epoch },
      'releaseLease',
      [k.lease, k.counters, k.changes],
      [nodeId, epoch, this.maxLen],
    );
    return code === 1;
  }

  async readLease(): Promise<LeaseInfo | null> {
    const [value, ttl] = await this.call('readLease', async () => {
      const replies = execReplies(
        await this.redis.multi().get(this.keys.lease).pttl(this.keys.lease).exec(),
        'readLease',
      );
      return replies as [string | null, number];
    });
    const holder = parseLeaseValue(value ?? '');
    return holder === null ? null : { holder: holder.nodeId, epoch: holder.epoch, ttlMs: Math.max(0, ttl) };
  }

  async currentEpoch(): Promise<number> {
    return Number((await this.call('currentEpoch', () => this.redis.get(this.keys.epoch))) ?? 0);
  }

  // -- restore ----------------------------------------------------------------------------------

  async restoreJob(snapshot: JobSnapshot, epoch: number): Promise<void> {
    const { job } = snapshot;
    checkJobId(job.jobId);
    checkEpoch(epoch);
    checkBatchSize(job.batchSize);
    const k = this.keys;
    const jobId = job.jobId;
    const time = (t: number | undefined): string => (t === undefined ? '' : String(t));
    await this.script(
      { operation: 'restoreJob', epoch, jobId },
      'restoreJob',
      [k.epoch, k.counters, k.changes, k.jobs, k.job(jobId)],
      [
        epoch,
        this.maxLen,
        jobId,
        job.model,
        JSON.stringify(job.inputs),
        job.batchSize,
        job.topK,
        job.state,
        job.createdAt,
        time(job.startedAt),
        time(job.stoppedAt),
        time(job.completedAt),
      ],
    );
    await this.appendQueries(jobId, snapshot.queries, epoch);
    for (const [kind, outcomes] of [
      ['result', snapshot.results],
      ['error', snapshot.errors],
    ] as const) {
      if (outcomes.length === 0) continue;
      const [target, other] =
        kind === 'result' ? [k.results(jobId), k.errors(jobId)] : [k.errors(jobId), k.results(jobId)];
      const keys = [k.epoch, k.counters, k.job(jobId), target, other, k.uris(jobId), k.outcomes(jobId)];
      const ctx = { operation: 'restoreJob', epoch, jobId };
      const replies = await this.call(ctx.operation, async () => {
        const pipe = this.redis.pipeline() as unknown as WithScripts & { exec(): ReturnType<Redis['exec']> };
        for (let i = 0; i < outcomes.length; i += this.opts.chunkSize) {
          const args: ScriptArg[] = [epoch];
          for (const o of outcomes.slice(i, i + this.opts.chunkSize)) args.push(o.queryId, o.payload);
          pipe.restoreOutcomes!(...keys, ...args);
        }
        return execReplies(await pipe.exec(), ctx.operation);
      });
      for (const reply of replies) checkReply(reply, ctx);
    }
    await this.script(
      { operation: 'restoreJob', epoch, jobId },
      'recountJob',
      [k.epoch, k.counters, k.changes, k.job(jobId), k.queries(jobId), k.results(jobId), k.errors(jobId)],
      [epoch, this.maxLen, jobId],
    );
  }

  // -- change stream ----------------------------------------------------------------------------

  async readChanges(
    fromId: string,
    options: { blockMs?: number; count?: number } = {},
  ): Promise<ChangeEvent[]> {
    const count = options.count ?? 1000;
    positiveInt('count', count);
    const args: (string | number)[] = ['COUNT', count];
    if (options.blockMs !== undefined) {
      if (!Number.isInteger(options.blockMs) || options.blockMs < 0) {
        throw new InvalidArgumentError('blockMs', options.blockMs, 'an integer ≥ 0');
      }
      args.push('BLOCK', options.blockMs);
    }
    args.push('STREAMS', this.keys.changes, fromId);
    const reply = await this.call('readChanges', () => this.follower.call('XREAD', ...args));
    if (reply === null) return [];
    const streams = reply as [string, [string, string[]][]][];
    const entries = streams[0]?.[1] ?? [];
    return entries.map(([id, fields]) => parseChange(id, fields));
  }

  async latestChangeId(): Promise<string> {
    const entries = await this.call('latestChangeId', () =>
      this.redis.xrevrange(this.keys.changes, '+', '-', 'COUNT', 1),
    );
    return entries[0]?.[0] ?? '0-0';
  }

  // -- counters and life cycle ------------------------------------------------------------------

  async rejectedWrites(): Promise<RejectedWrites> {
    const fields = ['rejectedStale', 'rejectedBehind', 'duplicates', 'conflicts'] as const;
    const n = numbers(
      fields,
      await this.call('rejectedWrites', () => this.redis.hmget(this.keys.counters, ...fields)),
    );
    return {
      staleEpoch: n.rejectedStale,
      storeBehind: n.rejectedBehind,
      duplicates: n.duplicates,
      conflicts: n.conflicts,
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.redis, this.follower].map(async (client) => {
        try {
          if (client.status === 'ready') await client.quit();
          else client.disconnect();
        } catch {
          client.disconnect();
        }
      }),
    );
  }

  // -- plumbing ---------------------------------------------------------------------------------

  /** Runs a defined script and throws the typed error for a negative return code. */
  private async script(
    ctx: ScriptContext,
    name: string,
    keys: string[],
    args: ScriptArg[],
  ): Promise<{ code: number; rest: unknown[] }> {
    const fn = (this.redis as unknown as WithScripts)[name];
    if (fn === undefined) throw new StoreReplyError(ctx.operation, `script ${name} is not loaded`);
    const reply = await this.call(ctx.operation, () => fn.call(this.redis, ...keys, ...args));
    return checkReply(reply, ctx);
  }

  /** Maps transport failures to StoreUnavailableError; lets the store's own errors through. */
  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(operation, err);
    }
  }
}

/** What acquireLease-4.lua and takeOverLease-4.lua answer: {1, epoch} granted, else {0, leaseValue, pttlMs}. */
function acquireResult(code: number, rest: unknown[]): AcquireResult {
  if (code === 1) return { acquired: true, epoch: Number(rest[0]) };
  const holder = parseLeaseValue(String(rest[0]));
  return {
    acquired: false,
    holder: holder?.nodeId ?? '',
    epoch: holder?.epoch ?? 0,
    ttlMs: Math.max(0, Number(rest[1])),
  };
}
