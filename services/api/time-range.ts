import { Type } from 'typebox';
import { ApiErrors } from './errors.ts';

/** ISO 8601 with a date, a time and a zone (`2024-05-01T12:00:00Z`, `...+02:00`), or epoch ms digits. */
const TIME_PATTERN =
  '^(?:[0-9]{1,15}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:[0-9]{2}))$';

/** Largest time accepted: year 9999 (InfluxDB cannot store later times anyway). */
const MAX_TIME_MS = 253_402_300_799_999;

/** A time in a query string: ISO 8601 with zone, or epoch milliseconds. */
export const TimeParamSchema = Type.String({
  pattern: TIME_PATTERN,
  description: 'ISO 8601 with a zone (2024-05-01T12:00:00Z) or epoch milliseconds (1714564800000)',
  examples: ['2024-05-01T12:00:00Z', '1714564800000'],
});

/**
 * Parses a validated `from` / `to` into epoch ms; an impossible date (Feb 30) is a 400 naming the
 * parameter.
 *
 * @example
 * parseTimeParam('1714564800000', 'from');        // 1714564800000
 * parseTimeParam('2024-05-01T12:00:00Z', 'from'); // 1714564800000
 */
export function parseTimeParam(text: string, name: string): number {
  const ms = /^[0-9]+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms) || ms > MAX_TIME_MS || (!/^[0-9]+$/.test(text) && !sameDate(text, ms))) {
    throw ApiErrors.invalidRequest(`query parameter "${name}" is not a valid time: ${text}`);
  }
  return ms;
}

/** `Date.parse` rolls 2024-02-30 over to March: check the calendar date survived. */
function sameDate(text: string, ms: number): boolean {
  const offset = /([+-])([0-9]{2}):([0-9]{2})$/.exec(text);
  const shift = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  return new Date(ms + shift * 60_000).toISOString().slice(0, 10) === text.slice(0, 10);
}

/**
 * Checks `from < to`, answering 400 with both times otherwise.
 *
 * @example
 * checkRange(2_000, 1_000); // throws 'Invalid request: "from" (1970-01-01T00:00:02.000Z) must be before "to" ...'
 */
export function checkRange(from: number, to: number): void {
  if (from >= to) {
    throw ApiErrors.invalidRequest(
      `"from" (${new Date(from).toISOString()}) must be before "to" (${new Date(to).toISOString()})`,
    );
  }
}
