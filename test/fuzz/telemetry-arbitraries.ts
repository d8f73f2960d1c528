import fc from 'fast-check';
import type { DecodeTelemetryOptions } from '../../services/connectors/mqtt/decode-telemetry.ts';
import { compilePayloadMapping, TIME_FORMATS } from '../../services/connectors/mqtt/payload-mapping.ts';

/**
 * fast-check arbitraries for hostile telemetry: JSON *text* (so it can hold what JSON.stringify
 * never writes: 1e999, duplicate keys, `__proto__`, 100,000 nested brackets) and decoder options.
 * Byte-level damage is in byte-mutations.ts, device ids and topics in topic-arbitraries.ts.
 *
 * @example
 * fc.sample(payloadText(), 1); // e.g. [ '{"ts":"2024-02-30T00:00:00Z","t\\u0000":1e999}' ]
 */

/** Processing time of every generated case that sets bounds. */
export const FUZZ_NOW = 1_700_000_000_000;

/** Metric names that are valid, invalid, or valid but hazardous. */
export const metricName = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom('temperature', 'humidity', 'p.1', '_x', 'a-b', 'A9'), weight: 6 },
    { arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,70}$/), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'ts',
        'time',
        '',
        ' ',
        'a b',
        'a,b',
        'a=b',
        'a"b',
        'a\\b',
        'a\nb',
        '1st',
        '-x',
        'températur',
        '\u0000',
        '\ud800',
        'x'.repeat(65),
      ),
      weight: 2,
    },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
  );

/** Number literals, including ones JSON.parse turns into ±Infinity and ones that are not JSON at all. */
const numberText = (): fc.Arbitrary<string> =>
  fc.oneof(
    {
      arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
      weight: 6,
    },
    { arbitrary: fc.integer().map(String), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        '1e999',
        '-1e999',
        '1E400',
        '-0',
        '4.9e-400',
        '9007199254740993',
        'NaN',
        'Infinity',
        '-Infinity',
        '0x10',
        '+1',
        '01',
        '1.',
        '.5',
      ),
      weight: 2,
    },
  );

/** Time field values: valid epoch ms and ISO strings, and every way of getting them wrong. */
export const timeText = (): fc.Arbitrary<string> =>
  fc.oneof(
    {
      arbitrary: fc.integer({ min: FUZZ_NOW - 86_400_000, max: FUZZ_NOW + 86_400_000 }).map(String),
      weight: 4,
    },
    {
      arbitrary: fc
        .date({ min: new Date(-62_000_000_000_000), max: new Date(253_000_000_000_000), noInvalidDate: true })
        .map((d) => JSON.stringify(d.toISOString())),
      weight: 3,
    },
    { arbitrary: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }).map(String), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '8640000000000001',
        '-8640000000000001',
        '1e16',
        '1e999',
        '1700000000000.5',
        '"2024-02-30T00:00:00Z"',
        '"2024-03-01T12:00:00"',
        '"2024-03-01T12:00:00+24:00"',
        '"2024-03-01T25:00:00Z"',
        '"+275760-09-13T00:00:00.001Z"',
        '"9999-12-31T23:59:59.999999999Z"',
        '"yesterday"',
        '""',
        'null',
        'true',
        '[]',
        '{}',
        '"1700000000000"',
      ),
      weight: 3,
    },
    { arbitrary: numberText(), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)), weight: 1 },
  );

/** Any JSON value as text, nested a few levels. */
const nestedText = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText(),
    fc.string({ unit: 'binary', maxLength: 20 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('null', 'true', 'false'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(metricName(), tie('value')), { maxLength: 4 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** `[[[…]]]` or `{"a":{"a":…}}` up to 100,000 deep: JSON.parse must not take the process down. */
const deepText = (maxDepth = 100_000): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 200 }), weight: 30 },
        { arbitrary: fc.integer({ min: 201, max: maxDepth }), weight: 1 },
      ),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([depth, arrays, closed]) =>
      arrays
        ? '['.repeat(depth) + (closed ? ']'.repeat(depth) : '')
        : '{"a":'.repeat(depth) + '1' + (closed ? '}'.repeat(depth) : ''),
    );

/** A metric field's value: mostly numbers, sometimes anything. */
const valueText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: numberText(), weight: 8 },
    { arbitrary: fc.constantFrom('"21.5"', '"NaN"', '""', 'null', 'true', '[]', '{}', '[1]'), weight: 2 },
    { arbitrary: nestedText, weight: 2 },
    { arbitrary: deepText(2_000), weight: 1 },
  );

/** One record as JSON text: maybe a time field, metric fields (names may repeat), maybe unknown fields. */
export const recordText = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.option(fc.tuple(fc.constantFrom('ts', 'time', 't', 'Ts'), timeText()), { freq: 8 }),
      fc.array(fc.tuple(metricName(), valueText()), { maxLength: 6 }),
      fc.nat(6),
    )
    .map(([time, fields, at]) => {
      const pairs = fields.map(([name, value]) => `${JSON.stringify(name)}:${value}`);
      if (time !== null) pairs.splice(Math.min(at, pairs.length), 0, `${JSON.stringify(time[0])}:${time[1]}`);
      return `{${pairs.join(',')}}`;
    });

/** A whole payload as text: a record, an array of records, a bare value, deep nesting, random text. */
export const payloadText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: recordText(), weight: 6 },
    { arbitrary: fc.array(recordText(), { maxLength: 8 }).map((rs) => `[${rs.join(',')}]`), weight: 3 },
    { arbitrary: nestedText, weight: 1 },
    { arbitrary: deepText(), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 64 }), weight: 1 },
  );

/** Decoder options: default or tight limits, time bounds, and payload mappings of every format. */
export const decodeOptions = (): fc.Arbitrary<DecodeTelemetryOptions> =>
  fc
    .record(
      {
        maxBytes: fc.oneof(fc.integer({ min: 1, max: 512 }), fc.constant(256 * 1024)),
        maxRecords: fc.integer({ min: 1, max: 5 }),
        maxFutureMs: fc.integer({ min: 0, max: 3_600_000 }),
        maxPastMs: fc.integer({ min: 0, max: 30 * 86_400_000 }),
        mapping: fc.record(
          {
            timeField: fc.constantFrom('ts', 'time', 't'),
            timeFormat: fc.constantFrom(...TIME_FORMATS),
            include: fc.array(metricName(), { maxLength: 3 }),
            exclude: fc.array(metricName(), { maxLength: 3 }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    )
    .map(({ mapping, ...limits }) => {
      const options: { -readonly [K in keyof DecodeTelemetryOptions]: DecodeTelemetryOptions[K] } = {
        ...limits,
      };
      if (limits.maxFutureMs !== undefined || limits.maxPastMs !== undefined) options.now = FUZZ_NOW;
      if (mapping !== undefined) {
        const { include, exclude, timeField = 'ts', timeFormat = 'auto' } = mapping;
        // A mapping compilePayloadMapping refuses is a configuration error, not input: keep valid ones.
        const metrics =
          include !== undefined
            ? { include: include.filter((name) => name !== timeField) }
            : exclude !== undefined
              ? { exclude }
              : {};
        options.payload = compilePayloadMapping({ timeField, timeFormat, ...metrics });
      }
      return options;
    });
