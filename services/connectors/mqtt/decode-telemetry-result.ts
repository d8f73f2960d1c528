/** What `decodeTelemetry` takes and gives: its limits, its result and the stable codes of every refusal. */
import type { Reading } from '../../domain/reading.ts';
import type { CompiledPayloadMapping } from './payload-mapping.ts';

/** Largest payload accepted by default: 256 KiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
/** Most records accepted in one JSON array by default. */
export const DEFAULT_MAX_RECORDS = 10_000;

/**
 * Stable machine codes for every way a telemetry payload can be refused (a contract: dashboards and
 * alerts count dead letters by code; README.md, "Dead letters", lists them).
 */
export type DecodeErrorCode =
  /** More bytes than `maxBytes` (default 256 KiB); checked before anything is parsed. */
  | 'too_large'
  /** Bytes that are not UTF-8 text (binary garbage). */
  | 'invalid_utf8'
  /** Empty, truncated or otherwise not JSON (`NaN`, `Infinity`, comments, trailing commas…). */
  | 'invalid_json'
  /** Valid JSON that is not an object or a non-empty array of objects. */
  | 'invalid_shape'
  /** An array of more than `maxRecords` records (default 10,000). */
  | 'too_many_records'
  /** A record without its time field. */
  | 'missing_ts'
  /** A time field of the wrong type, not an integer, not a real date, or beyond ±8.64e15 ms. */
  | 'invalid_ts'
  /** A time further ahead or behind processing time than `--max-future` / `--max-past`. */
  | 'ts_out_of_range'
  /** A metric field whose name is not 1-64 of `A-Za-z0-9_.-` starting with a letter or `_`, or is `__proto__`. */
  | 'invalid_metric_name'
  /** A metric field that is not a finite number (a string, `null`, an object, an array, 1e999…). */
  | 'invalid_value'
  /** A record with no metric field. */
  | 'no_metrics';

/** Every {@link DecodeErrorCode}, e.g. to pre-register one counter per code. */
export const DECODE_ERROR_CODES: readonly DecodeErrorCode[] = [
  'too_large',
  'invalid_utf8',
  'invalid_json',
  'invalid_shape',
  'too_many_records',
  'missing_ts',
  'invalid_ts',
  'ts_out_of_range',
  'invalid_metric_name',
  'invalid_value',
  'no_metrics',
];

/** Limits of {@link decodeTelemetry}; all optional. */
export interface DecodeTelemetryOptions {
  /** Payload size limit in bytes (default {@link DEFAULT_MAX_PAYLOAD_BYTES}). */
  readonly maxBytes?: number;
  /** Record limit for a JSON array (default {@link DEFAULT_MAX_RECORDS}). */
  readonly maxRecords?: number;
  /** Processing time (from the job's Clock); required when a bound below is set. */
  readonly now?: number;
  /** Refuse records whose `ts` is more than this many ms after `now`. */
  readonly maxFutureMs?: number;
  /** Refuse records whose `ts` is more than this many ms before `now`. */
  readonly maxPastMs?: number;
  /**
   * Which fields hold the time and the metrics (`compilePayloadMapping`). Default: Eddy's own format,
   * `ts` in epoch ms or ISO-8601 and every other field a metric.
   */
  readonly payload?: CompiledPayloadMapping;
}

/** The readings of an accepted message, in record order then field order. */
export interface DecodeSuccess {
  readonly ok: true;
  readonly readings: Reading[];
}

/** Why a message was refused: a stable `code` for counters, a `reason` for people. */
export interface DecodeFailure {
  readonly ok: false;
  readonly code: DecodeErrorCode;
  /** Short, human-readable, names the record and field at fault. */
  readonly reason: string;
}

export type DecodeResult = DecodeSuccess | DecodeFailure;
