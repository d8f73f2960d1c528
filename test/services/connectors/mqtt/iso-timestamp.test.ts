import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explainIsoTimestamp,
  parseIsoTimestamp,
} from '../../../../services/connectors/mqtt/iso-timestamp.ts';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2024-03-01T12:00:00Z', Date.UTC(2024, 2, 1, 12)],
    ['2024-03-01T12:00:00.250+01:00', Date.UTC(2024, 2, 1, 11, 0, 0, 250)],
    ['2024-03-01T12:00:00,5-0530', Date.UTC(2024, 2, 1, 17, 30, 0, 500)],
    ['2024-03-01T12:00+01', Date.UTC(2024, 2, 1, 11)],
    ['2024-03-01t12:00:00.999999999z', Date.UTC(2024, 2, 1, 12, 0, 0, 999)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['1969-12-31T23:59:59.999Z', -1],
    ['0001-01-01T00:00:00Z', Date.parse('0001-01-01T00:00:00Z')],
    ['0050-06-15T00:00:00Z', Date.parse('0050-06-15T00:00:00Z')],
    ['9999-12-31T23:59:59.999Z', Date.parse('9999-12-31T23:59:59.999Z')],
  ])('%s → %d', (text, expected) => {
    expect(parseIsoTimestamp(text)).toBe(expected);
  });

  it.each([
    ['2024-03-01T12:00:00', 'has no time zone (add Z or an offset such as +01:00)'],
    ['2024-03-01', 'is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z'],
    ['24-03-01T12:00:00Z', 'is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z'],
    ['2024-03-01T12:00:00.Z', 'is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z'],
    ['2024-03-01T12:00:00 Z', 'is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z'],
    ['2024-03-01T12:00:00Z ', 'is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z'],
    ['2024-03-01T12:00:00+1', 'is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z'],
    ['2100-02-29T00:00:00Z', 'is not a real date or time of day'],
    ['2024-04-31T00:00:00Z', 'is not a real date or time of day'],
    ['2024-00-10T00:00:00Z', 'is not a real date or time of day'],
    ['2024-01-00T00:00:00Z', 'is not a real date or time of day'],
    ['2024-01-01T00:00:00-00:60', 'has a time zone offset out of range'],
  ])('refuses %s: %s', (text, why) => {
    expect(parseIsoTimestamp(text)).toBeNaN();
    expect(explainIsoTimestamp(text)).toBe(why);
  });

  it('matches its doc example', () => {
    expect(parseIsoTimestamp('2024-03-01T12:00:00.250+01:00')).toBe(1709290800250);
  });

  it('agrees with Date for any instant, in UTC and with any offset', () => {
    const instant = fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 30) });
    const offset = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });
    fc.assert(
      fc.property(instant, offset, (ms, offsetMin) => {
        expect(parseIsoTimestamp(new Date(ms).toISOString())).toBe(ms);
        const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
        const abs = Math.abs(offsetMin);
        const zone = `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
        expect(parseIsoTimestamp(local + zone)).toBe(ms);
      }),
      { numRuns: 1_000, seed: 42 },
    );
  });
});

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
