import type { JobRecord, Query } from '@idunno/state';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Task, Tracker } from './tracker.js';

// The Tracker's central invariant, under any interleaving of what the dispatcher may do:
// every query of the job is in exactly one of recorded, in flight (in some live task) or waiting,
// and a query's outcome is counted once however many replies arrive for it.

const N = 24;

function job(): JobRecord {
  return {
    jobId: 'j',
    model: 'tiny',
    inputs: ['list.txt'],
    batchSize: 4,
    topK: 5,
    state: 'running',
    epoch: 1,
    createdAt: 0,
    updatedAt: 0,
    totalQueries: N,
    done: 0,
    errors: 0,
    duplicates: 0,
  };
}

type Step =
  | { kind: 'send'; worker: number }
  | { kind: 'reply'; task: number; recordedShare: number }
  | { kind: 'fail'; task: number }
  | { kind: 'workerLost'; worker: number }
  | { kind: 'expire'; advance: number }
  | { kind: 'knownDone'; query: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), worker: fc.integer({ min: 0, max: 2 }) }),
  fc.record({
    kind: fc.constant('reply' as const),
    task: fc.nat(),
    recordedShare: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('fail' as const), task: fc.nat() }),
  fc.record({ kind: fc.constant('workerLost' as const), worker: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('expire' as const), advance: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('knownDone' as const), query: fc.integer({ min: 0, max: N - 1 }) }),
);

describe('Tracker invariant (property)', () => {
  it('keeps every query in exactly one of recorded, in flight or waiting, and counts each once', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const queries: Query[] = Array.from({ length: N }, (_, i) => ({ id: `q${i}`, uri: `/i/${i}` }));
        const t = new Tracker(job(), queries, [], 0, 0);
        const sent: Task[] = []; // every task ever sent (a late reply may still arrive for any)
        const recorded = new Set<string>();
        let now = 0;
        let seq = 0;
        for (const s of steps) {
          if (s.kind === 'send') {
            const batch = t.takeBatch(t.nextBatchSize(6));
            if (batch.length === 0) continue;
            const task: Task = {
              taskId: `t${++seq}`,
              jobId: 'j',
              workerId: `w${s.worker}`,
              queries: batch,
              sentAt: now,
              deadline: now + 1000,
            };
            t.begin(task);
            sent.push(task);
          } else if (s.kind === 'reply' && sent.length > 0) {
            // A reply (maybe late, maybe for an expired task) with part of its outcomes recorded
            // for the first time; the rest are missing and go round again.
            const task = sent[s.task % sent.length]!;
            t.end(task.taskId);
            const cut = Math.floor(task.queries.length * s.recordedShare);
            for (const q of task.queries.slice(0, cut)) {
              if (!recorded.has(q.id)) t.markRecorded(q.id, 'result', 1, now);
              else t.markKnownDone(q.id);
              recorded.add(q.id);
            }
            t.requeue(task);
          } else if (s.kind === 'fail' && sent.length > 0) {
            const task = sent[s.task % sent.length]!;
            if (t.end(task.taskId)) t.requeue(task);
          } else if (s.kind === 'workerLost') {
            t.workerLost(`w${s.worker}`);
          } else if (s.kind === 'expire') {
            now += s.advance;
            t.expire(now);
          } else if (s.kind === 'knownDone') {
            // Another coordinator recorded it (the store said 'duplicate').
            const id = `q${s.query}`;
            t.markKnownDone(id);
            recorded.add(id);
          }
          check(t, recorded);
        }
        // Draining the rest always completes the job.
        for (let guard = 0; !t.isComplete() && guard < N * 4; guard++) {
          for (const task of t.inFlightTasks()) {
            t.end(task.taskId);
            t.requeue(task);
          }
          const batch = t.takeBatch(N);
          for (const q of batch) {
            if (!recorded.has(q.id)) t.markRecorded(q.id, 'result', 1, now);
            recorded.add(q.id);
          }
        }
        expect(t.isComplete()).toBe(true);
        expect(t.doneCount).toBe(N);
      }),
      { numRuns: 300, seed: 20261204 },
    );
  });
});

/** Exactly one place per query: recorded, in one live task, or waiting (and so takeable). */
function check(t: Tracker, recorded: ReadonlySet<string>): void {
  const inFlight = new Map<string, number>();
  for (const task of t.inFlightTasks())
    for (const q of task.queries) if (!recorded.has(q.id)) inFlight.set(q.id, (inFlight.get(q.id) ?? 0) + 1);
  for (const [id, n] of inFlight) expect(n, `${id} in ${n} live tasks`).toBe(1);
  expect(t.doneCount).toBe(recorded.size);
  const s = t.stats(0);
  // Whatever is neither recorded nor in flight must be waiting.
  expect(s.pending).toBe(N - recorded.size - s.inFlight);
  expect(s.inFlight).toBe(inFlight.size);
  expect(t.waitingCount).toBeGreaterThanOrEqual(s.pending);
}
