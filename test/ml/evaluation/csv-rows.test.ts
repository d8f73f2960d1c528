import { describe, expect, it } from 'vitest';
import { parseNumericCsv } from '../../../ml/evaluation/csv-rows.ts';

describe('parseNumericCsv', () => {
  it('reads the header and numeric rows (the documented example)', () => {
    expect(parseNumericCsv('a,b\n1,2\n3,4.5\n').rows).toEqual([
      { a: 1, b: 2 },
      { a: 3, b: 4.5 },
    ]);
    expect(parseNumericCsv('a, b\r\n\r\n1e3,-2\r\n').rows).toEqual([{ a: 1000, b: -2 }]);
  });

  it('names the line and column of a bad cell or row', () => {
    expect(() => parseNumericCsv('a,b\n1,2\n3,x\n', 'data.csv')).toThrow(
      'data.csv:3: column "b": expected a finite number, got "x"',
    );
    expect(() => parseNumericCsv('a,b\n1,2,3\n')).toThrow('csv:2: 3 cells, but the header has 2 columns');
    expect(() => parseNumericCsv('a,b\n1,\n')).toThrow(/csv:2: column "b"/);
    expect(() => parseNumericCsv('a,a\n1,2\n')).toThrow(/twice/);
    expect(() => parseNumericCsv('\n')).toThrow(/empty file/);
  });

  it('keeps a column named __proto__ as an own property', () => {
    const [row] = parseNumericCsv('__proto__,b\n1,2\n').rows;
    expect(Object.keys(row!)).toEqual(['__proto__', 'b']);
  });
});
