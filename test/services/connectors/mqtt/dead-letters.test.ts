import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_TOPIC,
  type DeadLetter,
  DeadLetterChannel,
  toDeadLetter,
} from '../../../../services/connectors/mqtt/dead-letters.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';

const TOPIC = 'sensors/a/telemetry';
const BAD_JSON = { code: 'invalid_json', reason: 'payload is not valid JSON (x)' } as const;

describe('toDeadLetter', () => {
  it('carries the topic, code, reason, text payload and processing time', () => {
    expect(toDeadLetter(TOPIC, Buffer.from('{oops'), BAD_JSON, 1_700_000_000_000)).toEqual({
      topic: TOPIC,
      code: 'invalid_json',
      reason: 'payload is not valid JSON (x)',
      payload: '{oops',
      encoding: 'utf8',
      bytes: 5,
      truncated: false,
      receivedAt: '2023-11-14T22:13:20.000Z',
    });
  });

  it('truncates text to the limit without splitting a character', () => {
    // 'é' is 2 bytes, '😀' is 4: a cut at 5 bytes lands inside the emoji and backs off to 'aé'.
    const letter = toDeadLetter(TOPIC, Buffer.from('aé😀b'), BAD_JSON, 0, 5);
    expect(letter).toMatchObject({ payload: 'aé', encoding: 'utf8', bytes: 8, truncated: true });
    expect(toDeadLetter(TOPIC, Buffer.from('x'.repeat(3000)), BAD_JSON, 0)).toMatchObject({
      payload: 'x'.repeat(1024),
      bytes: 3000,
      truncated: true,
    });
  });

  it('falls back to base64 for bytes that are not UTF-8', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x01]);
    expect(toDeadLetter(TOPIC, bytes, { code: 'invalid_utf8', reason: 'r' }, 0)).toMatchObject({
      payload: bytes.toString('base64'),
      encoding: 'base64',
      bytes: 4,
      truncated: false,
    });
    expect(toDeadLetter(TOPIC, Buffer.alloc(10, 0xff), BAD_JSON, 0, 3)).toMatchObject({
      payload: Buffer.alloc(3, 0xff).toString('base64'),
      encoding: 'base64',
      truncated: true,
    });
  });
});

describe('DeadLetterChannel', () => {
  function setup(publish?: (topic: string, message: Buffer) => void | Promise<void>) {
    const clock = new ManualClock(1_000);
    const published: { topic: string; letter: DeadLetter }[] = [];
    const lines: string[] = [];
    const logger = pino({ level: 'debug', base: undefined }, { write: (line: string) => lines.push(line) });
    const logs = {
      get all() {
        return lines.map((line) => {
          const { level, msg, suppressed } = JSON.parse(line) as {
            level: number;
            msg: string;
            suppressed?: number;
          };
          return { level, msg, suppressed };
        });
      },
    };
    const channel = new DeadLetterChannel({
      publish:
        publish ??
        ((topic, message) => {
          published.push({ topic, letter: JSON.parse(message.toString()) as DeadLetter });
        }),
      clock,
      logger,
      logIntervalMs: 10_000,
    });
    return { clock, channel, published, logs };
  }

  it('publishes each dead letter as JSON on eddy/dead-letters and counts it by code', () => {
    const { clock, channel, published } = setup();
    channel.send(TOPIC, Buffer.from('{'), BAD_JSON);
    clock.advance(5);
    channel.send('sensors/b/telemetry', Buffer.from('{"ts":1}'), {
      code: 'no_metrics',
      reason: 'no metrics',
    });
    channel.send(TOPIC, Buffer.from('['), BAD_JSON);
    expect(DEAD_LETTER_TOPIC).toBe('eddy/dead-letters');
    expect(published.map((p) => p.topic)).toEqual([DEAD_LETTER_TOPIC, DEAD_LETTER_TOPIC, DEAD_LETTER_TOPIC]);
    expect(published[1]!.letter).toEqual({
      topic: 'sensors/b/telemetry',
      code: 'no_metrics',
      reason: 'no metrics',
      payload: '{"ts":1}',
      encoding: 'utf8',
      bytes: 8,
      truncated: false,
      receivedAt: '1970-01-01T00:00:01.005Z',
    });
    expect(channel.stats()).toEqual({
      total: 3,
      byCode: { invalid_json: 2, no_metrics: 1 },
      publishFailures: 0,
    });
  });

  it('logs at most one warning per interval, then says how many it held back', () => {
    const { clock, channel, logs } = setup();
    for (let i = 0; i < 5; i++) channel.send(TOPIC, Buffer.from('{'), BAD_JSON);
    clock.advance(9_999);
    channel.send(TOPIC, Buffer.from('{'), BAD_JSON);
    expect(logs.all).toHaveLength(1);
    clock.advance(1);
    channel.send(TOPIC, Buffer.from('{'), BAD_JSON);
    expect(logs.all).toEqual([
      { level: 40, msg: 'refused a message: payload is not valid JSON (x)', suppressed: 0 },
      {
        level: 40,
        msg: 'refused a message: payload is not valid JSON (x) (and 5 more since the last warning)',
        suppressed: 5,
      },
    ]);
  });

  it('never throws when publishing fails, synchronously or not, and counts the failures', async () => {
    const sync = setup(() => {
      throw new Error('client closed');
    });
    sync.channel.send(TOPIC, Buffer.from('{'), BAD_JSON);
    expect(sync.channel.stats()).toMatchObject({ total: 1, publishFailures: 1 });
    expect(sync.logs.all.filter((l) => l.level === 50)).toHaveLength(1);

    const failed = Promise.reject(new Error('not connected'));
    const async = setup(() => failed);
    async.channel.send(TOPIC, Buffer.from('{'), BAD_JSON);
    await failed.catch(() => {}); // runs after the channel's own handler, attached first
    expect(async.channel.stats()).toMatchObject({ total: 1, publishFailures: 1 });
  });
});
