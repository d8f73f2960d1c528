import { isUtf8 } from 'node:buffer';
import { type Logger, silentLogger } from '../../common/logger.ts';
import type { Clock } from '../../engine/time/clock.ts';
import type { DecodeErrorCode } from './decode-telemetry.ts';
import type { TopicErrorCode } from './telemetry-topic.ts';

/** Where refused messages go, as JSON {@link DeadLetter}s. */
export const DEAD_LETTER_TOPIC = 'eddy/dead-letters';

/** How much of a refused payload a dead letter carries by default. */
export const DEFAULT_DEAD_LETTER_PAYLOAD_BYTES = 1024;

export type DeadLetterCode = DecodeErrorCode | TopicErrorCode;

/** The JSON published on the dead-letter topic for each refused message. */
export interface DeadLetter {
  /** The topic the refused message arrived on. */
  readonly topic: string;
  readonly code: DeadLetterCode;
  readonly reason: string;
  /** The start of the payload: UTF-8 text, or base64 when the bytes are not UTF-8. */
  readonly payload: string;
  readonly encoding: 'utf8' | 'base64';
  /** Size of the whole original payload in bytes. */
  readonly bytes: number;
  /** True when `payload` holds only the start of the original. */
  readonly truncated: boolean;
  /** Processing time the message was refused at, ISO-8601 UTC. */
  readonly receivedAt: string;
}

/**
 * Builds the dead letter for a refused message. Text is cut on a character boundary.
 *
 * @example
 * toDeadLetter('sensors/a/telemetry', Buffer.from('nope'), { code: 'invalid_json', reason: '…' }, 0);
 * // { topic: 'sensors/a/telemetry', code: 'invalid_json', reason: '…', payload: 'nope', encoding: 'utf8',
 * //   bytes: 4, truncated: false, receivedAt: '1970-01-01T00:00:00.000Z' }
 */
export function toDeadLetter(
  topic: string,
  payload: Buffer,
  failure: { readonly code: DeadLetterCode; readonly reason: string },
  receivedAtMs: number,
  maxPayloadBytes = DEFAULT_DEAD_LETTER_PAYLOAD_BYTES,
): DeadLetter {
  const truncated = payload.length > maxPayloadBytes;
  const textEnd = truncated ? utf8Boundary(payload, maxPayloadBytes) : payload.length;
  const text = payload.subarray(0, textEnd);
  const utf8 = isUtf8(text);
  return {
    topic,
    code: failure.code,
    reason: failure.reason,
    payload: utf8 ? text.toString('utf8') : payload.subarray(0, maxPayloadBytes).toString('base64'),
    encoding: utf8 ? 'utf8' : 'base64',
    bytes: payload.length,
    truncated,
    receivedAt: new Date(receivedAtMs).toISOString(),
  };
}

/** Publishes one message; may return a promise that rejects when publishing failed. */
export type DeadLetterPublish = (topic: string, message: Buffer) => void | Promise<void>;

export interface DeadLetterChannelOptions {
  readonly publish: DeadLetterPublish;
  /** Stamps `receivedAt` and paces the log. */
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Default {@link DEAD_LETTER_TOPIC}. */
  readonly topic?: string;
  /** Default {@link DEFAULT_DEAD_LETTER_PAYLOAD_BYTES}. */
  readonly maxPayloadBytes?: number;
  /** At most one warning per this many ms; the others are counted in the next one (default 10 s). */
  readonly logIntervalMs?: number;
}

export interface DeadLetterStats {
  readonly total: number;
  readonly byCode: Readonly<Partial<Record<DeadLetterCode, number>>>;
  readonly publishFailures: number;
}

/**
 * Counts refused messages by code, publishes each as a {@link DeadLetter}, and logs a warning at
 * most once per interval (a flood of bad messages must not flood the log). Never throws.
 *
 * @example
 * const channel = new DeadLetterChannel({ publish: (topic, msg) => void client.publish(topic, msg), clock: systemClock });
 * channel.send('sensors/a/telemetry', payload, { code: 'invalid_json', reason: 'payload is not valid JSON' });
 * channel.stats(); // { total: 1, byCode: { invalid_json: 1 }, publishFailures: 0 }
 */
export class DeadLetterChannel {
  private readonly publish: DeadLetterPublish;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly topic: string;
  private readonly maxPayloadBytes: number;
  private readonly logIntervalMs: number;

  private total = 0;
  private publishFailures = 0;
  private readonly byCode = new Map<DeadLetterCode, number>();
  private lastLogAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(options: DeadLetterChannelOptions) {
    this.publish = options.publish;
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.topic = options.topic ?? DEAD_LETTER_TOPIC;
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_DEAD_LETTER_PAYLOAD_BYTES;
    this.logIntervalMs = options.logIntervalMs ?? 10_000;
    if (!(this.maxPayloadBytes >= 0)) throw new RangeError('maxPayloadBytes must be >= 0');
    if (!(this.logIntervalMs >= 0)) throw new RangeError('logIntervalMs must be >= 0');
  }

  /** Records and publishes one refused message. */
  send(
    topic: string,
    payload: Buffer,
    failure: { readonly code: DeadLetterCode; readonly reason: string },
  ): void {
    this.total++;
    this.byCode.set(failure.code, (this.byCode.get(failure.code) ?? 0) + 1);
    const now = this.clock.now();
    const letter = toDeadLetter(topic, payload, failure, now, this.maxPayloadBytes);
    this.logPaced(now, letter);
    try {
      const pending = this.publish(this.topic, Buffer.from(JSON.stringify(letter)));
      if (pending !== undefined) pending.catch((error: unknown) => this.publishFailed(error));
    } catch (error) {
      this.publishFailed(error);
    }
  }

  stats(): DeadLetterStats {
    return {
      total: this.total,
      byCode: Object.fromEntries(this.byCode),
      publishFailures: this.publishFailures,
    };
  }

  private logPaced(now: number, letter: DeadLetter): void {
    if (now - this.lastLogAt < this.logIntervalMs) {
      this.suppressed++;
      return;
    }
    this.logger.warn(
      { topic: letter.topic, code: letter.code, suppressed: this.suppressed, deadLetterTopic: this.topic },
      `refused a message: ${letter.reason}` +
        (this.suppressed > 0 ? ` (and ${this.suppressed} more since the last warning)` : ''),
    );
    this.lastLogAt = now;
    this.suppressed = 0;
  }

  private publishFailed(error: unknown): void {
    this.publishFailures++;
    if (this.publishFailures === 1 || this.publishFailures % 1000 === 0) {
      this.logger.error(
        { err: error, failures: this.publishFailures },
        `could not publish a dead letter to ${this.topic}; it is still counted`,
      );
    }
  }
}

/** The end of the longest prefix of at most `max` bytes that does not split a UTF-8 character. */
function utf8Boundary(bytes: Buffer, max: number): number {
  let end = max;
  // Step back over continuation bytes (10xxxxxx) so the cut lands before a character's lead byte.
  while (end > 0 && end > max - 4 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return end;
}
