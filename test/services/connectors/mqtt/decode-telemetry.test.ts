import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DECODE_ERROR_CODES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_RECORDS,
  type DecodeErrorCode,
  type DecodeTelemetryOptions,
  decodeTelemetry,
} from '../../../../services/connectors/mqtt/decode-telemetry.ts';
import { compilePayloadMapping } from '../../../../services/connectors/mqtt/payload-mapping.ts';
import { hasUnprintable } from '../../../../services/connectors/mqtt/printable-text.ts';
import { METRIC_NAME_PATTERN, type Reading } from '../../../../services/domain/reading.ts';

const T = 1_700_000_000_000; // 2023-11-14T22:13:20.000Z
const DEVICE = 'boiler-1';

function decode(payload: string | Buffer, options?: DecodeTelemetryOptions) {
  return decodeTelemetry(DEVICE, typeof payload === 'string' ? Buffer.from(payload) : payload, options);
}

function r(metric: string, ts: number, value: number): Reading {
  return { device: DEVICE, metric, ts, value };
}

describe('decodeTelemetry: accepted payloads', () => {
  const cases: [name: string, payload: string, readings: Reading[], options?: DecodeTelemetryOptions][] = [
    ['one object, one metric', `{"ts":${T},"temperature":21.5}`, [r('temperature', T, 21.5)]],
    [
      'several metrics, in field order',
      `{"humidity":40,"ts":${T},"temperature":-3.25,"p":0}`,
      [r('humidity', T, 40), r('temperature', T, -3.25), r('p', T, 0)],
    ],
    ['metric names with _ . -', `{"ts":${T},"_x.y-z":1e-3}`, [r('_x.y-z', T, 0.001)]],
    ['exponent and huge values', `{"ts":${T},"a":1.5e300,"b":-2E2}`, [r('a', T, 1.5e300), r('b', T, -200)]],
    ['integer-valued ts written with an exponent', `{"ts":1.7e12,"a":1}`, [r('a', 1.7e12, 1)]],
    ['ts before 1970', `{"ts":-1000,"a":1}`, [r('a', -1000, 1)]],
    ['whitespace around the JSON', ` \n{"ts":${T},"a":1}\n `, [r('a', T, 1)]],
    ['a leading UTF-8 byte-order mark', `\ufeff{"ts":${T},"a":1}`, [r('a', T, 1)]],
    [
      'a real U+FFFD (valid UTF-8) in an ignored field',
      `{"ts":${T},"a":1,"note":"\ufffd"}`,
      [r('a', T, 1)],
      { payload: compilePayloadMapping({ exclude: ['note'] }) },
    ],
    ['ISO-8601 UTC', `{"ts":"2023-11-14T22:13:20Z","a":1}`, [r('a', T, 1)]],
    ['ISO-8601 with milliseconds', `{"ts":"2023-11-14T22:13:20.123Z","a":1}`, [r('a', T + 123, 1)]],
    [
      'ISO-8601 microseconds are truncated',
      `{"ts":"2023-11-14T22:13:20.987654Z","a":1}`,
      [r('a', T + 987, 1)],
    ],
    ['ISO-8601 with +01:00', `{"ts":"2023-11-14T23:13:20+01:00","a":1}`, [r('a', T, 1)]],
    ['ISO-8601 with -0530', `{"ts":"2023-11-14T16:43:20-0530","a":1}`, [r('a', T, 1)]],
    ['ISO-8601 with +01 (hours only)', `{"ts":"2023-11-14T23:13:20+01","a":1}`, [r('a', T, 1)]],
    ['ISO-8601 without seconds', `{"ts":"2023-11-14T22:13Z","a":1}`, [r('a', T - 20_000, 1)]],
    ['RFC 3339 space and lowercase', `{"ts":"2023-11-14 22:13:20.5z","a":1}`, [r('a', T + 500, 1)]],
    ['ISO-8601 leap day', `{"ts":"2024-02-29T00:00:00Z","a":1}`, [r('a', Date.UTC(2024, 1, 29), 1)]],
    [
      'an array of records with their own timestamps',
      `[{"ts":${T},"a":1},{"ts":"2023-11-14T22:13:21Z","a":2,"b":3}]`,
      [r('a', T, 1), r('a', T + 1000, 2), r('b', T + 1000, 3)],
    ],
    ['a payload exactly at the size limit', `{"ts":${T},"a":1}`, [r('a', T, 1)], { maxBytes: 26 }],
    [
      'an array exactly at the record limit',
      `[{"ts":1,"a":1},{"ts":2,"a":2}]`,
      [r('a', 1, 1), r('a', 2, 2)],
      { maxRecords: 2 },
    ],
    [
      'ts exactly maxFutureMs ahead',
      `{"ts":${T + 1000},"a":1}`,
      [r('a', T + 1000, 1)],
      { now: T, maxFutureMs: 1000 },
    ],
    [
      'ts exactly maxPastMs behind',
      `{"ts":${T - 1000},"a":1}`,
      [r('a', T - 1000, 1)],
      { now: T, maxPastMs: 1000 },
    ],
  ];

  it.each(cases)('%s', (_name, payload, readings, options) => {
    expect(decode(payload, options)).toEqual({ ok: true, readings });
  });

  it('has sane defaults: 256 KiB, 10,000 records', () => {
    expect(DEFAULT_MAX_PAYLOAD_BYTES).toBe(262_144);
    expect(DEFAULT_MAX_RECORDS).toBe(10_000);
    const records = Array.from({ length: 10_000 }, (_, i) => `{"ts":${i},"a":${i}}`);
    const result = decode(`[${records.join(',')}]`);
    expect(result.ok && result.readings.length).toBe(10_000);
  });

  it('emits objects of one shape (device, metric, ts, value) in that key order', () => {
    const result = decode(`[{"ts":${T},"a":1},{"ts":"2023-11-14T22:13:20Z","b":2}]`);
    if (!result.ok) throw new Error(result.reason);
    for (const reading of result.readings)
      expect(Object.keys(reading)).toEqual(['device', 'metric', 'ts', 'value']);
  });
});

