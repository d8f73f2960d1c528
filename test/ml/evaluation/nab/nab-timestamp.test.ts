import { describe, expect, it } from 'vitest';
import { formatNabTimestamp, parseNabTimestamp } from '../../../../ml/evaluation/nab/nab-timestamp.ts';

describe('NAB timestamps', () => {
  it('reads YYYY-MM-DD HH:MM:SS as UTC, with or without a fraction', () => {
    expect(parseNabTimestamp('2014-04-10 07:15:00')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0));
    expect(parseNabTimestamp('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0));
    expect(parseNabTimestamp('2014-04-10 07:15:00.250000')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0) + 250);
    expect(parseNabTimestamp('2014-04-10 07:15:00.5')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0) + 500);
    expect(parseNabTimestamp('2014-04-10 07:15:00.000001')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0) + 0.001);
  });

  it('refuses other forms and times that do not exist', () => {
    for (const bad of [
      '2014-04-10T07:15:00',
      '2014-04-10 07:15',
      '2014-4-10 07:15:00',
      '2014-04-10 07:15:00Z',
      '2014-04-10 07:15:00.1234567',
      ' 2014-04-10 07:15:00',
      '2014-04-31 00:00:00',
      '2014-13-01 00:00:00',
      '2014-02-29 00:00:00',
      '2014-01-01 24:00:00',
      '2014-01-01 00:60:00',
      '',
    ]) {
      expect(parseNabTimestamp(bad), bad).toBeUndefined();
    }
    expect(parseNabTimestamp('2016-02-29 00:00:00')).toBe(Date.UTC(2016, 1, 29));
  });

  it('formats back to the same text (a fraction only when there is one)', () => {
    for (const text of [
      '2014-04-10 07:15:00',
      '1970-01-01 00:00:00',
      '2015-01-03 04:30:00.250000',
      '2013-12-02 21:15:00.000001',
    ]) {
      expect(formatNabTimestamp(parseNabTimestamp(text)!)).toBe(text);
    }
    expect(formatNabTimestamp(Date.UTC(2014, 3, 10, 7, 15, 0))).toBe('2014-04-10 07:15:00');
  });
});
