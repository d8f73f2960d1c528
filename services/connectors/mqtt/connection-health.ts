import type { Clock } from '../../engine/time/clock.ts';

/** The state of one MQTT connection, for `GET /api/health` and `/metrics`. Plain data. */
export interface MqttConnectionStatus {
  readonly connected: boolean;
  /** Epoch ms at which the connection was lost; only while it is down (after it was up once). */
  readonly downSince?: number;
  /** The last connection error (or why the connection closed), kept after a recovery. */
  readonly lastError?: string;
  /** Times the connection came back after it was lost. */
  readonly reconnects: number;
  /** Reconnection attempts since the connection was lost (0 while connected). */
  readonly attempts: number;
}

/**
 * Follows the connection events of one MQTT client and tells whether it is up, since when it is
 * down and why. Pure (time from the injected `Clock`); `superviseReconnects` feeds it mqtt.js events.
 *
 * @example
 * const health = new MqttConnectionHealth(new ManualClock(1_000));
 * health.connected();                       // up
 * health.lost();                            // at 1000: down
 * health.error('connect ECONNREFUSED 127.0.0.1:1883');
 * health.status(); // { connected: false, downSince: 1000, lastError: 'connect ECONNREFUSED …', reconnects: 0, attempts: 0 }
 * health.connected();
 * health.status(); // { connected: true, lastError: 'connect ECONNREFUSED …', reconnects: 1, attempts: 0 }
 */
export class MqttConnectionHealth {
  private up = false;
  private everUp = false;
  private since: number | undefined;
  private lastError: string | undefined;
  private errorSinceUp = false;
  private reconnects = 0;
  private attempts = 0;

  constructor(private readonly clock: Clock) {}

  /** A CONNACK accepted the connection. */
  connected(): void {
    if (this.everUp && !this.up) this.reconnects++;
    this.up = true;
    this.everUp = true;
    this.since = undefined;
    this.attempts = 0;
    this.errorSinceUp = false;
  }

  /** The connection closed (or an attempt failed); `reason` when nothing more specific was reported. */
  lost(reason = 'the connection to the broker closed'): void {
    if (this.up) {
      this.up = false;
      this.since = this.clock.now();
      if (!this.errorSinceUp) this.lastError = reason;
    }
  }

  /** A connection error (socket error, refused CONNECT, the broker's DISCONNECT reason). */
  error(message: string): void {
    this.lastError = message;
    this.errorSinceUp = true;
  }

  /** A reconnection attempt starts. */
  attempt(): void {
    if (!this.up) this.attempts++;
  }

  status(): MqttConnectionStatus {
    return {
      connected: this.up,
      ...(this.since === undefined ? {} : { downSince: this.since }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      reconnects: this.reconnects,
      attempts: this.attempts,
    };
  }
}
