import { describe, expect, it } from 'vitest';
import { renderFields, renderTable } from './table.js';

describe('renderTable', () => {
  it('pads every column to its widest cell and trims trailing spaces', () => {
    const out = renderTable(
      ['ID', 'STATE'],
      [
        ['worker-1', 'alive'],
        ['w2', 'dead'],
      ],
    );
    expect(out).toBe(['ID        STATE', 'worker-1  alive', 'w2        dead'].join('\n'));
  });

  it('right-aligns numeric columns and indents every line', () => {
    const out = renderTable(
      ['W', { header: 'WEIGHT', align: 'right' }],
      [
        ['a', '0.5'],
        ['b', '0.25'],
      ],
      { indent: '  ' },
    );
    expect(out.split('\n')).toEqual(['  W  WEIGHT', '  a     0.5', '  b    0.25']);
  });

  it('keeps one row on one line when a cell holds newlines or tabs', () => {
    expect(renderTable(['A'], [['x\ny\tz']])).toBe('A\nx y z');
  });

  it('renders missing cells as empty and counts code points, not UTF-16 units', () => {
    const out = renderTable(['A', 'B'], [['é', 'x'], ['🐱']]);
    expect(out.split('\n')).toEqual(['A  B', 'é  x', '🐱']);
  });

  it('renders key/value fields without a header', () => {
    expect(
      renderFields([
        ['rate', '1 q/s'],
        ['in flight', '3'],
      ]),
    ).toBe('rate       1 q/s\nin flight  3');
  });
});
