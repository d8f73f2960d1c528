import { parseNabTimestamp } from './nab-timestamp.ts';

/**
 * One NAB data file's records in file order: epoch-ms timestamps and values, row for row. Time
 * order is not required: NAB's own files repeat or step back a stretch of timestamps at a few clock
 * changes (`ec2_request_latency_system_failure.csv` has twelve records at 2014-03-09 03:00:00), and
 * NAB scores records by their position.
 */
export interface NabSeriesData {
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

/**
 * Reads a NAB data file strictly: the header `timestamp,value`, then one record a line, a NAB
 * timestamp (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC) and a finite number. A byte-order mark, CRLF
 * line ends and a final newline are accepted; anything else (a blank line, a missing or extra cell,
 * a bad timestamp or value, no records) throws an error naming `source`, the 1-based line and what
 * was expected.
 *
 * @example
 * parseNabCsv('timestamp,value\n2014-04-01 00:00:00,18.3\n2014-04-01 00:05:00,21.1\n').values;
 * // [18.3, 21.1]
 * parseNabCsv('timestamp,value\n2014-04-01 00:00:00,abc\n', 'a.csv');
 * // throws 'a.csv:2: value: expected a finite number, got "abc"'
 */
export function parseNabCsv(text: string, source = 'csv'): NabSeriesData {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== 'timestamp,value') {
    throw new Error(`${source}:1: expected the header "timestamp,value", got "${truncate(lines[0] ?? '')}"`);
  }
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const where = `${source}:${i + 1}`;
    if (line.trim() === '') throw new Error(`${where}: blank line (expected "timestamp,value")`);
    const cells = line.split(',');
    if (cells.length !== 2) {
      throw new Error(`${where}: ${cells.length} cells, expected 2 ("timestamp,value"): "${truncate(line)}"`);
    }
    const [timeText, valueText] = cells as [string, string];
    const t = parseNabTimestamp(timeText);
    if (t === undefined) {
      throw new Error(
        `${where}: timestamp: expected "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC), got "${truncate(timeText)}"`,
      );
    }
    const value = Number(valueText);
    if (valueText.trim() === '' || !Number.isFinite(value)) {
      throw new Error(`${where}: value: expected a finite number, got "${truncate(valueText)}"`);
    }
    timestamps.push(t);
    values.push(value);
  }
  if (timestamps.length === 0) throw new Error(`${source}: no records after the header`);
  return { timestamps, values };
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
