import {
  connect,
  ErrorWithReasonCode,
  type IClientOptions,
  type IPublishPacket,
  type MqttClient,
} from 'mqtt';
import { type Logger, silentLogger, stripCredentials } from '../../common/logger.ts';
import type { Reading } from '../../domain/reading.ts';
import type { Source, SourceContext } from '../../engine/api/source.ts';
import { DEAD_LETTER_TOPIC, DeadLetterChannel } from './dead-letters.ts';
import { checkMqttUrl } from './mqtt-url.ts';
import { compilePayloadMapping, type PayloadMapping } from './payload-mapping.ts';
import { subscriptionFilters } from './shared-subscription.ts';
import {
  EMPTY_INGEST_STATS,
  type TelemetryDecodeLimits,
  TelemetryIngest,
  type TelemetryIngestStats,
} from './telemetry-ingest.ts';
import { compileTopicPatterns, type TopicPattern } from './topic-pattern.ts';

export interface MqttSourceOptions {
  /** Broker URL: `mqtt://host:1883` or `mqtts://host:8883`; credentials may be in the URL. */
  readonly url: string;
  /** MQTT client id; mqtt.js picks a random one when omitted. Fix it to keep a persistent session. */
  readonly clientId?: string;
  /** Subscription QoS (default 1). */
  readonly qos?: 0 | 1 | 2;
  /** `open()` fails when not subscribed within this many ms (default 10,000). */
  readonly connectTimeoutMs?: number;
  /** Decoder limits (payload size, records per message, timestamp bounds). */
  readonly limits?: TelemetryDecodeLimits;
  /**
   * Topic patterns to subscribe to, each with a `{device}` level (see `compileTopicPattern`).
   * Default: `sensors/{device}/telemetry`. Overlapping patterns may deliver a message twice.
   */
  readonly topics?: readonly string[];
  /** Which payload fields hold the time and the metrics. Default: Eddy's own format (`ts`). */
  readonly payload?: PayloadMapping;
  /**
   * Join this shared-subscription group (`$share/<group>/…`, see `subscriptionFilters`): each message
   * goes to one member, so sources of one group (one per split, own `clientId`s) decode in parallel.
   */
  readonly sharedGroup?: string;
  /** Default {@link DEAD_LETTER_TOPIC}. */
  readonly deadLetterTopic?: string;
  readonly logger?: Logger;
  /** Default `mqtt-source`. */
  readonly name?: string;
  /** Passed to mqtt.js as is (username, password, TLS `ca`, `clean`, `keepalive`, `reconnectPeriod`…). */
  readonly clientOptions?: Omit<IClientOptions, 'clientId' | 'connectTimeout'>;
}

export interface MqttSourceStats extends TelemetryIngestStats {
  readonly connected: boolean;
  readonly paused: boolean;
  /** Messages received but held back while paused (0 or 1: mqtt.js hands over one at a time). */
  readonly heldMessages: number;
}

interface HeldMessage {
  readonly packet: IPublishPacket;
  readonly done: () => void;
}

/**
 * Telemetry from an MQTT broker (Mosquitto, EMQX, or the embedded Aedes over TCP): subscribes to
 * `sensors/+/telemetry` and turns every message into readings; refused messages go to the
 * dead-letter topic through the same connection. mqtt.js reconnects and resubscribes on its own.
 *
 * Backpressure: messages are taken through mqtt.js's `handleMessage(packet, done)` hook, which
 * hands over one message at a time and reads no further from the socket until `done` is called.
 * `pause()` holds `done` back, so the socket stops being read, TCP fills up and the broker queues
 * (or, at QoS 0, may drop) further messages; `resume()` delivers the held message and calls `done`.
 * The QoS 1 PUBACK goes out when `done` is called, i.e. once the job took the readings.
 *
 * @example
 * const source = new MqttSource({ url: 'mqtt://127.0.0.1:1883', clientId: 'eddy-1' });
 * await source.open(ctx); // resolves once subscribed
 * source.stats();         // { messages, readings, deadLetters, connected: true, … }
 * await source.close();
 */
export class MqttSource implements Source<Reading> {
  readonly name: string;
  private readonly options: MqttSourceOptions;
  private readonly logger: Logger;
  private readonly qos: 0 | 1 | 2;
  private readonly connectTimeoutMs: number;
  private readonly topics: readonly TopicPattern[];
  /** The topics' filters, under `$share/<group>/` for a shared group. */
  private readonly filters: readonly string[];

  private client: MqttClient | undefined;
  private ingest: TelemetryIngest | undefined;
  private paused = false;
  private closed = false;
  private held: HeldMessage | undefined;
  private abortOpen: ((error: Error) => void) | undefined;

  constructor(options: MqttSourceOptions) {
    checkMqttUrl(options.url);
    this.options = options;
    this.name = options.name ?? 'mqtt-source';
    this.logger = options.logger ?? silentLogger;
    this.qos = options.qos ?? 1;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    if (![0, 1, 2].includes(this.qos)) throw new RangeError(`MQTT qos must be 0, 1 or 2, got ${this.qos}`);
    if (!(this.connectTimeoutMs > 0)) throw new RangeError('connectTimeoutMs must be > 0');
    this.topics = compileTopicPatterns(options.topics);
    this.filters = subscriptionFilters(this.topics, options.sharedGroup);
    if (options.payload !== undefined) compilePayloadMapping(options.payload); // fails here, not at open()
  }

