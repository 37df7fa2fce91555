/**
 * What a worker's reply to a task means for the coordinator, as pure functions: the outcomes to
 * record (only for queries the task carried) and the time the worker itself spent on the task.
 */
import { type EncodedOutcome, encodeError, encodeResult } from '@idunno/client';
import type { QueryResult__Output } from '@idunno/proto';
import type { Task } from './tracker.js';

/**
 * The reply's outcomes, encoded for the store. A result for a query the task did not carry is
 * dropped (a confused or hostile worker cannot record another query's outcome).
 */
export function outcomesOf(
  task: Task,
  results: readonly QueryResult__Output[],
  timing: { ms: number; at: number },
): EncodedOutcome[] {
  const sent = new Set(task.queries.map((q) => q.id));
  return results
    .filter((r) => sent.has(r.queryId))
    .map((r) =>
      r.error
        ? encodeError(r.queryId, { code: r.error.code, message: r.error.message, worker: task.workerId })
        : encodeResult(r.queryId, { topK: r.topK, worker: task.workerId, ms: timing.ms, at: timing.at }),
    );
}

/**
 * The worker-side service time of a task from its per-query timings: the batch's fetch and
 * preprocessing run side by side (their longest), inference one after another (their sum). The
 * Scheduler charges turns with it; the round trip would also charge the time the task queued
 * behind the other job's batch. Undefined when the reply has no timings.
 */
export function workerServiceMs(results: readonly QueryResult__Output[]): number | undefined {
  let prep = 0;
  let infer = 0;
  let seen = false;
  for (const r of results) {
    const t = r.timings;
    if (!t) continue;
    seen = true;
    prep = Math.max(prep, t.fetchMs + t.preprocessMs);
    infer += t.inferenceMs;
  }
  return seen ? prep + infer : undefined;
}
