import { describe, expect, it } from 'vitest';
import { type DeadLetter, DeadLetterChannel } from '../../../../services/connectors/mqtt/dead-letters.ts';
import {
  type TelemetryDecodeLimits,
  TelemetryIngest,
} from '../../../../services/connectors/mqtt/telemetry-ingest.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { CollectingContext } from './collecting-context.ts';

const T = 1_700_000_000_000;

function setup(limits?: TelemetryDecodeLimits) {
  const clock = new ManualClock(T);
  const ctx = new CollectingContext(clock);
  const letters: DeadLetter[] = [];
  const deadLetters = new DeadLetterChannel({
    publish: (_topic, message) => {
      letters.push(JSON.parse(message.toString()) as DeadLetter);
    },
    clock,
  });
  const ingest = new TelemetryIngest({ ctx, deadLetters, ...(limits ? { limits } : {}) });
  const send = (topic: string, payload: string) => ingest.handle(topic, Buffer.from(payload));
  return { clock, ctx, letters, ingest, send };
}

describe('TelemetryIngest', () => {
  it('hands the readings of each good message to the job as one batch, and refuses the rest', () => {
    const { ctx, letters, ingest, send } = setup();
    expect(send('sensors/a/telemetry', `{"ts":${T},"t":1,"h":2}`)).toBe(2);
    expect(send('sensors/a b/telemetry', `{"ts":${T},"t":1}`)).toBe(0);
    expect(send('sensors/b/telemetry', 'not json')).toBe(0);
    expect(send('sensors/b/telemetry', `[{"ts":${T},"t":3},{"ts":${T + 1},"t":4}]`)).toBe(2);

    expect(ctx.records).toEqual([
      { device: 'a', metric: 't', ts: T, value: 1 },
      { device: 'a', metric: 'h', ts: T, value: 2 },
      { device: 'b', metric: 't', ts: T, value: 3 },
      { device: 'b', metric: 't', ts: T + 1, value: 4 },
    ]);
    expect(ctx.batches).toEqual([2, 2]);
    expect(letters.map((l) => [l.topic, l.code])).toEqual([
      ['sensors/a b/telemetry', 'invalid_device_id'],
      ['sensors/b/telemetry', 'invalid_json'],
    ]);
    expect(ingest.stats()).toEqual({
      messages: 4,
      readings: 4,
      deadLetters: 2,
      deadLettersByCode: { invalid_device_id: 1, invalid_json: 1 },
      deadLetterPublishFailures: 0,
    });
  });

  it('checks timestamp bounds against the Clock at the time of each message', () => {
    const { clock, ctx, letters, send } = setup({ maxFutureMs: 1_000, maxPastMs: 60_000 });
    expect(send('sensors/a/telemetry', `{"ts":${T + 5_000},"t":1}`)).toBe(0);
    clock.advance(4_000);
    expect(send('sensors/a/telemetry', `{"ts":${T + 5_000},"t":1}`)).toBe(1);
    clock.advance(100_000);
    expect(send('sensors/a/telemetry', `{"ts":${T + 5_000},"t":1}`)).toBe(0);
    expect(ctx.records).toHaveLength(1);
    expect(letters.map((l) => l.code)).toEqual(['ts_out_of_range', 'ts_out_of_range']);
    expect(letters[1]!.receivedAt).toBe(new Date(T + 104_000).toISOString());
  });

  it('applies the configured size and record limits', () => {
    const { letters, send } = setup({ maxBytes: 30, maxRecords: 1 });
    send('sensors/a/telemetry', `{"ts":${T},"temperature":21.5}`);
    send('sensors/a/telemetry', `[{"ts":1,"t":1},{"ts":2,"t":2}]`);
    expect(letters.map((l) => l.code)).toEqual(['too_large', 'too_large']);
    const second = setup({ maxRecords: 1 });
    second.send('sensors/a/telemetry', `[{"ts":1,"t":1},{"ts":2,"t":2}]`);
    expect(second.letters.map((l) => l.code)).toEqual(['too_many_records']);
  });

  it('refuses nonsensical limits up front', () => {
    expect(() => setup({ maxBytes: 0 })).toThrow('telemetry maxBytes must be a positive integer, got 0');
    expect(() => setup({ maxRecords: 1.5 })).toThrow(
      'telemetry maxRecords must be a positive integer, got 1.5',
    );
    expect(() => setup({ maxPastMs: -1 })).toThrow('telemetry maxPastMs must be >= 0 ms, got -1');
  });
});
