import { isUtf8 } from 'node:buffer';
import { METRIC_NAME_PATTERN, type Reading } from '../../domain/reading.ts';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_RECORDS,
  type DecodeErrorCode,
  type DecodeFailure,
  type DecodeResult,
  type DecodeTelemetryOptions,
} from './decode-telemetry-result.ts';
import { explainIsoTimestamp, parseIsoTimestamp } from './iso-timestamp.ts';
import {
  DEFAULT_PAYLOAD_MAPPING,
  describeTimeFormat,
  MAX_EPOCH_MS,
  readEventTime,
} from './payload-mapping.ts';
import { escapeUnprintable, quoteForReason } from './printable-text.ts';
import { TelemetryScanner } from './telemetry-scanner.ts';

/** What `Buffer#toString('utf8')` puts in place of each ill-formed byte sequence. */
const REPLACEMENT_CHARACTER = '\ufffd';

export {
  DECODE_ERROR_CODES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_RECORDS,
  type DecodeErrorCode,
  type DecodeFailure,
  type DecodeResult,
  type DecodeSuccess,
  type DecodeTelemetryOptions,
} from './decode-telemetry-result.ts';

/**
 * Decodes one telemetry message into readings, one per numeric field. The whole message is
 * refused (nothing emitted) if any record in it is invalid. Never throws on any payload.
 * Valid messages of the common shape are read straight from their bytes ({@link TelemetryScanner});
 * everything else, and every refusal, goes through `JSON.parse` ({@link decodeTelemetryWithJsonParse}),
 * with the same result.
 *
 * @example
 * decodeTelemetry('boiler-1', Buffer.from('{"ts":1700000000000,"temperature":21.5}'));
 * // { ok: true, readings: [{ device: 'boiler-1', metric: 'temperature', ts: 1700000000000, value: 21.5 }] }
 * decodeTelemetry('boiler-1', Buffer.from('{"ts":1700000000000,"temperature":"hot"}'));
 * // { ok: false, code: 'invalid_value', reason: 'field "temperature": expected a finite number, got string' }
 */
export function decodeTelemetry(
  deviceId: string,
  payload: Buffer,
  options: DecodeTelemetryOptions = {},
): DecodeResult {
  const mapping = options.payload ?? DEFAULT_PAYLOAD_MAPPING;
  const withinSize = payload.length <= (options.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
  if (withinSize && mapping.timeFormat === 'auto') {
    const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    const readings = scanner.scan(deviceId, payload, mapping, maxRecords, options);
    if (readings !== undefined) return { ok: true, readings };
  }
  return decodeTelemetryWithJsonParse(deviceId, payload, options);
}

/** The fast path's reader; its name table is shared by every message of this thread. */
const scanner = new TelemetryScanner();

/**
 * The general path of {@link decodeTelemetry}, for every payload (exported so tests can hold the
 * fast path equal to it): `JSON.parse`, then each record checked field by field, with the reason
 * for any refusal.
 */
export function decodeTelemetryWithJsonParse(
  deviceId: string,
  payload: Buffer,
  options: DecodeTelemetryOptions = {},
): DecodeResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (payload.length > maxBytes) {
    return fail('too_large', `payload is ${payload.length} bytes, the limit is ${maxBytes}`);
  }
  if (payload.length === 0) return fail('invalid_json', 'payload is empty: expected a JSON object or array');
  // Decoding replaces every ill-formed sequence with U+FFFD, so text without one came from valid
  // UTF-8: the full check runs only for the rare payload that holds (or was given) a U+FFFD.
  const text = payload.toString('utf8');
  if (text.includes(REPLACEMENT_CHARACTER) && !isUtf8(payload)) {
    return fail('invalid_utf8', 'payload is not valid UTF-8 text');
  }

  let parsed: unknown;
  try {
    // A leading byte-order mark (some Windows tools write one) is not JSON, but harmless: skip it.
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    // V8's message quotes the offending text: escape it, it may hold control characters.
    const detail = escapeUnprintable(clip((error as Error).message, 100));
    return fail('invalid_json', `payload is not valid JSON (${detail})`);
  }

  const readings: Reading[] = [];
  if (Array.isArray(parsed)) {
    const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    if (parsed.length === 0)
      return fail('invalid_shape', 'payload is an empty array: send at least one record');
    if (parsed.length > maxRecords) {
      return fail('too_many_records', `payload holds ${parsed.length} records, the limit is ${maxRecords}`);
    }
    for (let i = 0; i < parsed.length; i++) {
      const failure = decodeRecord(deviceId, parsed[i], i, options, readings);
      if (failure !== undefined) return failure;
    }
  } else {
    const failure = decodeRecord(deviceId, parsed, -1, options, readings);
    if (failure !== undefined) return failure;
  }
  return { ok: true, readings };
}

