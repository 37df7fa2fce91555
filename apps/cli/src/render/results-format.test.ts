import { describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  csvField,
  csvLine,
  decodeResult,
  jsonLine,
  outFormat,
  renderResults,
} from './results-format.js';

const ok = {
  queryId: 'q1',
  uri: '/imgs/cat, "tabby".jpg',
  kind: 'result',
  payload: JSON.stringify({
    topK: [{ index: 281, label: 'tabby, tabby cat', probability: 0.91 }],
    worker: 'w1',
    ms: 3,
  }),
};
const failed = {
  queryId: 'q2',
  uri: 'https://x.test/a.png?size=1',
  kind: 'error',
  payload: JSON.stringify({ code: 'FETCH_FAILED', message: 'HTTP 404\nnot found' }),
};

describe('CSV', () => {
  it('quotes fields with commas, quotes, newlines or edge spaces, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(' lead')).toBe('" lead"');
    expect(csvField('')).toBe('');
  });

  it('writes a result and an error row under the documented header', () => {
    expect(CSV_HEADER).toBe(
      'query_id,uri,kind,top1_index,top1_label,top1_probability,error_code,error_message',
    );
    expect(csvLine(decodeResult(ok))).toBe(
      'q1,"/imgs/cat, ""tabby"".jpg",result,281,"tabby, tabby cat",0.91,,',
    );
    expect(csvLine(decodeResult(failed))).toBe(
      'q2,https://x.test/a.png?size=1,error,,,,FETCH_FAILED,"HTTP 404\nnot found"',
    );
  });
});

describe('decoding results', () => {
  it('gives {queryId, uri, kind, topK|error} with the payload parsed', () => {
    expect(JSON.parse(jsonLine(decodeResult(ok)))).toEqual({
      queryId: 'q1',
      uri: ok.uri,
      kind: 'result',
      topK: [{ index: 281, label: 'tabby, tabby cat', probability: 0.91 }],
    });
    expect(decodeResult(failed)).toEqual({
      queryId: 'q2',
      uri: failed.uri,
      kind: 'error',
      error: { code: 'FETCH_FAILED', message: 'HTTP 404\nnot found' },
    });
  });

  it('turns an unreadable payload into a BAD_PAYLOAD error row', () => {
    const r = decodeResult({ queryId: 'q3', uri: 'u', kind: 'result', payload: '{not json' });
    expect(r.kind === 'error' && r.error.code).toBe('BAD_PAYLOAD');
  });

  it('renders a readable table with the image name and top-1 or ERROR code', () => {
    expect(renderResults([decodeResult(ok), decodeResult(failed)]).split('\n')).toEqual([
      'QUERY  IMAGE             TOP-1',
      'q1     cat, "tabby".jpg  tabby, tabby cat (0.910)',
      'q2     a.png             ERROR FETCH_FAILED: HTTP 404 not found',
    ]);
  });
});

describe('--out', () => {
  it('picks the format by extension and refuses others', () => {
    expect(outFormat('r.jsonl')).toBe('jsonl');
    expect(outFormat('R.CSV')).toBe('csv');
    expect(() => outFormat('r.json')).toThrow('--out must end in .jsonl or .csv, got "r.json"');
  });
});
