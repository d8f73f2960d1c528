import type { IPoint } from 'influx';

/**
 * One point as one line of a spill segment: JSON of its measurement, tags, fields and timestamp,
 * ended by `\n`. A `Date` timestamp becomes its epoch milliseconds as a string (Eddy writes with
 * precision `ms`); numeric-string timestamps (what Eddy's `*-points.ts` produce) stay as they are.
 *
 * @example
 * encodeSpilledPoint({ measurement: 'm', tags: { s: 'a' }, fields: { v: 1 }, timestamp: '5' });
 * // '{"measurement":"m","tags":{"s":"a"},"fields":{"v":1},"timestamp":"5"}\n'
 */
export function encodeSpilledPoint(point: IPoint): string {
  const timestamp = point.timestamp instanceof Date ? String(point.timestamp.getTime()) : point.timestamp;
  return `${JSON.stringify({ ...point, ...(timestamp === undefined ? {} : { timestamp }) })}\n`;
}

/**
 * The point of one segment line (without its `\n`); throws naming `where` (file and line) when the
 * line is not a point written by {@link encodeSpilledPoint}.
 *
 * @example
 * decodeSpilledPoint('{"measurement":"m","fields":{"v":1}}', 'segment-1.jsonl:1'); // { measurement: 'm', fields: { v: 1 } }
 */
export function decodeSpilledPoint(line: string, where: string): IPoint {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new SpillCorruptError(`${where} is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SpillCorruptError(`${where} is not a point object`);
  }
  const point = value as IPoint;
  if (typeof point.fields !== 'object' || point.fields === null) {
    throw new SpillCorruptError(`${where} has no fields`);
  }
  return point;
}

/** A spill segment holds something Eddy did not write there (or a disk error damaged it). */
export class SpillCorruptError extends Error {
  readonly code = 'EDDY_SPILL_CORRUPT';
  constructor(detail: string) {
    super(
      `spill queue is damaged: ${detail}. Move the segment away (its points are then not written) ` +
        'and start again',
    );
    this.name = 'SpillCorruptError';
  }
}
