const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Parses a NAB timestamp, `YYYY-MM-DD HH:MM:SS` with an optional fraction of up to six digits
 * (`.ffffff`, as in NAB's `combined_windows.json`), read as UTC, to epoch milliseconds (a fraction
 * of a millisecond is kept). `undefined` when the text is not exactly that form or names no real
 * time (month 13, 31 April, hour 24...): callers turn that into an error naming the line.
 *
 * @example
 * parseNabTimestamp('2014-04-10 07:15:00'); // 1397114100000
 * parseNabTimestamp('2014-04-10 07:15:00.000000'); // 1397114100000, the same instant
 * parseNabTimestamp('2014-04-31 00:00:00'); // undefined
 */
export function parseNabTimestamp(text: string): number | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  if (
    d.getUTCFullYear() !== year ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute ||
    d.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  const fraction = m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0')) / 1000;
  return ms + fraction;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Formats epoch milliseconds as a NAB timestamp in UTC: `YYYY-MM-DD HH:MM:SS`, with `.ffffff`
 * only when the instant has a fraction of a second (the inverse of {@link parseNabTimestamp}).
 *
 * @example
 * formatNabTimestamp(1397114100000); // '2014-04-10 07:15:00'
 * formatNabTimestamp(1397114100250); // '2014-04-10 07:15:00.250000'
 */
export function formatNabTimestamp(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const micros = Math.round((ms - seconds * 1000) * 1000);
  const d = new Date(seconds * 1000);
  const text =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micros === 0 ? text : `${text}.${pad(micros, 6)}`;
}
