const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const MS_PER_DAY = 86_400_000;

/**
 * ISO-8601 / RFC 3339 date-times with an explicit time zone, to epoch milliseconds. Hand-written
 * instead of `Date.parse`, whose acceptance of odd forms (no zone, `+0100`, two-digit years) varies
 * between engines. Sub-millisecond digits are truncated.
 *
 * Accepted: `2024-03-01T12:00:00Z`, `2024-03-01T12:00Z`, `2024-03-01 12:00:00.123456+01:00`,
 * `2024-03-01T12:00:00,5-0530`, `2024-03-01T12:00:00+01`.
 *
 * @example
 * parseIsoTimestamp('2024-03-01T12:00:00.250+01:00'); // 1709290800250
 * parseIsoTimestamp('2024-03-01T12:00:00');           // NaN (no time zone)
 * explainIsoTimestamp('2024-03-01T12:00:00');         // 'has no time zone (add Z or an offset such as +01:00)'
 *
 * Returns epoch milliseconds, or `NaN` when `text` is not a valid date-time with a time zone.
 */
export function parseIsoTimestamp(text: string): number {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return Number.NaN;
  const zone = m[8];
  if (zone === undefined) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const offset = offsetMinutes(zone);
  if (Number.isNaN(offset)) return Number.NaN;
  const fraction = m[7];
  const millis = fraction === undefined ? 0 : Number((fraction + '00').slice(0, 3));
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute - offset) * 60 + second) * 1000 +
    millis
  );
}

/** Why {@link parseIsoTimestamp} refused `text` (call only when it returned NaN). */
export function explainIsoTimestamp(text: string): string {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return 'is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z';
  if (m[8] === undefined) return 'has no time zone (add Z or an offset such as +01:00)';
  if (Number.isNaN(offsetMinutes(m[8]))) return 'has a time zone offset out of range';
  return 'is not a real date or time of day';
}

/** `Z` → 0, `+01:00` → 60, `-0530` → -330, `+01` → 60; NaN when out of range. */
function offsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.charCodeAt(0) === 45 /* - */ ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = zone.length > 3 ? Number(zone.slice(zone.length - 2)) : 0;
  if (hours > 23 || minutes > 59) return Number.NaN;
  return sign * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
