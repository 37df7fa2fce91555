import { describe, expect, it } from 'vitest';
import { markdownTable, pct } from './markdown.js';

describe('the benches’ one markdown table', () => {
  it('writes header, delimiter and rows as given, without padding', () => {
    expect(
      markdownTable(
        ['a', 'bb'],
        [
          ['1', ''],
          [pct(0.125), pct(Number.NaN)],
        ],
      ),
    ).toEqual(['| a | bb |', '| --- | --- |', '| 1 |  |', '| 12.5% | – |']);
  });
});
