import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { type Logger, silentLogger, stripCredentials } from '../../common/logger.ts';
import { createRandom } from '../../common/random.ts';
import type { Reading } from '../../domain/reading.ts';
import type { Source, SourceContext } from '../../engine/api/source.ts';
import { validateBackoff } from '../influx/retry-backoff.ts';
import type { MqttSourceCheckpoint } from './ack-ledger.ts';
import { type CheckpointAckSettings, CheckpointAcks, checkpointAckSettings } from './checkpoint-acks.ts';
import { checkpointStateFor } from './checkpoint-state.ts';
import { MqttConnectionHealth } from './connection-health.ts';
import { DEAD_LETTER_TOPIC, DeadLetterChannel } from './dead-letters.ts';
import { subscribeWithin } from './mqtt-connection.ts';
import type { MqttSourceOptions, MqttSourceStats } from './mqtt-source-options.ts';
import { checkMqttUrl } from './mqtt-url.ts';
import { compilePayloadMapping } from './payload-mapping.ts';
import { DEFAULT_RECONNECT_BACKOFF, ReconnectBackoff } from './reconnect-backoff.ts';
import { subscriptionFilters } from './shared-subscription.ts';
import { superviseReconnects } from './supervise-reconnects.ts';
import { EMPTY_INGEST_STATS, TelemetryIngest } from './telemetry-ingest.ts';
import { compileTopicPatterns, type TopicPattern } from './topic-pattern.ts';

/** mqtt.js's per-packet debug log, replaced (see `open`): a `clientOptions.log` of your own wins. */
const NO_CLIENT_LOG = (): void => {};

export type { MqttSourceOptions, MqttSourceStats } from './mqtt-source-options.ts';

interface HeldMessage {
  readonly packet: IPublishPacket;
  readonly done: (error?: Error) => void;
}

/** The engine's optional services to this source: checkpoint requests, input availability. */
interface EngineHooks {
  readonly requestCheckpoint?: () => void;
  /**
   * Where the engine offers it: the source cannot read its input (the broker is away), so event
   * time must not move on with the clock meanwhile (quiet period, idleness); `false` once it can.
   */
  readonly markUnavailable?: (unavailable: boolean) => void;
}

