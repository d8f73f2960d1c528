import type { IClientOptions } from 'mqtt';
import type { Logger } from '../../common/logger.ts';
import type { BackoffOptions } from '../influx/retry-backoff.ts';
import type { CheckpointAckStats } from './checkpoint-acks.ts';
import type { MqttConnectionStatus } from './connection-health.ts';
import type { DEAD_LETTER_TOPIC } from './dead-letters.ts';
import type { PayloadMapping } from './payload-mapping.ts';
import type { DEFAULT_RECONNECT_BACKOFF } from './reconnect-backoff.ts';
import type { TelemetryDecodeLimits, TelemetryIngestStats } from './telemetry-ingest.ts';

/** How an {@link MqttSource} connects, what it subscribes to, and when it acknowledges. */
export interface MqttSourceOptions {
  /** Broker URL: `mqtt://host:1883` or `mqtts://host:8883`; credentials may be in the URL. */
  readonly url: string;
  /**
   * MQTT client id; mqtt.js picks a random one when omitted. Fix it to keep a persistent session.
   * Required with `ackOn: 'checkpoint'`, and unique per source (one per split of a shared group).
   */
  readonly clientId?: string;
  /** Subscription QoS (default 1; must be 1 with `ackOn: 'checkpoint'`). */
  readonly qos?: 0 | 1 | 2;
  /**
   * When QoS 1 messages are acknowledged (PUBACK) to the broker:
   * - `'receipt'` (default): once the job took the readings. A crash loses the readings in flight
   *   in the job (at most once for them); everything else is delivered once.
   * - `'checkpoint'`: once the checkpoint whose state holds them completed, so that after a crash
   *   the broker redelivers exactly what the restored state lacks: with sinks that overwrite
   *   (InfluxDB points), results are exactly once. Needs a stable `clientId`; uses a persistent
   *   MQTT 5 session (see {@link MqttSource} for what the broker must allow).
   */
  readonly ackOn?: 'receipt' | 'checkpoint';
  /**
   * With `ackOn: 'checkpoint'`: messages that may await their checkpoint at once, sent to the
   * broker as the MQTT 5 Receive Maximum (default 10,000; at most 65,535). The broker sends no
   * more until PUBACKs come, so the stream stalls there unless a checkpoint completes.
   */
  readonly maxUnacknowledged?: number;
  /**
   * With `ackOn: 'checkpoint'`: once this many messages await their PUBACK, the source asks the
   * runtime for a checkpoint (`ctx.requestCheckpoint`) instead of stalling. Default: half of `maxUnacknowledged`.
   */
  readonly requestCheckpointAt?: number;
  /**
   * With `ackOn: 'checkpoint'` over MQTT 5: how long the broker keeps the session (subscriptions,
   * unacknowledged and queued messages) while Eddy is down, in seconds (default 604,800: a week;
   * 4,294,967,295: never expires). Down for longer, Eddy loses what was published meanwhile.
   */
  readonly sessionExpirySeconds?: number;
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
  /**
   * Waits between reconnection attempts after the broker connection is lost: exponential from
   * `baseMs`, capped at `maxMs`, jittered (default {@link DEFAULT_RECONNECT_BACKOFF}: 500 ms to 30 s,
   * up to half shorter at random). Not used when `clientOptions.reconnectPeriod` is set (fixed).
   */
  readonly reconnectBackoff?: BackoffOptions;
  /**
   * Passed to mqtt.js as is (username, password, TLS `ca`, `clean`, `keepalive`…). A
   * `reconnectPeriod` there replaces `reconnectBackoff` by that fixed period (0: never reconnect).
   */
  readonly clientOptions?: Omit<IClientOptions, 'clientId' | 'connectTimeout'>;
}

export interface MqttSourceStats extends TelemetryIngestStats {
  readonly connected: boolean;
  readonly paused: boolean;
  /** Messages received but held back while paused (0 or 1: mqtt.js hands over one at a time). */
  readonly heldMessages: number;
  /** With `ackOn: 'checkpoint'`: messages awaiting their checkpoint, redeliveries dropped, early checkpoints asked for. */
  readonly checkpointAcks?: CheckpointAckStats;
  /** Once opened: whether the broker connection is up, since when it is down, the last error, reconnections. */
  readonly connection?: MqttConnectionStatus;
}