describe('decodeTelemetry: refused payloads', () => {
  const cases: [
    payload: string | Buffer,
    code: DecodeErrorCode,
    reason: string,
    options?: DecodeTelemetryOptions,
  ][] = [
    [`{"ts":${T},"a":1}`, 'too_large', 'payload is 26 bytes, the limit is 25', { maxBytes: 25 }],
    ['x'.repeat(DEFAULT_MAX_PAYLOAD_BYTES + 1), 'too_large', 'payload is 262145 bytes, the limit is 262144'],
    ['', 'invalid_json', 'payload is empty: expected a JSON object or array'],
    [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'invalid_utf8', 'payload is not valid UTF-8 text'],
    [Buffer.from([0xc3]), 'invalid_utf8', 'payload is not valid UTF-8 text'],
    // An encoded surrogate (ED A0 80) and an overlong '/' (C0 AF) are not UTF-8 either.
    [
      Buffer.from(`{"ts":${T},"a":1,"\xed\xa0\x80":2}`, 'latin1'),
      'invalid_utf8',
      'payload is not valid UTF-8 text',
    ],
    [Buffer.from(`{"ts":${T},"a\xc0\xaf":1}`, 'latin1'), 'invalid_utf8', 'payload is not valid UTF-8 text'],
    ['42', 'invalid_shape', 'payload is a number: expected a JSON object or an array of objects'],
    ['"hot"', 'invalid_shape', 'payload is a string: expected a JSON object or an array of objects'],
    ['null', 'invalid_shape', 'payload is null: expected a JSON object or an array of objects'],
    ['true', 'invalid_shape', 'payload is a boolean: expected a JSON object or an array of objects'],
    ['[]', 'invalid_shape', 'payload is an empty array: send at least one record'],
    [`[{"ts":${T},"a":1},7]`, 'invalid_shape', 'record 1: expected an object, got number'],
    ['[[1]]', 'invalid_shape', 'record 0: expected an object, got array'],
    ['[null]', 'invalid_shape', 'record 0: expected an object, got null'],
    [
      '[{"ts":1,"a":1},{"ts":2,"a":2},{"ts":3,"a":3}]',
      'too_many_records',
      'payload holds 3 records, the limit is 2',
      {
        maxRecords: 2,
      },
    ],
    ['{"a":1}', 'missing_ts', 'missing field "ts" (epoch milliseconds or an ISO-8601 string)'],
    [
      `[{"ts":${T},"a":1},{"a":2}]`,
      'missing_ts',
      'record 1: missing field "ts" (epoch milliseconds or an ISO-8601 string)',
    ],
    ['{"ts":1.5,"a":1}', 'invalid_ts', 'field "ts": expected integer epoch milliseconds, got 1.5'],
    ['{"ts":1e999,"a":1}', 'invalid_ts', 'field "ts": expected integer epoch milliseconds, got Infinity'],
    [
      '{"ts":9e15,"a":1}',
      'invalid_ts',
      'field "ts": 9000000000000000 is beyond the range of dates (±8.64e15 ms)',
    ],
    [
      '{"ts":true,"a":1}',
      'invalid_ts',
      'field "ts": expected epoch milliseconds or an ISO-8601 string, got boolean',
    ],
    [
      '{"ts":null,"a":1}',
      'invalid_ts',
      'field "ts": expected epoch milliseconds or an ISO-8601 string, got null',
    ],
    [
      '{"ts":{},"a":1}',
      'invalid_ts',
      'field "ts": expected epoch milliseconds or an ISO-8601 string, got object',
    ],
    [
      '{"ts":[1],"a":1}',
      'invalid_ts',
      'field "ts": expected epoch milliseconds or an ISO-8601 string, got array',
    ],
    [
      '{"ts":"yesterday","a":1}',
      'invalid_ts',
      'field "ts": "yesterday" is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z',
    ],
    [
      '{"ts":"2024-03-01","a":1}',
      'invalid_ts',
      'field "ts": "2024-03-01" is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z',
    ],
    [
      '{"ts":"1700000000000","a":1}',
      'invalid_ts',
      'field "ts": "1700000000000" is not an ISO-8601 date-time such as 2024-03-01T12:00:00Z',
    ],
    [
      '{"ts":"2024-03-01T12:00:00","a":1}',
      'invalid_ts',
      'field "ts": "2024-03-01T12:00:00" has no time zone (add Z or an offset such as +01:00)',
    ],
    [
      '{"ts":"2023-02-29T00:00:00Z","a":1}',
      'invalid_ts',
      'field "ts": "2023-02-29T00:00:00Z" is not a real date or time of day',
    ],
    [
      '{"ts":"2024-13-01T00:00:00Z","a":1}',
      'invalid_ts',
      'field "ts": "2024-13-01T00:00:00Z" is not a real date or time of day',
    ],
    [
      '{"ts":"2024-01-01T24:00:00Z","a":1}',
      'invalid_ts',
      'field "ts": "2024-01-01T24:00:00Z" is not a real date or time of day',
    ],
    [
      '{"ts":"2024-01-01T00:60:00Z","a":1}',
      'invalid_ts',
      'field "ts": "2024-01-01T00:60:00Z" is not a real date or time of day',
    ],
    [
      '{"ts":"2024-01-01T00:00:60Z","a":1}',
      'invalid_ts',
      'field "ts": "2024-01-01T00:00:60Z" is not a real date or time of day',
    ],
    [
      '{"ts":"2024-01-01T00:00:00+24:00","a":1}',
      'invalid_ts',
      'field "ts": "2024-01-01T00:00:00+24:00" has a time zone offset out of range',
    ],
    [
      `{"ts":${T + 1001},"a":1}`,
      'ts_out_of_range',
      'field "ts": 2023-11-14T22:13:21.001Z is 1001 ms ahead of processing time, the limit is 1000 ms',
      { now: T, maxFutureMs: 1000 },
    ],
    [
      `{"ts":${T - 1001},"a":1}`,
      'ts_out_of_range',
      'field "ts": 2023-11-14T22:13:18.999Z is 1001 ms behind processing time, the limit is 1000 ms',
      { now: T, maxPastMs: 1000 },
    ],
    [
      '{"ts":1700000000,"a":1}',
      'ts_out_of_range',
      'field "ts": 1970-01-20T16:13:20.000Z is 1698300000000 ms behind processing time, the limit is 86400000 ms (epoch seconds instead of milliseconds?)',
      { now: T, maxPastMs: 86_400_000 },
    ],
    [
      `[{"ts":${T},"a":1},{"ts":"2030-01-01T00:00:00Z","a":1}]`,
      'ts_out_of_range',
      'record 1: field "ts": 2030-01-01T00:00:00.000Z is 193456000000 ms ahead of processing time, the limit is 60000 ms',
      { now: T, maxFutureMs: 60_000 },
    ],
    [
      `{"ts":${T},"1st":1}`,
      'invalid_metric_name',
      `field "1st": not a valid metric name (1-64 letters, digits, '_', '.' or '-', starting with a letter or '_')`,
    ],
    [
      `{"ts":${T},"a b":1}`,
      'invalid_metric_name',
      `field "a b": not a valid metric name (1-64 letters, digits, '_', '.' or '-', starting with a letter or '_')`,
    ],
    [
      `{"ts":${T},"":1}`,
      'invalid_metric_name',
      `field "": not a valid metric name (1-64 letters, digits, '_', '.' or '-', starting with a letter or '_')`,
    ],
    [
      `{"ts":${T},"${'m'.repeat(65)}":1}`,
      'invalid_metric_name',
      `field "${'m'.repeat(64)}…": not a valid metric name (1-64 letters, digits, '_', '.' or '-', starting with a letter or '_')`,
    ],
    [
      `{"ts":${T},"temperature":"21.5"}`,
      'invalid_value',
      'field "temperature": expected a finite number, got string',
    ],
    [`{"ts":${T},"a":true}`, 'invalid_value', 'field "a": expected a finite number, got boolean'],
    [`{"ts":${T},"a":null}`, 'invalid_value', 'field "a": expected a finite number, got null'],
    [`{"ts":${T},"a":{"v":1}}`, 'invalid_value', 'field "a": expected a finite number, got object'],
    [`{"ts":${T},"a":[1]}`, 'invalid_value', 'field "a": expected a finite number, got array'],
    [`{"ts":${T},"a":-1e999}`, 'invalid_value', 'field "a": expected a finite number, got -Infinity'],
    [
      `[{"ts":${T},"a":1},{"ts":${T},"a":1,"b":"x"}]`,
      'invalid_value',
      'record 1: field "b": expected a finite number, got string',
    ],
    [`{"ts":${T}}`, 'no_metrics', 'no metrics: add at least one numeric field besides "ts"'],
    [
      `[{"ts":${T},"a":1},{"ts":${T}}]`,
      'no_metrics',
      'record 1: no metrics: add at least one numeric field besides "ts"',
    ],
  ];

  it.each(cases)('%s → %s', (payload, code, reason, options) => {
    expect(decode(payload, options)).toEqual({ ok: false, code, reason });
  });

  it('refuses text that is not JSON, with the parser detail', () => {
    for (const payload of ['{', 'hello', '{"ts":1,}', '{"ts":1 "a":2}', 'NaN']) {
      const result = decode(payload);
      expect(result).toMatchObject({ ok: false, code: 'invalid_json' });
      expect(!result.ok && result.reason).toMatch(/^payload is not valid JSON \(.+\)$/);
    }
  });

  it('covers every error code in the tables above', () => {
    const seen = new Set(cases.map(([, code]) => code));
    seen.add('invalid_json');
    expect([...seen].sort()).toEqual([...DECODE_ERROR_CODES].sort());
  });

  it('keeps hostile input out of the reason: control characters escaped, __proto__ refused', () => {
    const json = decode('\u0000{"ts":1}');
    expect(json).toMatchObject({ ok: false, code: 'invalid_json' });
    expect(hasUnprintable(!json.ok ? json.reason : '')).toBe(false);
    expect(!json.ok && json.reason).toContain('\\u0000');
    expect(decode(`{"ts":${T},"__proto__":1}`)).toEqual({
      ok: false,
      code: 'invalid_metric_name',
      reason: 'field "__proto__": a reserved name, not a metric (it would change the object it is stored in)',
    });
    const c1 = decode(`{"ts":${T},"a\u0085":1}`);
    expect(!c1.ok && c1.reason).toContain('field "a\\u0085"');
  });

  it('refuses deep nesting as a shape or a value, without a stack overflow', () => {
    const deep = 100_000;
    expect(decode('['.repeat(deep) + ']'.repeat(deep), { maxBytes: 1e6 })).toMatchObject({
      ok: false,
      code: 'invalid_shape',
    });
    expect(decode(`{"ts":${T},"a":${'['.repeat(deep)}${']'.repeat(deep)}}`, { maxBytes: 1e6 })).toEqual({
      ok: false,
      code: 'invalid_value',
      reason: 'field "a": expected a finite number, got array',
    });
    expect(decode(`{"ts":${T},"a":1e999}`)).toEqual({
      ok: false,
      code: 'invalid_value',
      reason: 'field "a": expected a finite number, got Infinity',
    });
  });

  it('needs `now` when a timestamp bound is set (a programming error, so it throws)', () => {
    expect(() => decode(`{"ts":${T},"a":1}`, { maxFutureMs: 1 })).toThrow(/need `now`/);
  });
});

