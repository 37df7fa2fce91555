import { describe, expect, it } from 'vitest';
import { PromParseError, parsePrometheusText, sampleValue } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads families, labels with escapes, suffixed samples and special values', () => {
    const m = parsePrometheusText(
      [
        '# HELP a_total Things.',
        '# TYPE a_total counter',
        'a_total{job="x",note="say \\"hi\\"\\n"} 3',
        '# TYPE h histogram',
        'h_bucket{le="+Inf"} 4',
        'h_sum 1.5',
        'h_count 4 1700000000000',
        'plain NaN',
      ].join('\n'),
    );
    expect(m.get('a_total')).toMatchObject({ type: 'counter', help: 'Things.' });
    expect(sampleValue(m, 'a_total', { job: 'x' })).toBe(3);
    expect(m.get('a_total')?.samples[0]?.labels.note).toBe('say "hi"\n');
    expect(m.get('h')?.samples.map((s) => s.name)).toEqual(['h_bucket', 'h_sum', 'h_count']);
    expect(sampleValue(m, 'h_bucket', { le: '+Inf' })).toBe(4);
    expect(sampleValue(m, 'plain')).toBeNaN();
  });

  it('rejects a malformed line with its number', () => {
    expect(() => parsePrometheusText('ok 1\nbad{x=1} 2')).toThrow(PromParseError);
    expect(() => parsePrometheusText('ok 1\nbad{x=1} 2')).toThrow(/line 2/);
  });
});
