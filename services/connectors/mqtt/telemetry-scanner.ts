import type { Reading } from '../../domain/reading.ts';
import { type CompiledPayloadMapping, MAX_EPOCH_MS } from './payload-mapping.ts';

/** Longest metric name (the metric name pattern's limit). */
const MAX_METRIC_NAME = 64;
/** Longest field name the fast path reads (time fields may be longer than metric names). */
const MAX_NAME = 256;
/** Most fields one record may have on the fast path; more go the general way. */
const MAX_FIELDS = 64;
/** Significant digits a mantissa may have and still be exact in a double (< 2^53). */
const MAX_MANTISSA_DIGITS = 15;
/** 10^0 … 10^22: every one exact in a double, so `m * 10^e` and `m / 10^e` round once, correctly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, e) => Number(`1e${e}`));
/** Size of the table of field names already met (a power of two). */
const NAME_TABLE_SIZE = 1_024;

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Bytes of a field name the fast path reads: `A-Z a-z 0-9 _ . -` (the metric name alphabet). */
const NAME_BYTE = new Uint8Array(256);
/** Bytes a metric name may start with: `A-Z a-z _`. */
const NAME_START_BYTE = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  NAME_START_BYTE[c] = letter ? 1 : 0;
  NAME_BYTE[c] = letter || (c >= ZERO && c <= NINE) || c === DOT || c === MINUS ? 1 : 0;
}

/** Limits the fast path must honour exactly as the general path does. */
export interface ScanLimits {
  readonly now?: number;
  readonly maxFutureMs?: number;
  readonly maxPastMs?: number;
}

/**
 * The fast path of `decodeTelemetry`: reads the common shape of a valid telemetry message straight
 * from its bytes, without `toString` or `JSON.parse`: an object, or a non-empty array of objects,
 * whose fields are plain names (the metric name alphabet, no escapes) with JSON number values, and
 * whose time field is integer epoch milliseconds. It builds the same readings, in the same order,
 * as the general path would, or gives up (`undefined`) on the first thing outside that shape (a
 * string, an escape, a non-ASCII byte, a repeated field, a number beyond the doubles, any invalid
 * record, …), and the caller then takes the general path, which decides and explains.
 * So it only ever accepts, and never refuses: a differential fuzz test holds the two paths equal.
 *
 * Numbers are converted exactly as `JSON.parse` does (correctly rounded). Those of at most 15
 * significant digits with a power of ten up to 22 (nearly all telemetry) take the exact case of
 * Clinger's algorithm: one IEEE multiplication or division of two exact doubles is the correctly
 * rounded result. The others are handed to `Number()`, the engine's own conversion.
 *
 * Field names are interned in a small table, so a record's names cost a byte comparison, not a new
 * string: messages from one device repeat the same few names.
 */
export class TelemetryScanner {
  private readonly nameTable: (string | undefined)[] = new Array(NAME_TABLE_SIZE).fill(undefined);
  private readonly fieldNames: string[] = new Array(MAX_FIELDS).fill('');
  private readonly fieldValues: number[] = new Array(MAX_FIELDS).fill(0);
  /** The number {@link scanNumber} read last. */
  private number = 0;

  scan(
    deviceId: string,
    bytes: Uint8Array,
    mapping: CompiledPayloadMapping,
    maxRecords: number,
    limits: ScanLimits,
  ): Reading[] | undefined {
    const end = bytes.length;
    const out: Reading[] = [];
    let i = skipSpace(bytes, 0, end);
    if (bytes[i] === OPEN_BRACKET) {
      i = skipSpace(bytes, i + 1, end);
      let records = 0;
      for (;;) {
        if (++records > maxRecords) return undefined;
        i = this.scanRecord(deviceId, bytes, i, end, mapping, limits, out);
        if (i < 0) return undefined;
        i = skipSpace(bytes, i, end);
        const c = bytes[i];
        if (c === COMMA) i = skipSpace(bytes, i + 1, end);
        else if (c === CLOSE_BRACKET) break;
        else return undefined;
      }
      i++;
    } else {
      i = this.scanRecord(deviceId, bytes, i, end, mapping, limits, out);
      if (i < 0) return undefined;
    }
    return skipSpace(bytes, i, end) === end ? out : undefined;
  }