describe('decodeTelemetry: properties', () => {
  const anyPayload = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? '')),
    fc.string().map((text) => Buffer.from(text)),
    fc
      .array(
        fc.dictionary(
          fc.oneof(fc.constant('ts'), fc.string({ maxLength: 8 })),
          fc.oneof(
            fc.double(),
            fc.integer(),
            fc
              .date({ noInvalidDate: false })
              .map((d) => (Number.isNaN(d.getTime()) ? 'bad' : d.toISOString())),
            fc.string({ maxLength: 30 }),
            fc.boolean(),
            fc.constant(null),
            fc.constant([]),
          ),
        ),
        { maxLength: 4 },
      )
      .chain((records) => fc.constantFrom<unknown>(records, records[0]))
      .map((value) => Buffer.from(JSON.stringify(value) ?? '')),
  );
  const anyOptions = fc.record(
    {
      maxBytes: fc.integer({ min: 1, max: 400 }),
      maxRecords: fc.integer({ min: 1, max: 5 }),
      now: fc.integer({ min: -1e13, max: 1e13 }),
      maxFutureMs: fc.integer({ min: 0, max: 1e12 }),
      maxPastMs: fc.integer({ min: 0, max: 1e12 }),
    },
    { requiredKeys: ['now'] },
  );

  it('never throws: every input gives valid readings, or a known code with a short reason', () => {
    fc.assert(
      fc.property(anyPayload, anyOptions, (payload, options) => {
        const result = decodeTelemetry(DEVICE, payload, options);
        if (result.ok) {
          expect(result.readings.length).toBeGreaterThan(0);
          for (const reading of result.readings) {
            expect(reading.device).toBe(DEVICE);
            expect(reading.metric).toMatch(METRIC_NAME_PATTERN);
            expect(Number.isInteger(reading.ts)).toBe(true);
            expect(Number.isFinite(reading.value)).toBe(true);
          }
        } else {
          expect(DECODE_ERROR_CODES).toContain(result.code);
          expect(result.reason.length).toBeGreaterThan(0);
          expect(result.reason.length).toBeLessThan(400);
        }
      }),
      { numRuns: 2_000, seed: 20_240_301 },
    );
  });

  it('decodes every valid record to exactly its metrics (model check)', () => {
    const metricName = fc.stringMatching(METRIC_NAME_PATTERN).filter((name) => name !== 'ts');
    const value = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
    const record = fc.record({
      ts: fc.integer({ min: -8.64e15, max: 8.64e15 }),
      metrics: fc.dictionary(metricName, value, { minKeys: 1, maxKeys: 5 }),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), (records) => {
        const json = records.map(({ ts, metrics }) => ({ ts, ...metrics }));
        const expected = records.flatMap(({ ts, metrics }) =>
          Object.entries(metrics).map(([metric, v]) => ({ device: DEVICE, metric, ts, value: v })),
        );
        expect(decodeTelemetry(DEVICE, Buffer.from(JSON.stringify(json)))).toEqual({
          ok: true,
          readings: expected,
        });
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
