import type { Publisher } from '../../../simulators/publisher.ts';
import { type Logger, silentLogger } from '../../common/logger.ts';
import { createRandom, type Random } from '../../common/random.ts';
import type { AnomalyEvent } from '../../domain/anomaly.ts';
import type { Sink, SinkContext } from '../../engine/api/sink.ts';
import type { Cancel, Clock } from '../../engine/time/clock.ts';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../influx/retry-backoff.ts';
import { alertPayload, alertTopic } from './alert-message.ts';

export interface AlertSinkOptions {
  /** Where alerts go: an MQTT client (`MqttPublisher`) or the embedded broker; QoS 1. */
  readonly publisher: Publisher;
  readonly name?: string;
  /** Alerts published at once, awaiting their PUBACK (default 64); the rest wait in order. */
  readonly maxInFlight?: number;
  /** Alerts waiting past this many are still kept, with one warning (default 10 000). */
  readonly maxQueued?: number;
  /** Delays between retries of a failed publish (default 200 ms doubling to 10 s, jittered). */
  readonly backoff?: BackoffOptions;
  /** How long `close()` waits for the last PUBACKs before giving them up (default 10 s). */
  readonly closeTimeoutMs?: number;
  readonly logger?: Logger;
  /** Default: the sink context's clock. */
  readonly clock?: Clock;
  /** Jitter of the retries (default seeded from the clock). */
  readonly random?: Random;
}

/** What an alert sink has done so far (for logs and `/metrics`). */
export interface AlertSinkStats {
  readonly published: number;
  readonly retries: number;
  readonly inFlight: number;
  readonly queued: number;
  readonly dropped: number;
  readonly lastError?: string;
}

interface Alert {
  readonly seq: number;
  readonly topic: string;
  readonly payload: string;
  attempts: number;
}

/**
 * Publishes each anomaly event as JSON ({@link alertPayload}) to `alerts/<deviceId>` with QoS 1.
 *
 * - At most `maxInFlight` publishes wait for their PUBACK at once; later alerts queue in order.
 * - A publish that fails (the broker is gone, the client closing) is logged and retried with
 *   jittered exponential backoff until it succeeds: an alert is never given up while the sink is
 *   open, and nothing here throws into the job.
 * - `flush()` resolves once every alert written before the call is acknowledged (PUBACK), so a
 *   checkpoint that flushes its sinks covers them (after a restore, alerts since the checkpoint
 *   are published again: at least once). `close()` flushes for at most `closeTimeoutMs`, then
 *   gives up what is left (logged) and rejects.
 *
 * @example
 * const alerts = new MqttAlertSink({ publisher: await MqttPublisher.connect({ url }), logger });
 * await alerts.open({ clock: systemClock });
 * alerts.write(event, event.ts); // → alerts/boiler-1 {"device":"boiler-1",...}
 * await alerts.flush();          // PUBACK received
 */
