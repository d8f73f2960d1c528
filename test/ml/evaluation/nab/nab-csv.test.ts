import { describe, expect, it } from 'vitest';
import { parseNabCsv } from '../../../../ml/evaluation/nab/nab-csv.ts';

const T0 = Date.UTC(2014, 3, 1);

describe('parseNabCsv', () => {
  it('reads timestamp,value records (the documented example)', () => {
    const data = parseNabCsv('timestamp,value\n2014-04-01 00:00:00,18.3\n2014-04-01 00:05:00,21.1\n');
    expect(data.values).toEqual([18.3, 21.1]);
    expect(data.timestamps).toEqual([T0, T0 + 300_000]);
  });

  it('accepts a BOM, CRLF and no final newline', () => {
    const data = parseNabCsv('\uFEFFtimestamp,value\r\n2014-04-01 00:00:00,-1e3\r\n2014-04-01 00:05:00,0');
    expect(data.values).toEqual([-1000, 0]);
  });

  it('keeps repeated and backward timestamps in file order, as NAB files have them', () => {
    const text = 'timestamp,value\n2014-04-01 00:05:00,1\n2014-04-01 00:05:00,2\n2014-04-01 00:00:00,3\n';
    expect(parseNabCsv(text).timestamps).toEqual([T0 + 300_000, T0 + 300_000, T0]);
  });

  it('names the file, the line and what was expected for each kind of malformed input', () => {
    const ok = '2014-04-01 00:00:00,1';
    const cases: [string, string][] = [
      ['', 'a.csv:1: expected the header "timestamp,value", got ""'],
      ['time,value\n' + ok, 'a.csv:1: expected the header "timestamp,value", got "time,value"'],
      ['timestamp,value\n', 'a.csv: no records after the header'],
      [`timestamp,value\n${ok}\n\n${ok}\n`, 'a.csv:3: blank line'],
      [`timestamp,value\n${ok}\n${ok},2\n`, 'a.csv:3: 3 cells, expected 2'],
      [`timestamp,value\n${ok}\n2014-04-01 00:05:00\n`, 'a.csv:3: 1 cells, expected 2'],
      [
        `timestamp,value\n${ok}\n2014-04-01T00:05:00,1\n`,
        'a.csv:3: timestamp: expected "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC), got "2014-04-01T00:05:00"',
      ],
      [`timestamp,value\n${ok}\n2014-04-31 00:05:00,1\n`, 'a.csv:3: timestamp'],
      [
        `timestamp,value\n${ok}\n2014-04-01 00:05:00,abc\n`,
        'a.csv:3: value: expected a finite number, got "abc"',
      ],
      [`timestamp,value\n${ok}\n2014-04-01 00:05:00,\n`, 'a.csv:3: value: expected a finite number, got ""'],
      [`timestamp,value\n2014-04-01 00:05:00,NaN\n`, 'a.csv:2: value: expected a finite number, got "NaN"'],
      [`timestamp,value\n2014-04-01 00:05:00,Infinity\n`, 'a.csv:2: value'],
    ];
    for (const [text, message] of cases) {
      expect(() => parseNabCsv(text, 'a.csv'), JSON.stringify(text)).toThrow(message);
    }
  });
});