  async open(ctx: SourceContext<Reading>): Promise<void> {
    if (this.client !== undefined) throw new Error(`${this.name} is already open`);
    const { url, clientId, clientOptions, deadLetterTopic = DEAD_LETTER_TOPIC } = this.options;
    const deadLetters = new DeadLetterChannel({
      publish: (topic, message) => this.publishDeadLetter(topic, message),
      clock: ctx.clock,
      logger: this.logger,
      topic: deadLetterTopic,
    });
    // Built before connecting: it validates the limits, and a bad limit must not leave a client behind.
    this.ingest = new TelemetryIngest({
      ctx,
      deadLetters,
      limits: this.options.limits ?? {},
      topics: this.topics,
      ...(this.options.payload === undefined ? {} : { payload: this.options.payload }),
    });
    const client = connect(url, {
      ...clientOptions,
      ...(clientId === undefined ? {} : { clientId }),
      connectTimeout: this.connectTimeoutMs,
    });
    this.client = client;
    client.handleMessage = (packet, done) => this.onMessage(packet, done);
    this.watchConnection(client);
    try {
      await this.subscribeWithin(client, ctx);
    } catch (error) {
      this.client = undefined; // open() may be tried again
      await client.endAsync(true).catch(() => {});
      throw error;
    }
    this.logger.info(
      { url: stripCredentials(url), filter: this.filters.join(', '), qos: this.qos },
      'MQTT source subscribed',
    );
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    if (held === undefined || this.closed) return;
    this.held = undefined;
    this.deliver(held.packet);
    held.done();
  }

  /** Ends the connection. A message held while paused is dropped unacknowledged (the broker may redeliver it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abortOpen?.(new Error(`${this.name} was closed before it subscribed`));
    const client = this.client;
    if (client === undefined) return;
    const force = this.held !== undefined;
    this.held = undefined;
    await client.endAsync(force);
  }

  stats(): MqttSourceStats {
    return {
      ...(this.ingest?.stats() ?? EMPTY_INGEST_STATS),
      connected: this.client?.connected ?? false,
      paused: this.paused,
      heldMessages: this.held === undefined ? 0 : 1,
    };
  }

  private onMessage(packet: IPublishPacket, done: () => void): void {
    if (this.closed) return;
    if (this.paused) {
      this.held = { packet, done };
      return;
    }
    this.deliver(packet);
    done();
  }

  private async publishDeadLetter(topic: string, message: Buffer): Promise<void> {
    const client = this.client;
    if (client === undefined) throw new Error(`${this.name} is not connected`);
    await client.publishAsync(topic, message, { qos: 0 });
  }

  private deliver(packet: IPublishPacket): void {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    this.ingest!.handle(packet.topic, payload);
  }

  /** Resolves once connected and subscribed; rejects at the timeout or on a refusal that retrying cannot fix. */
  private subscribeWithin(client: MqttClient, ctx: SourceContext<Reading>): Promise<void> {
    const where = stripCredentials(this.options.url);
    return new Promise<void>((resolve, reject) => {
      let lastError: Error | undefined;
      const finish = (error?: Error) => {
        cancelTimer();
        client.off('connect', onConnect);
        client.off('error', onError);
        this.abortOpen = undefined;
        if (error) reject(error);
        else resolve();
      };
      const cancelTimer = ctx.clock.setTimeout(() => {
        const cause = lastError ? `: ${lastError.message}` : '';
        finish(
          new Error(
            `could not connect to the MQTT broker at ${where} within ${this.connectTimeoutMs} ms${cause}; ` +
              'check that the broker is running and that the URL (--mqtt) is right',
            { cause: lastError },
          ),
        );
      }, this.connectTimeoutMs);
      const onError = (error: Error) => {
        lastError = error;
        if (error instanceof ErrorWithReasonCode) {
          finish(
            new Error(
              `the MQTT broker at ${where} refused the connection (${error.message}); check the credentials`,
              {
                cause: error,
              },
            ),
          );
        }
      };
      const onConnect = () => {
        client.off('connect', onConnect);
        const filters = [...this.filters];
        client.subscribe(filters, { qos: this.qos }, (error, granted) => {
          const refused = granted?.find((grant) => grant.qos >= 0x80);
          const code = refused?.qos ?? 0;
          if (error || refused) {
            finish(
              new Error(
                `the MQTT broker at ${where} refused the subscription to ${refused?.topic ?? filters.join(', ')}` +
                  ` (${error?.message ?? `reason code ${code}`}); check the broker's access control`,
                { cause: error },
              ),
            );
          } else {
            finish();
          }
        });
      };
      this.abortOpen = (error) => finish(error);
      client.on('connect', onConnect);
      client.on('error', onError);
    });
  }

  /** Logs connection losses and recoveries once each, not every failed reconnect attempt. */
  private watchConnection(client: MqttClient): void {
    const where = stripCredentials(this.options.url);
    let everConnected = false;
    let warnedSinceConnect = false;
    client.on('connect', () => {
      if (everConnected) this.logger.info({ url: where }, 'MQTT source reconnected');
      everConnected = true;
      warnedSinceConnect = false;
    });
    client.on('offline', () => {
      if (everConnected && !this.closed && !warnedSinceConnect) {
        warnedSinceConnect = true;
        this.logger.warn({ url: where }, 'MQTT source lost its connection; reconnecting');
      }
    });
    client.on('error', (error) => {
      if (everConnected && !warnedSinceConnect) {
        warnedSinceConnect = true;
        this.logger.warn({ url: where, err: error }, `MQTT source connection error: ${error.message}`);
      } else {
        this.logger.debug({ url: where, err: error }, 'MQTT connection error');
      }
    });
  }
}
