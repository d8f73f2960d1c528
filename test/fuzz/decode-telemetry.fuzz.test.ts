import { deepStrictEqual } from 'node:assert/strict';
import { basename, normalize } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDeadLetter } from '../../services/connectors/mqtt/dead-letters.ts';
import {
  DECODE_ERROR_CODES,
  type DecodeResult,
  type DecodeTelemetryOptions,
  decodeTelemetry,
} from '../../services/connectors/mqtt/decode-telemetry.ts';
import {
  parseTelemetryTopic,
  type TelemetryTopicResult,
} from '../../services/connectors/mqtt/telemetry-topic.ts';
import { compileTopicPattern } from '../../services/connectors/mqtt/topic-pattern.ts';
import { DEVICE_ID_PATTERN, METRIC_NAME_PATTERN, type Reading } from '../../services/domain/reading.ts';
import { mutate, mutation } from './byte-mutations.ts';
import { FUZZ_SHARES, fuzzParameters, fuzzTimeoutMs, HANG_MS } from './fuzz-budget.ts';
import { decodeOptions, FUZZ_NOW, metricName, payloadText } from './telemetry-arbitraries.ts';
import { HOSTILE_ID_PARTS, topicText } from './topic-arbitraries.ts';

/**
 * Property-based fuzz of the telemetry path (topic → device id → decoder → dead letter): for every
 * generated input, nothing throws, nothing takes longer than HANG_MS, and the result is either
 * readings that satisfy every invariant or a rejection with a documented code and a reason.
 */

const MAX_EPOCH_MS = 8.64e15;

/** Whether `text` holds a C0 control character, or with `c1` also DEL, C1 or a line separator. */
function hasControl(text: string, c1: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c1 && ((c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029))) return true;
  }
  return false;
}

/** Fails the property with `what` (plain checks: `expect` costs too much at 100,000 inputs). */
function check(condition: boolean, what: string, value?: unknown): void {
  if (!condition) throw new Error(`${what}${value === undefined ? '' : `: ${JSON.stringify(value)}`}`);
}

/** Decodes, times it, and checks the result whatever it is; returns it for further checks. */
function decodeChecked(deviceId: string, payload: Buffer, options: DecodeTelemetryOptions): DecodeResult {
  const started = performance.now();
  const result = decodeTelemetry(deviceId, payload, options);
  const took = performance.now() - started;
  check(took <= HANG_MS, `decoding ${payload.length} bytes took ${Math.round(took)} ms`);
  if (result.ok) {
    check(result.readings.length > 0, 'an accepted message has readings');
    for (const reading of result.readings) checkReading(reading, deviceId, options);
  } else {
    check(DECODE_ERROR_CODES.includes(result.code), 'a documented code', result.code);
    checkReason(result.reason);
    // The dead letter is always JSON, whatever the payload held.
    const letter = toDeadLetter(`sensors/${deviceId}/telemetry`, payload, result, FUZZ_NOW);
    const text = JSON.stringify(letter);
    check(JSON.parse(text).reason === letter.reason, 'the dead letter round-trips', text);
  }
  return result;
}

function checkReading(reading: Reading, deviceId: string, options: DecodeTelemetryOptions): void {
  check(reading.device === deviceId, 'the device of the topic', reading);
  check(METRIC_NAME_PATTERN.test(reading.metric) && reading.metric !== '__proto__', 'a metric name', reading);
  check(Number.isFinite(reading.value), 'a finite value', reading);
  check(Number.isInteger(reading.ts) && Math.abs(reading.ts) <= MAX_EPOCH_MS, 'a date', reading);
  const { maxFutureMs, maxPastMs } = options;
  check(maxFutureMs === undefined || reading.ts - FUZZ_NOW <= maxFutureMs, 'within --max-future', reading);
  check(maxPastMs === undefined || FUZZ_NOW - reading.ts <= maxPastMs, 'within --max-past', reading);
}

/** A reason is one short line a person can read: no raw control characters, bounded length. */
function checkReason(reason: string): void {
  check(typeof reason === 'string' && reason.length > 0 && reason.length < 600, 'a short reason', reason);
  check(!hasControl(reason, true), 'a printable reason', reason);
}

