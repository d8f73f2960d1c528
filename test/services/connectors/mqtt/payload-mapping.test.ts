import { describe, expect, it } from 'vitest';
import { type DeadLetter, DeadLetterChannel } from '../../../../services/connectors/mqtt/dead-letters.ts';
import { decodeTelemetry } from '../../../../services/connectors/mqtt/decode-telemetry.ts';
import {
  compilePayloadMapping,
  type PayloadMapping,
  readEventTime,
} from '../../../../services/connectors/mqtt/payload-mapping.ts';
import { TelemetryIngest } from '../../../../services/connectors/mqtt/telemetry-ingest.ts';
import { compileTopicPatterns } from '../../../../services/connectors/mqtt/topic-pattern.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { CollectingContext } from './collecting-context.ts';

const T = 1_700_000_000_000;

function decode(mapping: PayloadMapping, payload: unknown) {
  return decodeTelemetry('d-1', Buffer.from(JSON.stringify(payload)), {
    payload: compilePayloadMapping(mapping),
  });
}

describe('readEventTime', () => {
  it('reads each explicit format into epoch ms', () => {
    expect(readEventTime(T, 'epoch_ms', 'ts')).toBe(T);
    expect(readEventTime(1_700_000_000.25, 'epoch_s', 'ts')).toBe(T + 250);
    expect(readEventTime(1_700_000_000.123, 'epoch_s', 'ts')).toBe(T + 123);
    expect(readEventTime(T * 1_000 + 999, 'epoch_us', 'ts')).toBe(T);
    expect(readEventTime(T * 1_000_000, 'epoch_ns', 'ts')).toBe(T);
    expect(readEventTime('2023-11-14T22:13:20Z', 'iso8601', 'ts')).toBe(T);
  });

  it('says what is wrong, naming the field', () => {
    expect(readEventTime('soon', 'epoch_s', 'time')).toBe(
      'field "time": expected epoch seconds (a number), got string',
    );
    expect(readEventTime(T, 'iso8601', 'time')).toBe('field "time": expected an ISO-8601 string, got number');
    expect(readEventTime('2023-11-14T22:13:20', 'iso8601', 'time')).toMatch(/has no time zone/);
    expect(readEventTime(1.5, 'epoch_ms', 'time')).toMatch(/integer epoch milliseconds/);
    expect(readEventTime(1e20, 'epoch_s', 'time')).toMatch(/beyond the range of dates/);
  });
});

describe('compilePayloadMapping', () => {
  it("defaults to Eddy's own format", () => {
    expect(compilePayloadMapping()).toEqual({
      timeField: 'ts',
      timeFormat: 'auto',
      include: undefined,
      exclude: undefined,
    });
  });

  it('refuses include with exclude, and the time field as a metric', () => {
    expect(() => compilePayloadMapping({ include: ['a'], exclude: ['b'] })).toThrow(/not both/);
    expect(() => compilePayloadMapping({ timeField: 'at', include: ['at'] })).toThrow(
      /cannot also be a metric/,
    );
  });
});

describe('decodeTelemetry with a payload mapping', () => {
  it('takes the time from the named field in its format', () => {
    expect(decode({ timeField: 'time', timeFormat: 'epoch_s' }, { time: 1_700_000_000, temp: 21 })).toEqual({
      ok: true,
      readings: [{ device: 'd-1', metric: 'temp', ts: T, value: 21 }],
    });
    expect(decode({ timeField: 'time', timeFormat: 'epoch_s' }, { ts: T, temp: 21 })).toEqual({
      ok: false,
      code: 'missing_ts',
      reason: 'missing field "time" (epoch seconds)',
    });
  });

  it('keeps only included fields as metrics and ignores the others whatever they hold', () => {
    const result = decode({ include: ['temp', 'rh'] }, { ts: T, temp: 21, status: 'ok', rh: 40, rssi: -70 });
    expect(result).toEqual({
      ok: true,
      readings: [
        { device: 'd-1', metric: 'temp', ts: T, value: 21 },
        { device: 'd-1', metric: 'rh', ts: T, value: 40 },
      ],
    });
    expect(decode({ include: ['temp'] }, { ts: T, temp: 'hot' })).toMatchObject({ code: 'invalid_value' });
    expect(decode({ include: ['temp', 'rh'] }, { ts: T, other: 1 })).toEqual({
      ok: false,
      code: 'no_metrics',
      reason: 'no metrics: none of the fields "temp", "rh" is present',
    });
  });

  it('drops excluded fields and keeps every other as a metric', () => {
    expect(decode({ exclude: ['status'] }, { ts: T, temp: 21, status: 'ok' })).toEqual({
      ok: true,
      readings: [{ device: 'd-1', metric: 'temp', ts: T, value: 21 }],
    });
    expect(decode({ exclude: ['status'] }, { ts: T, temp: 21, mode: 'eco' })).toMatchObject({
      code: 'invalid_value',
    });
  });

  it('names the time field in range errors too', () => {
    const result = decodeTelemetry('d-1', Buffer.from(JSON.stringify({ at: 0, x: 1 })), {
      payload: compilePayloadMapping({ timeField: 'at' }),
      now: T,
      maxPastMs: 1_000,
    });
    expect(result).toMatchObject({ ok: false, code: 'ts_out_of_range' });
    expect(result.ok === false && result.reason).toMatch(/^field "at": /);
  });
});

describe('TelemetryIngest with topic patterns and a payload mapping', () => {
  it("reads the job's topics and fields, and sends what does not fit to dead letters", () => {
    const clock = new ManualClock(T);
    const ctx = new CollectingContext(clock);
    const letters: DeadLetter[] = [];
    const deadLetters = new DeadLetterChannel({
      publish: (_topic, message) => {
        letters.push(JSON.parse(message.toString()) as DeadLetter);
      },
      clock,
    });
    const ingest = new TelemetryIngest({
      ctx,
      deadLetters,
      topics: compileTopicPatterns(['plant/+/{device}/data']),
      payload: { timeField: 'time', timeFormat: 'iso8601', exclude: ['status'] },
    });
    const send = (topic: string, payload: unknown) =>
      ingest.handle(topic, Buffer.from(JSON.stringify(payload)));
    expect(send('plant/hall-1/press-7/data', { time: '2023-11-14T22:13:20Z', force: 3, status: 'ok' })).toBe(
      1,
    );
    expect(send('plant/hall-1/press-7/data', { time: T, force: 3 })).toBe(0);
    expect(send('sensors/press-7/telemetry', { time: '2023-11-14T22:13:20Z', force: 3 })).toBe(0);
    expect(ctx.records).toEqual([{ device: 'press-7', metric: 'force', ts: T, value: 3 }]);
    expect(letters.map((l) => l.code)).toEqual(['invalid_ts', 'invalid_topic']);
  });
});