  /** Reads the record at `i` (its `{`) into `out`; the index after its `}`, or -1 to give up. */
  private scanRecord(
    deviceId: string,
    bytes: Uint8Array,
    start: number,
    end: number,
    mapping: CompiledPayloadMapping,
    limits: ScanLimits,
    out: Reading[],
  ): number {
    if (bytes[start] !== OPEN_BRACE) return -1;
    const { timeField, include, exclude } = mapping;
    const names = this.fieldNames;
    const values = this.fieldValues;
    let fields = 0;
    let ts = 0;
    let hasTime = false;
    let i = skipSpace(bytes, start + 1, end);
    for (;;) {
      if (bytes[i] !== QUOTE) return -1;
      const nameStart = i + 1;
      let j = nameStart;
      let hash = 0;
      while (j < end && NAME_BYTE[bytes[j]!] === 1) {
        hash = (Math.imul(hash, 31) + bytes[j]!) | 0;
        j++;
      }
      if (j === nameStart || j - nameStart > MAX_NAME || bytes[j] !== QUOTE) return -1;
      const name = this.intern(bytes, nameStart, j, hash);
      i = skipSpace(bytes, j + 1, end);
      if (bytes[i] !== COLON) return -1;
      i = this.scanNumber(bytes, skipSpace(bytes, i + 1, end));
      if (i < 0) return -1;
      if (name === timeField) {
        if (hasTime) return -1; // a second time field
        hasTime = true;
        ts = this.number;
      } else if (include !== undefined ? include.has(name) : exclude === undefined || !exclude.has(name)) {
        if (j - nameStart > MAX_METRIC_NAME || NAME_START_BYTE[bytes[nameStart]!] !== 1) return -1;
        if (name === '__proto__' || fields === MAX_FIELDS) return -1;
        for (let k = 0; k < fields; k++) if (names[k] === name) return -1;
        names[fields] = name;
        values[fields++] = this.number;
      }
      i = skipSpace(bytes, i, end);
      const c = bytes[i];
      if (c === COMMA) i = skipSpace(bytes, i + 1, end);
      else if (c === CLOSE_BRACE) break;
      else return -1;
    }
    if (fields === 0 || !hasTime || !Number.isInteger(ts) || Math.abs(ts) > MAX_EPOCH_MS) return -1;
    if (limits.maxFutureMs !== undefined || limits.maxPastMs !== undefined) {
      const now = limits.now;
      if (now === undefined) return -1;
      if (limits.maxFutureMs !== undefined && ts - now > limits.maxFutureMs) return -1;
      if (limits.maxPastMs !== undefined && now - ts > limits.maxPastMs) return -1;
    }
    for (let k = 0; k < fields; k++) out.push({ device: deviceId, metric: names[k]!, ts, value: values[k]! });
    return i + 1;
  }

  /**
   * Reads the JSON number at `i` into {@link number}; the index after it, or -1 when it is not a
   * JSON number or not convertible exactly by the fast path.
   */
  private scanNumber(bytes: Uint8Array, start: number): number {
    let i = start;
    const negative = bytes[i] === MINUS;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let exponent = 0;
    let c = bytes[i];
    if (c === ZERO) {
      c = bytes[++i];
    } else if (c !== undefined && c > ZERO && c <= NINE) {
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = bytes[++i];
      } while (c !== undefined && c >= ZERO && c <= NINE);
    } else {
      return -1;
    }
    if (c === DOT) {
      c = bytes[++i];
      if (c === undefined || c < ZERO || c > NINE) return -1;
      do {
        if (mantissa !== 0 || c !== ZERO) {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
        }
        exponent--;
        c = bytes[++i];
      } while (c !== undefined && c >= ZERO && c <= NINE);
    }
    if (c === 0x65 || c === 0x45) {
      c = bytes[++i];
      const negativeExponent = c === MINUS;
      if (negativeExponent || c === 0x2b) c = bytes[++i];
      if (c === undefined || c < ZERO || c > NINE) return -1;
      let e = 0;
      do {
        e = e * 10 + (c - ZERO);
        if (e > 1_000) return -1;
        c = bytes[++i];
      } while (c !== undefined && c >= ZERO && c <= NINE);
      exponent += negativeExponent ? -e : e;
    }
    if (digits > MAX_MANTISSA_DIGITS || exponent > 22 || exponent < -22) {
      // Not exact by the fast case: the engine's own conversion of the literal, as JSON.parse's.
      const value = Number(String.fromCharCode.apply(null, bytes.subarray(start, i) as unknown as number[]));
      if (!Number.isFinite(value)) return -1;
      this.number = value;
      return i;
    }
    let value: number;
    if (mantissa === 0) value = 0;
    else if (exponent >= 0) value = mantissa * EXACT_POWERS_OF_TEN[exponent]!;
    else value = mantissa / EXACT_POWERS_OF_TEN[-exponent]!;
    this.number = negative ? -value : value;
    return i;
  }

  /** The name in `bytes[start, end)` (plain ASCII), as the same string object each time it is met. */
  private intern(bytes: Uint8Array, start: number, end: number, hash: number): string {
    const slot = (hash ^ (hash >>> 10)) & (NAME_TABLE_SIZE - 1);
    const known = this.nameTable[slot];
    if (known !== undefined && known.length === end - start) {
      let k = 0;
      while (k < known.length && known.charCodeAt(k) === bytes[start + k]) k++;
      if (k === known.length) return known;
    }
    const name = String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
    this.nameTable[slot] = name;
    return name;
  }
}

/** The index of the first byte at or after `i` that is not JSON whitespace. */
function skipSpace(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}