/** A device id that is safe unescaped as an InfluxDB tag value, an MQTT topic level and a file name. */
function checkDeviceId(id: string): void {
  check(DEVICE_ID_PATTERN.test(id), 'the device id pattern', id);
  check(!/[,= \\/"'+#*?:]/.test(id), 'nothing a tag or a path would need escaped', id);
  check(/^[\x21-\x7e]{1,64}$/.test(id), 'printable ASCII, 1-64 characters', id);
  check(id !== '.' && id !== '..' && basename(id) === id && normalize(id) === id, 'a plain file name', id);
}

/** `printable`: the reason escapes every control character (C0, C1); else only C0, as JSON does. */
function checkTopicResult(result: TelemetryTopicResult, printable: boolean): void {
  if (result.ok) checkDeviceId(result.deviceId);
  else {
    check(result.code === 'invalid_topic' || result.code === 'invalid_device_id', 'a topic code', result);
    if (printable) checkReason(result.reason);
    else check(!hasControl(result.reason, false), 'no C0 control character', result.reason);
  }
}

const customPattern = compileTopicPattern('plant/+/{device}/data');

describe('decodeTelemetry under fuzz', () => {
  it(
    'never throws or hangs on generated payloads: readings that hold every invariant, or a coded reason',
    () => {
      fc.assert(
        fc.property(payloadText(), decodeOptions(), (text, options) => {
          decodeChecked('boiler-1', Buffer.from(text), options);
        }),
        fuzzParameters(FUZZ_SHARES.decoderPayloads),
      );
    },
    fuzzTimeoutMs(FUZZ_SHARES.decoderPayloads),
  );

  it(
    'survives byte-level damage (truncation, garbage, BOM, padding past the limit, many records) and raw bytes',
    () => {
      const input = fc.oneof(
        {
          arbitrary: fc
            .tuple(payloadText(), fc.array(mutation(), { minLength: 1, maxLength: 3 }))
            .map(([text, mutations]) => mutate(Buffer.from(text), mutations)),
          weight: 3,
        },
        { arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)), weight: 1 },
      );
      const outcomes = new Set<string>();
      const parameters = fuzzParameters(FUZZ_SHARES.decoderMutations);
      fc.assert(
        fc.property(input, decodeOptions(), (payload, options) => {
          const result = decodeChecked('boiler-1', payload, options);
          outcomes.add(result.ok ? 'ok' : result.code);
        }),
        parameters,
      );
      // Not vacuous: a run of the default size meets every refusal, and accepted messages too.
      if (parameters.numRuns >= 10_000)
        expect([...outcomes].sort()).toEqual([...DECODE_ERROR_CODES, 'ok'].sort());
    },
    fuzzTimeoutMs(FUZZ_SHARES.decoderMutations),
  );

  it(
    'accepts every valid message and returns its readings exactly, in record then field order',
    () => {
      const names = fc.uniqueArray(
        metricName().filter((n) => METRIC_NAME_PATTERN.test(n) && n !== '__proto__' && n !== 'ts'),
        { minLength: 1, maxLength: 5 },
      );
      const record = fc.record({
        ts: fc.oneof(
          fc.integer({ min: -MAX_EPOCH_MS, max: MAX_EPOCH_MS }),
          // ISO-8601 as the decoder takes it: four-digit years.
          fc
            .integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 })
            .map((ms) => new Date(ms).toISOString()),
        ),
        values: names.chain((ns) =>
          fc.tuple(
            ...ns.map((n) => fc.tuple(fc.constant(n), fc.double({ noNaN: true, noDefaultInfinity: true }))),
          ),
        ),
      });
      fc.assert(
        fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), fc.boolean(), (records, asArray) => {
          const json = records.map(({ ts, values }) => ({ ts, ...Object.fromEntries(values) }));
          const payload = Buffer.from(JSON.stringify(asArray ? json : json[0]));
          const result = decodeChecked('boiler-1', payload, {});
          const expected = (asArray ? records : records.slice(0, 1)).flatMap(({ ts, values }) =>
            values.map(([metric, value]) => ({
              device: 'boiler-1',
              metric,
              ts: typeof ts === 'number' ? ts : Date.parse(ts),
              // JSON has no -0: it arrives as 0.
              value: value === 0 ? 0 : value,
            })),
          );
          deepStrictEqual(result, { ok: true, readings: expected });
        }),
        fuzzParameters(FUZZ_SHARES.decoderValid),
      );
    },
    fuzzTimeoutMs(FUZZ_SHARES.decoderValid),
  );
});

describe('topics and device ids under fuzz', () => {
  it(
    'yields only tag-safe, path-safe device ids, and refuses the rest with a reason',
    () => {
      fc.assert(
        fc.property(topicText(), (topic) => {
          const own = parseTelemetryTopic(topic);
          checkTopicResult(own, true);
          const custom = customPattern.parse(topic);
          checkTopicResult(custom, true);
          // Eddy's own topic and job-file patterns refuse wildcards, control characters and
          // over-long topics outright.
          const hostile = topic.length > 1024 || /[+#]/.test(topic) || hasControl(topic, true);
          check(!hostile || (!own.ok && own.code === 'invalid_topic'), 'refused as invalid_topic', topic);
          check(
            !hostile || (!custom.ok && custom.code === 'invalid_topic'),
            'pattern: refused as invalid_topic',
            topic,
          );
        }),
        fuzzParameters(FUZZ_SHARES.topics),
      );
    },
    fuzzTimeoutMs(FUZZ_SHARES.topics),
  );

  it.each(HOSTILE_ID_PARTS.map((part) => [part]))('refuses a device id holding %j with a reason', (part) => {
    for (const id of [`a${part}b`, `${part}a`, `a${part}`]) {
      const result = parseTelemetryTopic(`sensors/${id}/telemetry`);
      if (result.ok) {
        // Only '.' and '..' inside an id are fine: 'a..b' is a file name, not a path step.
        expect(part === '.' || part === '..').toBe(true);
        checkDeviceId(result.deviceId);
      } else {
        checkReason(result.reason);
      }
    }
  });
});
