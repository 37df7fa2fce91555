import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOutcome, encodeError, encodeResult } from './outcome.js';

const top = [{ index: 281, label: 'tabby, tabby cat', probability: 0.91 }];

describe('outcome payloads', () => {
  it('decode what the coordinator encodes, result and error', () => {
    const r = encodeResult('q1', { topK: top, worker: 'w1', ms: 3.5, at: 1_700_000_000_000.25 });
    expect(decodeOutcome({ ...r, uri: '/a.jpg' })).toEqual({
      queryId: 'q1',
      uri: '/a.jpg',
      kind: 'result',
      topK: top,
      worker: 'w1',
      ms: 3.5,
      at: 1_700_000_000_000.25,
    });
    const e = encodeError('q2', { code: 'FETCH_FAILED', message: 'HTTP 404', worker: 'w2' });
    expect(decodeOutcome({ ...e, uri: 'https://x.test/a.png' })).toEqual({
      queryId: 'q2',
      uri: 'https://x.test/a.png',
      kind: 'error',
      error: { code: 'FETCH_FAILED', message: 'HTTP 404' },
      worker: 'w2',
    });
  });

  it('keep the stored JSON shape: {topK, worker, ms, at} and {code, message[, worker]}', () => {
    expect(JSON.parse(encodeResult('q', { topK: top, worker: 'w', ms: 1, at: 2 }).payload)).toEqual({
      topK: top,
      worker: 'w',
      ms: 1,
      at: 2,
    });
    expect(encodeError('q', { code: 'TASK_FAILED', message: 'm' }).payload).toBe(
      '{"code":"TASK_FAILED","message":"m"}',
    );
  });

  it('turn an unreadable payload into a BAD_PAYLOAD error rather than failing', () => {
    for (const payload of ['{not json', '{"topK":[{"index":"x"}]}', '']) {
      const o = decodeOutcome({ queryId: 'q', uri: 'u', kind: 'result', payload });
      expect(o.kind).toBe('error');
      if (o.kind === 'error') expect(o.error.code).toBe('BAD_PAYLOAD');
    }
  });
});

describe('outcome payloads (property)', () => {
  const score = fc.record({
    index: fc.nat({ max: 999 }),
    label: fc.string(),
    probability: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('decode back exactly what was encoded, for any top-k, worker and timing', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(score, { maxLength: 10 }),
        fc.string(),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (queryId, topK, worker, ms) => {
          const r = encodeResult(queryId, { topK, worker, ms, at: 1 });
          expect(decodeOutcome({ ...r, uri: 'u' })).toEqual({
            queryId,
            uri: 'u',
            kind: 'result',
            topK,
            worker,
            ms,
            at: 1,
          });
        },
      ),
      { seed: 4 },
    );
  });

  it('never throw on any stored text: a bad payload is a BAD_PAYLOAD error', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.oneof(fc.constant('result'), fc.constant('error'), fc.string()),
        (payload, kind) => {
          const o = decodeOutcome({ queryId: 'q', uri: 'u', kind, payload });
          expect(['result', 'error']).toContain(o.kind);
        },
      ),
      { seed: 5 },
    );
  });
});
