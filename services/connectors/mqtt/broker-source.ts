import type { Aedes, AedesPublishPacket } from 'aedes';
import { type Logger, silentLogger } from '../../common/logger.ts';
import type { Reading } from '../../domain/reading.ts';
import type { Source, SourceContext } from '../../engine/api/source.ts';
import { DEAD_LETTER_TOPIC, DeadLetterChannel } from './dead-letters.ts';
import { compilePayloadMapping, type PayloadMapping } from './payload-mapping.ts';
import {
  EMPTY_INGEST_STATS,
  type TelemetryDecodeLimits,
  TelemetryIngest,
  type TelemetryIngestStats,
} from './telemetry-ingest.ts';
import { compileTopicPatterns, type TopicPattern } from './topic-pattern.ts';

export interface BrokerSourceOptions {
  /** The embedded broker (`startEmbeddedBroker().broker`). */
  readonly broker: Aedes;
  /** Decoder limits (payload size, records per message, timestamp bounds). */
  readonly limits?: TelemetryDecodeLimits;
  /**
   * Topic patterns to subscribe to, each with a `{device}` level (see `compileTopicPattern`).
   * Default: `sensors/{device}/telemetry`. Overlapping patterns may deliver a message twice.
   */
  readonly topics?: readonly string[];
  /** Which payload fields hold the time and the metrics. Default: Eddy's own format (`ts`). */
  readonly payload?: PayloadMapping;
  /** Default {@link DEAD_LETTER_TOPIC}. */
  readonly deadLetterTopic?: string;
  readonly logger?: Logger;
  /** Default `broker-source`. */
  readonly name?: string;
}

export interface BrokerSourceStats extends TelemetryIngestStats {
  readonly subscribed: boolean;
  readonly paused: boolean;
  /** Deliveries held back while paused (at most the broker's `concurrency`, 100 by default). */
  readonly heldMessages: number;
}

interface HeldDelivery {
  readonly packet: AedesPublishPacket;
  readonly done: () => void;
}

/**
 * Telemetry straight from the embedded Aedes broker, in process: `broker.subscribe(filter, fn)`
 * instead of a loopback MQTT client, which skips encoding, TCP and parsing (~3x the throughput,
 * see ARCHITECTURE.md). Refused messages are published on the dead-letter topic with `broker.publish`.
 *
 * Backpressure: Aedes finishes a publish only when every subscriber called back, and reads a
 * client's socket again only when every publish of its previous chunk finished. `pause()` holds
 * the callbacks: the publishing devices' sockets stop being read (TCP pushes back on them), and each
 * held delivery keeps one of the broker's `concurrency` slots (100 by default). With all slots held
 * the whole broker waits, including deliveries to other subscribers (e.g. an alert consumer) and
 * `$SYS` heartbeats, so keep pauses short. `resume()` delivers the held messages in order.
 *
 * Acknowledgements: Aedes sends the QoS 1 PUBACK to the device *before* it publishes to
 * subscribers, so this path cannot delay acks until a checkpoint completes; a message taken here
 * and lost in a crash is not redelivered. (A QoS 2 PUBREC does wait for the publish, hence for a
 * held callback, but that still acknowledges before a checkpoint.) Ack-on-checkpoint needs an
 * external broker with a persistent session through {@link MqttSource}, or an Aedes persistence hook.
 *
 * @example
 * const { broker } = await startEmbeddedBroker({ port: 0 });
 * const source = new BrokerSource({ broker });
 * await source.open(ctx);
 */
export class BrokerSource implements Source<Reading> {
  readonly name: string;
  private readonly options: BrokerSourceOptions;
  private readonly broker: Aedes;
  private readonly logger: Logger;
  private readonly topics: readonly TopicPattern[];

  private ingest: TelemetryIngest | undefined;
  private subscribed = false;
  private paused = false;
  private closed = false;
  private readonly held: HeldDelivery[] = [];

  /** The subscription's identity for Aedes: subscribe and unsubscribe need the same function. */
  private readonly onDelivery = (packet: AedesPublishPacket, done: () => void): void => {
    if (this.closed) {
      done();
      return;
    }
    if (this.paused) {
      this.held.push({ packet, done });
      return;
    }
    this.deliver(packet);
    done();
  };

  constructor(options: BrokerSourceOptions) {
    this.options = options;
    this.broker = options.broker;
    this.name = options.name ?? 'broker-source';
    this.logger = options.logger ?? silentLogger;
    this.topics = compileTopicPatterns(options.topics);
    if (options.payload !== undefined) compilePayloadMapping(options.payload); // fails here, not at open()
  }

  async open(ctx: SourceContext<Reading>): Promise<void> {
    if (this.ingest !== undefined) throw new Error(`${this.name} is already open`);
    if (this.broker.closed)
      throw new Error(`${this.name}: the embedded broker is closed; start it before the job`);
    const deadLetters = new DeadLetterChannel({
      publish: (topic, message) => this.publish(topic, message),
      clock: ctx.clock,
      logger: this.logger,
      topic: this.options.deadLetterTopic ?? DEAD_LETTER_TOPIC,
    });
    this.ingest = new TelemetryIngest({
      ctx,
      deadLetters,
      limits: this.options.limits ?? {},
      topics: this.topics,
      ...(this.options.payload === undefined ? {} : { payload: this.options.payload }),
    });
    for (const { filter } of this.topics) {
      await new Promise<void>((resolve) => this.broker.subscribe(filter, this.onDelivery, resolve));
    }
    this.subscribed = true;
    const filters = this.topics.map((t) => t.filter);
    this.logger.info({ filter: filters.join(', ') }, 'broker source subscribed to the embedded broker');
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    // The job may pause again while taking a held message: stop there, keep the rest held.
    while (!this.paused && !this.closed) {
      const next = this.held.shift();
      if (next === undefined) break;
      this.deliver(next.packet);
      next.done();
    }
  }

  /** Unsubscribes. Deliveries held while paused are released to the broker without being emitted. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { done } of this.held.splice(0)) done();
    if (!this.subscribed) return;
    this.subscribed = false;
    for (const { filter } of this.topics) {
      await new Promise<void>((resolve) => this.broker.unsubscribe(filter, this.onDelivery, resolve));
    }
  }

  stats(): BrokerSourceStats {
    return {
      ...(this.ingest?.stats() ?? EMPTY_INGEST_STATS),
      subscribed: this.subscribed,
      paused: this.paused,
      heldMessages: this.held.length,
    };
  }

  private deliver(packet: AedesPublishPacket): void {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    this.ingest!.handle(packet.topic, payload);
  }

  private publish(topic: string, payload: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.broker.publish({ cmd: 'publish', topic, payload, qos: 0, dup: false, retain: false }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }
}
