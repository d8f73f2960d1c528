import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_RECORDS,
  type DecodeTelemetryOptions,
  decodeTelemetry,
  decodeTelemetryWithJsonParse,
} from '../../services/connectors/mqtt/decode-telemetry.ts';
import { compilePayloadMapping } from '../../services/connectors/mqtt/payload-mapping.ts';
import { TelemetryScanner } from '../../services/connectors/mqtt/telemetry-scanner.ts';
import { FUZZ_SHARES, fuzzParameters, fuzzTimeoutMs } from './fuzz-budget.ts';
import { decodeOptions, FUZZ_NOW, metricName, payloadText } from './telemetry-arbitraries.ts';

/**
 * Differential fuzz of the decoder's fast path (`TelemetryScanner`, bytes → readings) against its
 * general path (`JSON.parse`, then field checks): on every input the two give the same result,
 * down to the bits of each value (-0 included). Inputs are mostly near the fast path's shape, where
 * a difference could hide: numbers written every way, white space, repeated fields, mappings and
 * bounds; hostile payloads from the decoder's own fuzz arbitraries too.
 */

/** A finite double written as JSON can: shortest, fixed, exponent, padded with zeros. */
const numberLiteral = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => JSON.stringify(x)),
    fc.integer().map(String),
    fc
      .double({ min: -1e6, max: 1e6, noNaN: true })
      .chain((x) =>
        fc.constantFrom(
          x.toFixed(2),
          x.toFixed(7),
          x.toExponential(3),
          x.toExponential(16),
          x.toPrecision(15),
          x.toPrecision(17),
        ),
      ),
    fc
      .tuple(
        fc.constantFrom('', '-'),
        fc.stringMatching(/^(0|[1-9][0-9]{0,20})$/),
        fc.option(fc.stringMatching(/^[0-9]{1,20}$/)),
        fc.option(
          fc.tuple(
            fc.constantFrom('e', 'E'),
            fc.constantFrom('', '+', '-'),
            fc.oneof(fc.nat(30), fc.nat(400)),
          ),
        ),
      )
      .map(
        ([sign, int, frac, exp]) =>
          `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `${exp[0]}${exp[1]}${exp[2]}`}`,
      ),
    fc.constantFrom(
      '-0',
      '0.0',
      '-0e5',
      '1e22',
      '1e23',
      '9007199254740993',
      '123456789012345',
      '1234567890123456',
    ),
  );

const space = (): fc.Arbitrary<string> => fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ');

/** The time field's value: integer milliseconds mostly, written several ways. */
const timeLiteral = (): fc.Arbitrary<string> =>
  fc.oneof(
    {
      arbitrary: fc.integer({ min: FUZZ_NOW - 86_400_000, max: FUZZ_NOW + 86_400_000 }).map(String),
      weight: 6,
    },
    {
      arbitrary: fc.constantFrom('1.7e12', '1700000000000.0', '-0', '8640000000000000', '8640000000000001'),
      weight: 1,
    },
    { arbitrary: numberLiteral(), weight: 1 },
  );

/** Field names: valid metric names mostly, sometimes anything. */
const fieldName = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom('temperature', 'humidity', 'p.1', '_x', 'a-b', 'A9'), weight: 16 },
    { arbitrary: metricName(), weight: 1 },
  );

/** A field: a name and a value, a number mostly. */
const field = (): fc.Arbitrary<[string, string]> =>
  fc.tuple(
    fieldName(),
    fc.oneof(
      { arbitrary: numberLiteral(), weight: 12 },
      { arbitrary: fc.constantFrom('"21.5"', 'null', 'true', '[]', '{}'), weight: 1 },
    ),
  );

/** A record near the fast path's shape: maybe a time field anywhere, fields that may repeat. */
const nearRecord = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.option(fc.tuple(fc.constantFrom('ts', 'ts', 'ts', 'ts', 'ts', 'time'), timeLiteral()), { freq: 20 }),
      fc.oneof(
        { arbitrary: fc.uniqueArray(field(), { maxLength: 4, selector: ([name]) => name }), weight: 4 },
        { arbitrary: fc.array(field(), { maxLength: 4 }), weight: 1 },
      ),
      fc.nat(5),
      space(),
      space(),
    )
    .map(([time, fields, at, s1, s2]) => {
      const pairs = fields.map(([name, value]) => `${s1}${JSON.stringify(name)}${s2}:${s1}${value}${s2}`);
      if (time !== null) pairs.splice(Math.min(at, pairs.length), 0, `${JSON.stringify(time[0])}:${time[1]}`);
      return `${s2}{${pairs.join(',')}}${s1}`;
    });

const nearPayload = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: nearRecord(), weight: 2 },
    {
      arbitrary: fc.array(nearRecord(), { minLength: 1, maxLength: 4 }).map((rs) => `[${rs.join(',')}]`),
      weight: 2,
    },
    { arbitrary: payloadText(), weight: 1 },
  );

/** Default options mostly (the fast path's case), else any the decoder takes. */
const options = (): fc.Arbitrary<DecodeTelemetryOptions> =>
  fc.oneof(
    { arbitrary: fc.constant({}), weight: 4 },
    {
      arbitrary: fc
        .record(
          {
            maxRecords: fc.integer({ min: 1, max: 5 }),
            maxFutureMs: fc.integer({ min: 0, max: 2 * 86_400_000 }),
            maxPastMs: fc.integer({ min: 0, max: 2 * 86_400_000 }),
            timeField: fc.constantFrom('ts', 'ts', 'ts', 'time'),
            exclude: fc.array(metricName(), { maxLength: 2 }),
          },
          { requiredKeys: [] },
        )
        .map(({ timeField, exclude, ...limits }) => ({
          ...limits,
          now: FUZZ_NOW,
          payload: compilePayloadMapping({ timeField, ...(exclude === undefined ? {} : { exclude }) }),
        })),
      weight: 2,
    },
    { arbitrary: decodeOptions(), weight: 1 },
  );

describe('the telemetry fast path', () => {
  it(
    'gives exactly what JSON.parse and the field checks give, on every payload',
    () => {
      const scanner = new TelemetryScanner();
      let fast = 0;
      const parameters = fuzzParameters(FUZZ_SHARES.decoderFastPath);
      fc.assert(
        fc.property(nearPayload(), options(), (text, opts) => {
          const payload = Buffer.from(text);
          const general = decodeTelemetryWithJsonParse('boiler-1', payload, opts);
          deepStrictEqual(decodeTelemetry('boiler-1', payload, opts), general);

          const mapping = opts.payload ?? compilePayloadMapping();
          if (mapping.timeFormat !== 'auto' || payload.length > (opts.maxBytes ?? Infinity)) return;
          const scanned = scanner.scan(
            'boiler-1',
            payload,
            mapping,
            opts.maxRecords ?? DEFAULT_MAX_RECORDS,
            opts,
          );
          if (scanned === undefined) return;
          fast++;
          // The fast path only ever accepts, and only what the general path accepts, bit for bit.
          deepStrictEqual({ ok: true, readings: scanned }, general);
        }),
        parameters,
      );
      // Not vacuous: a good part of the inputs is taken by the fast path.
      expect(fast).toBeGreaterThan(parameters.numRuns * 0.15);
    },
    fuzzTimeoutMs(FUZZ_SHARES.decoderFastPath),
  );
});