/** Pushes the readings of one record into `out`, or returns why the record is invalid. */
function decodeRecord(
  deviceId: string,
  record: unknown,
  index: number,
  options: DecodeTelemetryOptions,
  out: Reading[],
): DecodeFailure | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return index < 0
      ? fail('invalid_shape', `payload is ${article(record)}: expected a JSON object or an array of objects`)
      : fail('invalid_shape', `record ${index}: expected an object, got ${describe(record)}`);
  }
  const fields = record as Record<string, unknown>;
  const payload = options.payload ?? DEFAULT_PAYLOAD_MAPPING;
  const { timeField, timeFormat, include, exclude } = payload;
  const ts = fields[timeField];
  let tsMs: number;
  if (ts === undefined) {
    return failAt(
      index,
      'missing_ts',
      `missing field ${quote(timeField)} (${describeTimeFormat(timeFormat)})`,
    );
  } else if (timeFormat !== 'auto') {
    const time = readEventTime(ts, timeFormat, timeField);
    if (typeof time === 'string') return failAt(index, 'invalid_ts', time);
    tsMs = time;
  } else if (typeof ts === 'number') {
    if (!Number.isInteger(ts)) {
      return failAt(
        index,
        'invalid_ts',
        `field ${quote(timeField)}: expected integer epoch milliseconds, got ${ts}`,
      );
    }
    if (Math.abs(ts) > MAX_EPOCH_MS) {
      return failAt(
        index,
        'invalid_ts',
        `field ${quote(timeField)}: ${ts} is beyond the range of dates (±8.64e15 ms)`,
      );
    }
    tsMs = ts;
  } else if (typeof ts === 'string') {
    tsMs = parseIsoTimestamp(ts);
    if (Number.isNaN(tsMs)) {
      return failAt(
        index,
        'invalid_ts',
        `field ${quote(timeField)}: ${quote(ts)} ${explainIsoTimestamp(ts)}`,
      );
    }
  } else {
    return failAt(
      index,
      'invalid_ts',
      `field ${quote(timeField)}: expected epoch milliseconds or an ISO-8601 string, got ${describe(ts)}`,
    );
  }
  if (options.maxFutureMs !== undefined || options.maxPastMs !== undefined) {
    const failure = checkBounds(tsMs, index, options);
    if (failure !== undefined) return failure;
  }

  const before = out.length;
  // Object.keys: the same names in the same order as for…in on a parsed object, and cheaper.
  const names = Object.keys(fields);
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    if (name === timeField) continue;
    if (include !== undefined ? !include.has(name) : exclude?.has(name)) continue;
    if (name === PROTO) {
      return failAt(
        index,
        'invalid_metric_name',
        `field "__proto__": a reserved name, not a metric (it would change the object it is stored in)`,
      );
    }
    if (!isValidMetricName(name)) {
      return failAt(
        index,
        'invalid_metric_name',
        `field ${quote(name)}: not a valid metric name (1-64 letters, digits, '_', '.' or '-', starting with a letter or '_')`,
      );
    }
    const value = fields[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return failAt(
        index,
        'invalid_value',
        `field ${quote(name)}: expected a finite number, got ${describe(value)}`,
      );
    }
    out.push({ device: deviceId, metric: name, ts: tsMs, value });
  }
  if (out.length === before) {
    return failAt(
      index,
      'no_metrics',
      include === undefined
        ? `no metrics: add at least one numeric field besides ${quote(timeField)}`
        : `no metrics: none of the fields ${[...include].map((name) => quote(name)).join(', ')} is present`,
    );
  }
  return undefined;
}

/** Matches the metric name pattern, but assigning it to a plain object replaces the prototype. */
const PROTO = '__proto__';

/** Metric names already found valid: a device sends the same few, and a set lookup beats the pattern. */
const validMetricNames = new Set<string>();
/** Bounds the cache: names past it are still checked, just not remembered. */
const MAX_CACHED_METRIC_NAMES = 4_096;

function isValidMetricName(name: string): boolean {
  if (validMetricNames.has(name)) return true;
  if (!METRIC_NAME_PATTERN.test(name)) return false;
  if (validMetricNames.size < MAX_CACHED_METRIC_NAMES) validMetricNames.add(name);
  return true;
}

function checkBounds(ts: number, index: number, options: DecodeTelemetryOptions): DecodeFailure | undefined {
  const now = options.now;
  if (now === undefined) {
    throw new TypeError(
      'decodeTelemetry: maxFutureMs / maxPastMs need `now` (processing time) in the options',
    );
  }
  const { maxFutureMs, maxPastMs } = options;
  const field = quote((options.payload ?? DEFAULT_PAYLOAD_MAPPING).timeField);
  if (maxFutureMs !== undefined && ts - now > maxFutureMs) {
    return failAt(
      index,
      'ts_out_of_range',
      `field ${field}: ${new Date(ts).toISOString()} is ${ts - now} ms ahead of processing time, the limit is ${maxFutureMs} ms`,
    );
  }
  if (maxPastMs !== undefined && now - ts > maxPastMs) {
    const hint = ts > 0 && ts < 1e11 ? ' (epoch seconds instead of milliseconds?)' : '';
    return failAt(
      index,
      'ts_out_of_range',
      `field ${field}: ${new Date(ts).toISOString()} is ${now - ts} ms behind processing time, the limit is ${maxPastMs} ms${hint}`,
    );
  }
  return undefined;
}

function fail(code: DecodeErrorCode, reason: string): DecodeFailure {
  return { ok: false, code, reason };
}

function failAt(index: number, code: DecodeErrorCode, reason: string): DecodeFailure {
  return { ok: false, code, reason: index < 0 ? reason : `record ${index}: ${reason}` };
}

/** The JSON type of a value as a reader would name it: `string`, `null`, `array`, `Infinity`… */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : String(value);
  return typeof value;
}

function article(value: unknown): string {
  const kind = describe(value);
  if (kind === 'null') return 'null';
  return (kind === 'object' ? 'an ' : 'a ') + kind;
}

function quote(text: string): string {
  return quoteForReason(text, 64);
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}