/**
 * Telemetry from an MQTT broker (Mosquitto, EMQX, or the embedded Aedes over TCP): subscribes to
 * `sensors/+/telemetry` and turns every message into readings; refused messages go to the
 * dead-letter topic through the same connection.
 *
 * Broker outages: mqtt.js reconnects on its own, waiting `reconnectBackoff` between attempts
 * (500 ms doubling to 30 s, jittered; see `superviseReconnects`), under the same client id. With
 * `ackOn: 'checkpoint'` the session is persistent: the broker keeps the subscriptions (mqtt.js
 * resubscribes only when the broker lost the session) and resends the unacknowledged messages,
 * which the ack ledger recognises. `stats().connection` says whether the connection is up, since
 * when it is down, the last error and how often it came back (`/api/health`, `/metrics`).
 *
 * Backpressure: messages are taken through mqtt.js's `handleMessage(packet, done)` hook, which
 * hands over one message at a time and reads no further from the socket until `done` is called.
 * `pause()` holds `done` back, so the socket stops being read, TCP fills up and the broker queues
 * (or, at QoS 0, may drop) further messages; `resume()` delivers the held message and calls `done`.
 * The QoS 1 PUBACK goes out when `done` is called, i.e. once the job took the readings.
 *
 * Exactly once (`ackOn: 'checkpoint'`, Flink's ack-on-checkpoint sources): QoS 1 subscriptions in a
 * persistent session (`clean: false`, the caller's `clientId`, MQTT 5 Session Expiry Interval).
 * PUBACKs are held: messages taken since the last checkpoint are pending; `snapshotState(N)` makes
 * them covered by N and returns the packet ids (and fingerprints) of every message whose PUBACK the
 * broker may not have processed; `notifyCheckpointComplete(N)` acknowledges everything covered by
 * N and before; an aborted checkpoint's messages wait for the next one that completes. After a
 * crash the broker resends the unacknowledged messages with their ids and DUP set: those of the
 * restored state are acknowledged and dropped, the others delivered (`AckLedger` in ack-ledger.ts
 * says why an id cannot be confused with another message's). The broker sends at most `maxUnacknowledged`
 * (MQTT 5 Receive Maximum) unacknowledged messages; at `requestCheckpointAt` the source asks for a
 * checkpoint. Measured with Mosquitto 2.0.11: an MQTT 5 client that sends a Receive Maximum gets
 * that many in flight whatever `max_inflight_messages` says (100 with the default 20; 50 with
 * 100); an MQTT 5 client without one, and an MQTT 3.1.1 client, get `max_inflight_messages`
 * (default 20; 0 is unlimited). So over MQTT 5 (the default) nothing is needed on Mosquitto for
 * the window, but `max_queued_messages` (default 1000) bounds the backlog kept while Eddy is down
 * or stalled, and a broker needs persistence for the session to survive its own restart. Over
 * MQTT 3.1.1 (`clientOptions.protocolVersion: 4`) set `maxUnacknowledged` to the broker's
 * in-flight limit. An MQTT 5 session without an expiry interval ends at disconnection (then
 * nothing is redelivered), hence `sessionExpirySeconds`.
 *
 * @example
 * const source = new MqttSource({ url: 'mqtt://127.0.0.1:1883', clientId: 'eddy-1' });
 * await source.open(ctx); // resolves once subscribed
 * source.stats();         // { messages, readings, deadLetters, connected: true, … }
 * await source.close();
 *
 * // Exactly once: the runtime restores, snapshots and completes checkpoints.
 * const exact = new MqttSource({ url, clientId: 'eddy-ingest-0', ackOn: 'checkpoint' });
 * exact.restoreState(stateOfCheckpoint41); // before open(), when restoring
 * await exact.open(ctx);
 * const state = exact.snapshotState(42);   // between two records, before the barrier
 * exact.notifyCheckpointComplete(42);      // PUBACKs for everything checkpoint 42 holds
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
  private readonly ackSettings: CheckpointAckSettings | undefined;
  private acks: CheckpointAcks | undefined;
  private restoredState: readonly MqttSourceCheckpoint[] = [];

  private client: MqttClient | undefined;
  private ingest: TelemetryIngest | undefined;
  private paused = false;
  private closed = false;
  private held: HeldMessage | undefined;
  private connection: MqttConnectionHealth | undefined;
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
    if (options.reconnectBackoff !== undefined) validateBackoff(options.reconnectBackoff);
    if (options.ackOn !== undefined && options.ackOn !== 'receipt' && options.ackOn !== 'checkpoint') {
      throw new RangeError(`ackOn must be 'receipt' or 'checkpoint', got ${JSON.stringify(options.ackOn)}`);
    }
    this.ackSettings =
      options.ackOn === 'checkpoint'
        ? checkpointAckSettings({
            clientId: options.clientId,
            qos: options.qos,
            clean: options.clientOptions?.clean,
            protocolVersion: options.clientOptions?.protocolVersion,
            maxUnacknowledged: options.maxUnacknowledged,
            requestCheckpointAt: options.requestCheckpointAt,
            sessionExpirySeconds: options.sessionExpirySeconds,
          })
        : undefined;
  }

  /** Called before `open()` with what {@link snapshotState} returned in the restored checkpoint. */
  restoreState(state: unknown): void {
    if (this.ackSettings === undefined) return; // acknowledged on receipt: there is no position to restore
    if (this.client !== undefined)
      throw new Error(`${this.name}: restoreState() must be called before open()`);
    this.restoredState = checkpointStateFor(state, this.ackSettings.clientId);
  }

  /**
   * Checkpoint `checkpointId` is being taken (between two records): the messages taken since the
   * last one are covered by it. Returns the source's position (plain data), or `undefined` when
   * messages are acknowledged on receipt.
   */
  snapshotState(checkpointId: number): unknown {
    return this.acks?.snapshot(checkpointId);
  }

  /** Checkpoint `checkpointId` is durable: PUBACKs for every message it (or an earlier one) covers. */
  notifyCheckpointComplete(checkpointId: number): void {
    this.acks?.complete(checkpointId);
  }

  /** Checkpoint `checkpointId` was abandoned: its messages stay unacknowledged until a later one completes. */
  notifyCheckpointAborted(checkpointId: number): void {
    this.logger.debug({ checkpointId }, `${this.name}: checkpoint aborted; its messages wait for the next`);
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
    let acks: CheckpointAcks | undefined;
    if (this.ackSettings !== undefined) {
      acks = new CheckpointAcks(this.ackSettings, this.logger, stripCredentials(url));
      acks.restore(this.restoredState);
    }
    // A reconnectPeriod in clientOptions is kept as is (fixed, or 0: no reconnection).
    const backoff =
      clientOptions?.reconnectPeriod === undefined
        ? new ReconnectBackoff(
            this.options.reconnectBackoff ?? DEFAULT_RECONNECT_BACKOFF,
            createRandom(ctx.clock.now()),
          )
        : undefined;
    const options: IClientOptions = {
      // mqtt.js logs through `debug` per packet; off, each call still checks whether it is on
      // (~4% of a QoS 0 message's cost). Eddy logs the connection's events itself.
      log: NO_CLIENT_LOG,
      ...clientOptions,
      ...(backoff === undefined ? {} : { reconnectPeriod: backoff.firstDelay() }),
      ...(clientId === undefined ? {} : { clientId }),
      connectTimeout: this.connectTimeoutMs,
    };
    const client = connect(url, acks?.clientOptions(options) ?? options);
    this.client = client;
    this.acks = acks;
    const connection = new MqttConnectionHealth(ctx.clock);
    this.connection = connection;
    const engine = ctx as SourceContext<Reading> & EngineHooks;
    const where = stripCredentials(url);
    // Until subscribed the broker cannot deliver: that wait is not silence (quiet period, idleness).
    engine.markUnavailable?.(true);
    // Each outage once (lost, then back), from the connection's health: not every failed attempt.
    superviseReconnects(client, connection, backoff, (down) => {
      if (down && this.closed) return;
      engine.markUnavailable?.(down);
      if (!down) this.logger.info({ url: where }, 'MQTT source reconnected');
      else {
        const reason = connection.status().lastError ?? 'the connection closed';
        this.logger.warn({ url: where }, `MQTT source lost its connection (${reason}); reconnecting`);
      }
    });
    client.on('error', (error) => this.logger.debug({ url: where, err: error }, 'MQTT connection error'));
    acks?.attach(client, () => engine.requestCheckpoint?.());
    client.handleMessage = (packet, done) => this.onMessage(packet, done);
    try {
      await subscribeWithin(client, {
        filters: this.filters,
        qos: this.qos,
        where,
        timeoutMs: this.connectTimeoutMs,
        clock: ctx.clock,
        onAbortable: (abort) => (this.abortOpen = abort),
      });
    } catch (error) {
      this.client = undefined; // open() may be tried again
      this.acks = undefined;
      this.connection = undefined;
      await client.endAsync(true).catch(() => {});
      throw error;
    }
    engine.markUnavailable?.(false);
    this.logger.info(
      { url: where, filter: this.filters.join(', '), qos: this.qos, ackOn: this.options.ackOn ?? 'receipt' },
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
    this.take(held.packet, held.done);
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
    this.acks?.writeCompletedNow(); // PUBACKs still waiting for their slice go before the DISCONNECT
    await client.endAsync(force);
  }

  stats(): MqttSourceStats {
    return {
      ...(this.ingest?.stats() ?? EMPTY_INGEST_STATS),
      connected: this.client?.connected ?? false,
      paused: this.paused,
      heldMessages: this.held === undefined ? 0 : 1,
      ...(this.acks === undefined ? {} : { checkpointAcks: this.acks.stats() }),
      ...(this.connection === undefined ? {} : { connection: this.connection.status() }),
    };
  }

  private onMessage(packet: IPublishPacket, done: (error?: Error) => void): void {
    if (this.closed) return;
    if (this.paused) {
      this.held = { packet, done };
      return;
    }
    this.take(packet, done);
  }

  /** Delivers a message, then lets mqtt.js read on (`done`) and, unless held, acknowledge it. */
  private take(packet: IPublishPacket, done: (error?: Error) => void): void {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (this.acks === undefined) {
      this.ingest!.handle(packet.topic, payload);
      done();
    } else {
      this.acks.take(packet, payload, () => this.ingest!.handle(packet.topic, payload), done);
    }
  }

  private async publishDeadLetter(topic: string, message: Buffer): Promise<void> {
    const client = this.client;
    if (client === undefined) throw new Error(`${this.name} is not connected`);
    await client.publishAsync(topic, message, { qos: 0 });
  }
}