export class MqttAlertSink implements Sink<AnomalyEvent> {
  readonly name: string;
  private readonly publisher: Publisher;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private readonly backoff: BackoffOptions;
  private readonly closeTimeoutMs: number;
  private readonly logger: Logger;
  private clock: Clock | undefined;
  private random: Random | undefined;
  private readonly queue: Alert[] = [];
  private readonly inFlight = new Map<number, Alert>();
  private readonly retryTimers = new Set<Cancel>();
  private waiters: { target: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private nextSeq = 0;
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | undefined;
  private warnedFull = false;
  private counts = { published: 0, retries: 0, dropped: 0 };
  private lastError: string | undefined;

  constructor(private readonly options: AlertSinkOptions) {
    this.name = options.name ?? 'mqtt:alerts';
    this.publisher = options.publisher;
    this.maxInFlight = options.maxInFlight ?? 64;
    this.maxQueued = options.maxQueued ?? 10_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.logger = options.logger ?? silentLogger;
    if (!(Number.isInteger(this.maxInFlight) && this.maxInFlight >= 1))
      throw new RangeError(`${this.name}: maxInFlight must be a whole number >= 1, got ${this.maxInFlight}`);
  }

  async open(ctx: SinkContext): Promise<void> {
    if (this.state !== 'new') throw new Error(`${this.name}: open() was already called`);
    this.clock = this.options.clock ?? ctx.clock;
    this.random = this.options.random ?? createRandom(this.clock.now());
    this.state = 'open';
    this.pump();
  }

  write(event: AnomalyEvent): void {
    if (this.state === 'closing' || this.state === 'closed')
      throw new Error(`${this.name}: write() after close(); the alert was not published`);
    this.queue.push({
      seq: this.nextSeq++,
      topic: alertTopic(event.device),
      payload: alertPayload(event),
      attempts: 0,
    });
    if (this.queue.length > this.maxQueued && !this.warnedFull) {
      this.warnedFull = true;
      this.logger.warn(
        { sink: this.name, queued: this.queue.length, lastError: this.lastError },
        `${this.name}: ${this.queue.length} alerts wait for the broker (maxQueued ${this.maxQueued}); still accepting more`,
      );
    }
    this.pump();
  }

  /** Resolves once every alert written before the call is acknowledged by the broker. */
  flush(): Promise<void> {
    const target = this.nextSeq;
    if (this.settledBelow() >= target) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ target, resolve, reject }));
  }

  /** Flushes (for at most `closeTimeoutMs`, then gives up the rest and rejects) and stops retrying. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  stats(): AlertSinkStats {
    return {
      ...this.counts,
      inFlight: this.inFlight.size,
      queued: this.queue.length,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** Every alert with a lower sequence number is acknowledged (or given up at close). */
  private settledBelow(): number {
    let lowest = this.queue[0]?.seq ?? this.nextSeq;
    for (const seq of this.inFlight.keys()) lowest = Math.min(lowest, seq);
    return lowest;
  }

  private pump(): void {
    if (this.state !== 'open' && this.state !== 'closing') return;
    while (this.inFlight.size < this.maxInFlight && this.queue.length > 0) {
      const alert = this.queue.shift()!;
      this.inFlight.set(alert.seq, alert);
      this.send(alert);
    }
  }

  private send(alert: Alert): void {
    alert.attempts++;
    let sent: Promise<void> | void;
    try {
      sent = this.publisher.publish(alert.topic, alert.payload, { qos: 1 });
    } catch (error) {
      sent = Promise.reject(error);
    }
    Promise.resolve(sent).then(
      () => this.acknowledged(alert),
      (error: unknown) => this.failed(alert, error),
    );
  }

  private acknowledged(alert: Alert): void {
    if (!this.inFlight.delete(alert.seq)) return; // given up at close meanwhile
    this.counts.published++;
    this.pump();
    this.settle();
  }

  private failed(alert: Alert, error: unknown): void {
    if (!this.inFlight.has(alert.seq)) return;
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = message;
    this.counts.retries++;
    const delay = backoffDelay(alert.attempts, this.random!, this.backoff);
    this.logger.warn(
      { sink: this.name, topic: alert.topic, attempt: alert.attempts, retryInMs: delay, err: error },
      `${this.name}: publishing to ${alert.topic} failed (${message}); retrying in ${delay} ms`,
    );
    const cancel = this.clock!.setTimeout(() => {
      this.retryTimers.delete(cancel);
      if (this.inFlight.has(alert.seq)) this.send(alert);
    }, delay);
    this.retryTimers.add(cancel);
  }

  private settle(): void {
    if (this.waiters.length === 0) return;
    const below = this.settledBelow();
    this.waiters = this.waiters.filter((waiter) => {
      if (below < waiter.target) return true;
      waiter.resolve();
      return false;
    });
  }

  private async shutDown(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    try {
      if (wasOpen) await this.flushWithin(this.closeTimeoutMs);
      else if (this.queue.length > 0) throw this.abandon(`${this.name} was closed before it was open`);
    } finally {
      for (const cancel of this.retryTimers) cancel();
      this.retryTimers.clear();
      this.state = 'closed';
    }
  }

  private flushWithin(timeoutMs: number): Promise<void> {
    const flushed = this.flush();
    return new Promise((resolve, reject) => {
      const cancel = this.clock!.setTimeout(() => {
        reject(this.abandon(`the broker did not acknowledge them within ${timeoutMs} ms of close()`));
      }, timeoutMs);
      flushed.then(() => {
        cancel();
        resolve();
      }, reject);
    });
  }

  /** Gives up every unacknowledged alert (counted as dropped), fails pending flushes, returns the error. */
  private abandon(why: string): Error {
    const lost = this.queue.length + this.inFlight.size;
    const error = new Error(
      `${this.name}: gave up ${lost} alerts: ${why} (last error: ${this.lastError ?? 'none'})`,
    );
    this.logger.error({ sink: this.name, lost }, error.message);
    this.counts.dropped += lost;
    this.queue.length = 0;
    this.inFlight.clear();
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
    return error;
  }
}
