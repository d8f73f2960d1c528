import fc from 'fast-check';

/**
 * fast-check arbitraries for device ids and topics with every character that could break an
 * InfluxDB tag, a file path, an MQTT topic level or a log line.
 *
 * @example
 * fc.sample(topicText(), 1); // e.g. [ 'sensors/a,b/telemetry' ]
 */

/** Characters that would break an InfluxDB tag, a file path, an MQTT topic level or a log line. */
export const HOSTILE_ID_PARTS = [
  ',',
  '=',
  ' ',
  '\n',
  '\r',
  '\t',
  '/',
  '\\',
  '..',
  '.',
  '\u0000',
  '\u0007',
  '\u007f',
  '\u0085',
  '+',
  '#',
  '"',
  "'",
  '*',
  '?',
  ':',
  '%2F',
  'é',
  '😀',
  '\u202e',
  '\ufeff',
  '\ud800',
  '{device}',
  '$SYS',
] as const;

/** Device ids: valid ones, valid ones with a hostile part spliced in, over-long, random text. */
export const deviceIdText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/), weight: 4 },
    {
      arbitrary: fc
        .tuple(
          fc.stringMatching(/^[A-Za-z0-9_.-]{0,10}$/),
          fc.constantFrom(...HOSTILE_ID_PARTS),
          fc.stringMatching(/^[A-Za-z0-9_.-]{0,10}$/),
        )
        .map(([a, part, b]) => a + part + b),
      weight: 4,
    },
    { arbitrary: fc.integer({ min: 65, max: 2_000 }).map((n) => 'd'.repeat(n)), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 2 },
  );

/** Topics: Eddy's own shape around a generated id, or anything at all. */
export const topicText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: deviceIdText().map((id) => `sensors/${id}/telemetry`), weight: 6 },
    { arbitrary: deviceIdText().map((id) => `plant/hall-2/${id}/data`), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
    {
      arbitrary: fc.integer({ min: 1_000, max: 70_000 }).map((n) => `sensors/${'x/'.repeat(n)}telemetry`),
      weight: 1,
    },
  );
