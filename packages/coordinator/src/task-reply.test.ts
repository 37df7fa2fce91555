import { decodeOutcome } from '@idunno/client';
import type { QueryResult__Output } from '@idunno/proto';
import { describe, expect, it } from 'vitest';
import { outcomesOf, workerServiceMs } from './task-reply.js';
import type { Task } from './tracker.js';

const task: Task = {
  taskId: '1-1',
  jobId: 'j',
  workerId: 'w1',
  queries: [
    { id: '0', uri: '/a.jpg' },
    { id: '1', uri: '/b.jpg' },
  ],
  sentAt: 0,
  deadline: 1000,
};
const timings = (fetchMs: number, preprocessMs: number, inferenceMs: number) => ({
  fetchMs,
  preprocessMs,
  inferenceMs,
  queueMs: 0,
});
const ok = (queryId: string, t = timings(1, 2, 3)): QueryResult__Output => ({
  queryId,
  topK: [{ index: 7, label: 'seven', probability: 0.5 }],
  error: null,
  timings: t,
});

describe('a task reply', () => {
  it('records results and errors of the queries the task carried, and nothing else', () => {
    const items = outcomesOf(
      task,
      [
        ok('0'),
        { queryId: '1', topK: [], error: { code: 'DECODE_FAILED', message: 'bad' }, timings: null },
        ok('99'),
      ],
      { ms: 12, at: 34 },
    );
    expect(items.map((i) => i.queryId)).toEqual(['0', '1']);
    expect(decodeOutcome({ ...items[0]!, uri: '/a.jpg' })).toMatchObject({
      kind: 'result',
      worker: 'w1',
      ms: 12,
      at: 34,
    });
    expect(decodeOutcome({ ...items[1]!, uri: '/b.jpg' })).toMatchObject({
      kind: 'error',
      error: { code: 'DECODE_FAILED', message: 'bad' },
      worker: 'w1',
    });
  });

  it('charges the worker for the longest fetch+preprocess and the sum of inferences', () => {
    expect(workerServiceMs([ok('0', timings(1, 4, 10)), ok('1', timings(2, 1, 10))])).toBe(5 + 20);
    expect(workerServiceMs([{ ...ok('0'), timings: null }])).toBeUndefined();
  });
});
