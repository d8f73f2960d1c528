import type { Reading } from '../../domain/reading.ts';
import type { SourceContext } from '../../engine/api/source.ts';
import type { DeadLetterChannel, DeadLetterStats } from './dead-letters.ts';
import { type DecodeTelemetryOptions, decodeTelemetry } from './decode-telemetry.ts';
import { DeviceTopicCache } from './device-topic-cache.ts';
import { compilePayloadMapping, type PayloadMapping } from './payload-mapping.ts';
import { parseTelemetryTopic, type TelemetryTopicResult } from './telemetry-topic.ts';
import { parseTopicWith, type TopicPattern } from './topic-pattern.ts';

/** Decoder limits a source is configured with; `now` is filled in per message from the Clock. */
export type TelemetryDecodeLimits = Omit<DecodeTelemetryOptions, 'now' | 'payload'>;

export interface TelemetryIngestStats {
  /** Messages handled, good or bad. */
  readonly messages: number;
  /** Readings handed to the job. */
  readonly readings: number;
  /** Messages refused. */
  readonly deadLetters: number;
  readonly deadLettersByCode: DeadLetterStats['byCode'];
  readonly deadLetterPublishFailures: number;
}

/**
 * The path every telemetry message takes, whichever source received it: topic → device id →
 * decode → `ctx.collectBatch(readings)`, or → dead-letter channel. Never throws on bad input; an
 * exception thrown by the job itself (`collectBatch`) is not caught here.
 *
 * @example
 * const ingest = new TelemetryIngest({ ctx, deadLetters, limits: { maxFutureMs: 60_000 } });
 * ingest.handle('sensors/boiler-1/telemetry', Buffer.from('{"ts":1700000000000,"t":21.5}'));
 * ingest.stats().readings; // 1
 */
export class TelemetryIngest {
  private readonly ctx: SourceContext<Reading>;
  private readonly deadLetters: DeadLetterChannel;
  private readonly limits: DecodeTelemetryOptions;
  private readonly parseTopic: (topic: string) => TelemetryTopicResult;
  private readonly bounded: boolean;
  /** Reused for every message when bounds need `now` (saves an allocation per message). */
  private readonly boundedOptions: {
    -readonly [K in keyof DecodeTelemetryOptions]: DecodeTelemetryOptions[K];
  };

  private messages = 0;
  private readings = 0;

  constructor(options: {
    ctx: SourceContext<Reading>;
    deadLetters: DeadLetterChannel;
    limits?: TelemetryDecodeLimits;
    /** Where the device id is in the topic. Default: `sensors/<deviceId>/telemetry`. */
    topics?: readonly TopicPattern[];
    /** Which fields hold the time and the metrics. Default: `ts`, and every other field a metric. */
    payload?: PayloadMapping;
  }) {
    this.ctx = options.ctx;
    this.deadLetters = options.deadLetters;
    const limits = checkLimits(options.limits ?? {});
    this.limits =
      options.payload === undefined ? limits : { ...limits, payload: compilePayloadMapping(options.payload) };
    const topics = new DeviceTopicCache(
      options.topics === undefined ? parseTelemetryTopic : parseTopicWith(options.topics),
    );
    this.parseTopic = (topic) => topics.parse(topic);
    this.bounded = this.limits.maxFutureMs !== undefined || this.limits.maxPastMs !== undefined;
    this.boundedOptions = { ...this.limits };
  }

  /** Handles one message; returns the number of readings it produced (0 when refused). */
  handle(topic: string, payload: Buffer): number {
    this.messages++;
    const parsedTopic = this.parseTopic(topic);
    if (!parsedTopic.ok) {
      this.deadLetters.send(topic, payload, parsedTopic);
      return 0;
    }
    let options: DecodeTelemetryOptions = this.limits;
    if (this.bounded) {
      this.boundedOptions.now = this.ctx.clock.now();
      options = this.boundedOptions;
    }
    const result = decodeTelemetry(parsedTopic.deviceId, payload, options);
    if (!result.ok) {
      this.deadLetters.send(topic, payload, result);
      return 0;
    }
    this.readings += result.readings.length;
    this.ctx.collectBatch(result.readings);
    return result.readings.length;
  }

  stats(): TelemetryIngestStats {
    const dead = this.deadLetters.stats();
    return {
      messages: this.messages,
      readings: this.readings,
      deadLetters: dead.total,
      deadLettersByCode: dead.byCode,
      deadLetterPublishFailures: dead.publishFailures,
    };
  }
}

/** Zeroed stats, for a source that is not open yet. */
export const EMPTY_INGEST_STATS: TelemetryIngestStats = {
  messages: 0,
  readings: 0,
  deadLetters: 0,
  deadLettersByCode: {},
  deadLetterPublishFailures: 0,
};

function checkLimits(limits: TelemetryDecodeLimits): TelemetryDecodeLimits {
  for (const key of ['maxBytes', 'maxRecords'] as const) {
    const value = limits[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new RangeError(`telemetry ${key} must be a positive integer, got ${value}`);
    }
  }
  for (const key of ['maxFutureMs', 'maxPastMs'] as const) {
    const value = limits[key];
    if (value !== undefined && !(value >= 0)) {
      throw new RangeError(`telemetry ${key} must be >= 0 ms, got ${value}`);
    }
  }
  return limits;
}
