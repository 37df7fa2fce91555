import type { JobRecord, Query } from '@idunno/state';
import { describe, expect, it } from 'vitest';
import { type Task, Tracker } from './tracker.js';

function job(batchSize: number): JobRecord {
  return {
    jobId: 'j',
    model: 'tiny',
    inputs: ['list.txt'],
    batchSize,
    topK: 5,
    state: 'running',
    epoch: 1,
    createdAt: 0,
    updatedAt: 0,
    totalQueries: 0,
    done: 0,
    errors: 0,
    duplicates: 0,
  };
}

const queries = (n: number): Query[] =>
  Array.from({ length: n }, (_, i) => ({ id: `q${i}`, uri: `/img/${i}` }));

let seq = 0;
function send(t: Tracker, workerId: string, now: number, deadline = now + 1000): Task {
  const task: Task = {
    taskId: `t${++seq}`,
    jobId: t.jobId,
    workerId,
    queries: t.takeBatch(t.nextBatchSize()),
    sentAt: now,
    deadline,
  };
  t.begin(task);
  return task;
}

describe('Tracker', () => {
  it('sends one query first, then whole batches once a result is in', () => {
    const t = new Tracker(job(8), queries(40), [], 0, 0);
    const first = send(t, 'w1', 0);
    expect(first.queries.map((q) => q.id)).toEqual(['q0']);
    // While the probe is in flight the next tasks are full batches.
    expect(send(t, 'w2', 0).queries).toHaveLength(8);
    t.end(first.taskId);
    t.markRecorded('q0', 'result', 5, 10);
    expect(t.nextBatchSize()).toBe(8);
  });

  it('splits the last queries evenly over the worker slots', () => {
    const t = new Tracker(job(8), queries(20), [], 0, 0);
    t.markRecorded('q19', 'result', 1, 0);
    // 19 wait; 4 slots of 8 would leave some idle: ceil(19 / 4) = 5.
    expect(t.nextBatchSize(4)).toBe(5);
    expect(t.nextBatchSize(1)).toBe(8);
    t.takeBatch(16);
    expect(t.nextBatchSize(4)).toBe(1); // 3 left: one each
  });

  it('counts every query once and completes when each has an outcome', () => {
    const t = new Tracker(job(4), queries(5), ['q4'], 0, 0);
    expect(t.doneCount).toBe(1);
    const a = send(t, 'w1', 0);
    const b = send(t, 'w1', 0);
    expect([...a.queries, ...b.queries].map((q) => q.id)).toEqual(['q0', 'q1', 'q2', 'q3']);
    for (const task of [a, b]) {
      t.end(task.taskId);
      for (const q of task.queries) t.markRecorded(q.id, 'result', 1, 1);
    }
    t.markRecorded('q0', 'result', 1, 1); // a second reply for q0 changes nothing
    expect(t.doneCount).toBe(5);
    expect(t.isComplete()).toBe(true);
    expect(t.hasWaiting()).toBe(false);
  });

  it('puts a lost worker’s queries back ahead of queries never sent', () => {
    const t = new Tracker(job(2), queries(10), [], 0, 0);
    t.markRecorded('q9', 'result', 1, 0); // not the first run any more: full batches
    const a = send(t, 'w1', 0);
    send(t, 'w2', 0);
    expect(t.workerLost('w1')).toBe(2);
    expect(t.inFlightTaskCount).toBe(1);
    expect(t.takeBatch(3).map((q) => q.id)).toEqual([...a.queries.map((q) => q.id), 'q4']);
  });

  it('requeues tasks past their deadline and still records a late reply once', () => {
    const t = new Tracker(job(2), queries(4), [], 0, 0);
    t.markRecorded('q3', 'result', 1, 0);
    const a = send(t, 'w1', 0, 100);
    expect(t.expire(50)).toEqual([]);
    expect(t.expire(100).map((x) => x.taskId)).toEqual([a.taskId]);
    expect(t.stats(100).inFlight).toBe(0);
    // The late reply arrives after the requeue: recorded once, and no longer handed out.
    t.markRecorded('q0', 'result', 150, 150);
    expect(t.takeBatch(5).map((q) => q.id)).toEqual(['q1', 'q2']);
    expect(t.stats(150).done).toBe(2);
  });

  it('counts errors and reports them in stats', () => {
    const t = new Tracker(job(2), queries(2), [], 0, 0);
    t.markRecorded('q0', 'error', 3, 1);
    t.markRecorded('q1', 'result', 5, 2);
    const s = t.stats(2);
    expect(s).toMatchObject({ total: 2, done: 2, errors: 1, pending: 0, inFlight: 0 });
  });
});
