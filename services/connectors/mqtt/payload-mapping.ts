import { explainIsoTimestamp, parseIsoTimestamp } from './iso-timestamp.ts';
import { quoteForReason } from './printable-text.ts';

/**
 * How a payload's time field is written. `auto` (the default) takes epoch milliseconds as a number
 * and ISO-8601 with a time zone as a string; the others take only their own form.
 */
export type TimeFormat = 'auto' | 'epoch_ms' | 'epoch_s' | 'epoch_us' | 'epoch_ns' | 'iso8601';

export const TIME_FORMATS: readonly TimeFormat[] = [
  'auto',
  'epoch_ms',
  'epoch_s',
  'epoch_us',
  'epoch_ns',
  'iso8601',
];

/** The field Eddy's own devices put the event time in. */
export const DEFAULT_TIME_FIELD = 'ts';

/**
 * Which JSON fields of a telemetry record mean what. All optional: the default is Eddy's own
 * format, `ts` in epoch ms or ISO-8601 and every other field a metric that must be a finite number.
 * With `include`, only those fields are metrics; with `exclude`, every field but those. Fields that
 * are not metrics are ignored whatever they hold; a metric field that is not a number refuses the
 * message, as always.
 *
 * @example
 * const mapping = compilePayloadMapping({ timeField: 'time', timeFormat: 'epoch_s', exclude: ['status'] });
 * // {"time": 1700000000.5, "temp": 21, "status": "ok"} → one reading: temp at 1700000000500
 */
export interface PayloadMapping {
  readonly timeField?: string;
  readonly timeFormat?: TimeFormat;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

/** A {@link PayloadMapping} ready for the decoder: defaults filled, lists as sets. */
export interface CompiledPayloadMapping {
  readonly timeField: string;
  readonly timeFormat: TimeFormat;
  /** When set, only these fields are metrics. */
  readonly include: ReadonlySet<string> | undefined;
  /** When set, these fields are not metrics. */
  readonly exclude: ReadonlySet<string> | undefined;
}

/** Fills the defaults and checks the mapping; throws with the reason when it cannot work. */
export function compilePayloadMapping(mapping: PayloadMapping = {}): CompiledPayloadMapping {
  const timeField = mapping.timeField ?? DEFAULT_TIME_FIELD;
  const timeFormat = mapping.timeFormat ?? 'auto';
  if (timeField.length === 0) throw new Error('the time field name is empty');
  if (!TIME_FORMATS.includes(timeFormat)) {
    throw new Error(`unknown time format ${JSON.stringify(timeFormat)}: use ${TIME_FORMATS.join(', ')}`);
  }
  if (mapping.include !== undefined && mapping.exclude !== undefined) {
    throw new Error('give metric fields to include or to exclude, not both');
  }
  if (mapping.include?.includes(timeField)) {
    throw new Error(`the time field ${JSON.stringify(timeField)} cannot also be a metric`);
  }
  return {
    timeField,
    timeFormat,
    include: mapping.include === undefined ? undefined : new Set(mapping.include),
    exclude: mapping.exclude === undefined ? undefined : new Set(mapping.exclude),
  };
}

/** Eddy's own payload format. */
export const DEFAULT_PAYLOAD_MAPPING: CompiledPayloadMapping = compilePayloadMapping();

/** Largest |ts| a JavaScript Date can represent (±100,000,000 days around 1970). */
export const MAX_EPOCH_MS = 8.64e15;

const EPOCH_UNITS = {
  epoch_ms: { ms: 1, name: 'epoch milliseconds' },
  epoch_s: { ms: 1_000, name: 'epoch seconds' },
  epoch_us: { ms: 0.001, name: 'epoch microseconds' },
  epoch_ns: { ms: 0.000_001, name: 'epoch nanoseconds' },
} as const;

/**
 * The event time in epoch ms of a time field written in one of the explicit formats (not `auto`,
 * which the decoder handles itself), or a sentence saying why it is not one. Seconds may have a
 * fraction; micro- and nanoseconds are cut to the millisecond (JSON numbers hold nanoseconds only
 * to about a quarter of a microsecond today, which the cut hides).
 *
 * @example
 * readEventTime(1700000000.25, 'epoch_s', 'time');     // 1700000000250
 * readEventTime('soon', 'epoch_s', 'time');            // 'field "time": expected epoch seconds (a number), got string'
 */
export function readEventTime(
  value: unknown,
  format: Exclude<TimeFormat, 'auto'>,
  field: string,
): number | string {
  const name = quoteForReason(field, 64);
  if (format === 'iso8601') {
    if (typeof value !== 'string')
      return `field ${name}: expected an ISO-8601 string, got ${describe(value)}`;
    const ms = parseIsoTimestamp(value);
    if (Number.isNaN(ms)) return `field ${name}: ${quoteForReason(value, 64)} ${explainIsoTimestamp(value)}`;
    return ms;
  }
  const unit = EPOCH_UNITS[format];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `field ${name}: expected ${unit.name} (a number), got ${describe(value)}`;
  }
  if (format === 'epoch_ms' && !Number.isInteger(value)) {
    return `field ${name}: expected integer epoch milliseconds, got ${value}`;
  }
  const ms = format === 'epoch_s' ? Math.round(value * 1_000) : Math.floor(value * unit.ms);
  if (Math.abs(ms) > MAX_EPOCH_MS) {
    return `field ${name}: ${value} ${unit.name} is beyond the range of dates (±8.64e15 ms)`;
  }
  return ms;
}

/** What a time field of this format holds, for "missing field" messages. */
export function describeTimeFormat(format: TimeFormat): string {
  if (format === 'auto') return 'epoch milliseconds or an ISO-8601 string';
  if (format === 'iso8601') return 'an ISO-8601 string';
  return EPOCH_UNITS[format].name;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : String(value);
  return typeof value;
}
