import { type Cancel, type Clock, systemClock } from '../services/engine/time/clock.ts';
import { Fleet, type FleetMessage } from './fleet.ts';
import type { FleetOptions } from './fleet-options.ts';
import type { AnomalyLabel } from './ground-truth.ts';
import type { Publisher, QoS } from './publisher.ts';

export interface FleetRunnerOptions {
  /** A fleet, or the options of one (`startTime` then defaults to the clock's now). */
  readonly fleet: Fleet | (Omit<FleetOptions, 'startTime'> & { readonly startTime?: number });
  readonly publisher: Publisher;
  /** Processing time (default the system clock). Real-time runs pace themselves by its timers. */
  readonly clock?: Clock;
  readonly qos?: QoS;
  /** Publish as fast as possible instead of in real time (event times stay simulated). */
  readonly fast?: boolean;
  /** Receives each ground-truth label as its anomaly ends (or is cut short by stop()). */
  readonly onAnomaly?: (label: AnomalyLabel) => void;
  /** Publishes awaited together before publishing more (default 1000). */
  readonly maxInFlight?: number;
}

/** What a run has done so far. */
export interface RunStats {
  /** MQTT messages published, duplicates and malformed ones included. */
  readonly messages: number;
  /** Readings in the messages published, each counted once (a duplicate's copy adds none). */
  readonly readings: number;
  /** Anomalies injected so far. */
  readonly anomalies: number;
  /** Ground-truth labels handed to `onAnomaly`. */
  readonly labels: number;
  readonly faults: {
    readonly outOfOrder: number;
    readonly late: number;
    readonly duplicates: number;
    readonly malformed: number;
  };
  /** Processing time since the run started, ms. */
  readonly elapsedMs: number;
  /** Event time of the latest message published, or undefined before the first. */
  readonly eventTime: number | undefined;
  readonly state: 'idle' | 'running' | 'done' | 'stopped' | 'failed';
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Drives a {@link Fleet} through a {@link Publisher}: in real time (a message goes out when the
 * clock reaches its `publishAt`, shifted so the fleet's start is the run's start), or in `fast`
 * mode as fast as the publisher takes them. A finite fleet's run ends at its duration: delayed
 * messages still pending then are published at once. An unlimited one runs until {@link stop}.
 *
 * @example
 * const runner = new FleetRunner({ fleet: { seed: 1, devices: 20, durationMs: 60_000 }, publisher });
 * const stats = await runner.run(); // about 60 s later: stats.readings === 1200
 */
export class FleetRunner {
  readonly fleet: Fleet;
  private readonly publisher: Publisher;
  private readonly clock: Clock;
  private readonly qos: QoS;
  private readonly fast: boolean;
  private readonly onAnomaly: (label: AnomalyLabel) => void;
  private readonly maxInFlight: number;
  private counts: Mutable<Omit<RunStats, 'faults'>> & { faults: Mutable<RunStats['faults']> };
  private startedAt = 0;
  private endedAt: number | undefined;
  private offset = 0;
  private deadline: number | undefined;
  private lookahead: FleetMessage | undefined;
  private cancelTimer: Cancel | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private settle: { resolve: (s: RunStats) => void; reject: (e: Error) => void } | undefined;
  private done: Promise<RunStats> | undefined;

  constructor(options: FleetRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.fleet =
      options.fleet instanceof Fleet
        ? options.fleet
        : new Fleet({ ...options.fleet, startTime: options.fleet.startTime ?? this.clock.now() });
    this.publisher = options.publisher;
    this.qos = options.qos ?? 0;
    this.fast = options.fast ?? false;
    this.onAnomaly = options.onAnomaly ?? (() => {});
    this.maxInFlight = options.maxInFlight ?? 1_000;
    if (!(Number.isInteger(this.maxInFlight) && this.maxInFlight >= 1)) {
      throw new RangeError(`maxInFlight must be an integer >= 1, got ${this.maxInFlight}`);
    }
    this.counts = {
      messages: 0,
      readings: 0,
      anomalies: 0,
      labels: 0,
      faults: { outOfOrder: 0, late: 0, duplicates: 0, malformed: 0 },
      elapsedMs: 0,
      eventTime: undefined,
      state: 'idle',
    };
  }

  /** Starts the run (once); resolves with the final stats when it ends, rejects if publishing fails. */
  run(): Promise<RunStats> {
    if (this.done) return this.done;
    this.done = new Promise<RunStats>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.counts.state = 'running';
    this.startedAt = this.clock.now();
    this.offset = this.startedAt - this.fleet.startTime;
    const end = this.fleet.endTime;
    this.deadline = end === undefined ? undefined : end + this.offset;
    if (this.fast) void this.runFast();
    else this.step();
    return this.done;
  }

  /** Stops publishing; resolves once the publishes in flight have settled. Safe to call any time. */
  async stop(): Promise<RunStats> {
    if (this.counts.state === 'running') {
      this.counts.state = 'stopped';
      this.endedAt = this.clock.now();
      this.cancelTimer?.();
      // In real time, the readings due by now have gone out: anomalies in progress end after them.
      this.fleet.stop(this.fast ? undefined : this.endedAt - this.offset + 1);
      this.emitLabels();
      await Promise.allSettled([...this.inflight]);
      this.settle?.resolve(this.stats());
    } else if (this.counts.state === 'idle') {
      this.counts.state = 'stopped';
    }
    return this.stats();
  }

  stats(): RunStats {
    const elapsedMs = this.counts.state === 'idle' ? 0 : (this.endedAt ?? this.clock.now()) - this.startedAt;
    return {
      ...this.counts,
      anomalies: this.fleet.anomaliesStarted,
      faults: { ...this.counts.faults },
      elapsedMs,
    };
  }

  /** Real time: publish what is due, then sleep until the next message (or the deadline). */
  private readonly step = (): void => {
    this.cancelTimer = undefined;
    if (this.counts.state !== 'running') return;
    const now = this.clock.now();
    const pastDeadline = this.deadline !== undefined && now >= this.deadline;
    const pending: Promise<void>[] = [];
    try {
      for (;;) {
        const message = this.peek();
        if (!message || (!pastDeadline && message.publishAt + this.offset > now)) break;
        this.lookahead = undefined;
        const promise = this.publishOne(message);
        if (promise) pending.push(promise);
        if (pending.length >= this.maxInFlight) break;
      }
      this.emitLabels();
    } catch (error) {
      this.fail(error);
      return;
    }
    if (pending.length > 0) {
      Promise.all(pending).then(this.step, (error) => this.fail(error));
      return;
    }
    const next = this.peek();
    if (!next && (this.deadline === undefined || now >= this.deadline)) {
      this.finish();
      return;
    }
    let at = next ? next.publishAt + this.offset : Number.POSITIVE_INFINITY;
    if (this.deadline !== undefined) at = Math.min(at, this.deadline);
    this.cancelTimer = this.clock.setTimeout(this.step, Math.max(0, at - now));
  };

  private async runFast(): Promise<void> {
    try {
      while (this.counts.state === 'running') {
        const pending: Promise<void>[] = [];
        let exhausted = false;
        for (let n = 0; n < this.maxInFlight; n++) {
          const message = this.fleet.next();
          if (!message) {
            exhausted = true;
            break;
          }
          const promise = this.publishOne(message);
          if (promise) pending.push(promise);
        }
        this.emitLabels();
        if (pending.length > 0) await Promise.all(pending);
        if (exhausted) {
          this.finish();
          return;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private peek(): FleetMessage | undefined {
    this.lookahead ??= this.fleet.next();
    return this.lookahead;
  }

  private publishOne(message: FleetMessage): Promise<void> | undefined {
    if (this.counts.state !== 'running') return undefined;
    const result = this.publisher.publish(message.topic, message.payload, { qos: this.qos });
    this.count(message);
    if (!result) return undefined;
    const tracked = result.catch((error: unknown) => {
      throw new Error(`publishing to ${message.topic} failed: ${(error as Error)?.message ?? error}`, {
        cause: error,
      });
    });
    this.inflight.add(tracked);
    const forget = () => this.inflight.delete(tracked);
    tracked.then(forget, forget);
    return tracked;
  }

  private count(message: FleetMessage): void {
    const c = this.counts;
    c.messages++;
    if (c.eventTime === undefined || message.eventTime > c.eventTime) c.eventTime = message.eventTime;
    if (message.faults.length === 0) {
      c.readings += message.readings;
      return;
    }
    if (message.faults.includes('duplicate')) {
      c.faults.duplicates++;
      return;
    }
    c.readings += message.readings;
    for (const fault of message.faults) {
      if (fault === 'out-of-order') c.faults.outOfOrder++;
      else if (fault === 'late') c.faults.late++;
      else if (fault === 'malformed') c.faults.malformed++;
    }
  }

  private emitLabels(): void {
    for (const label of this.fleet.takeAnomalies()) {
      this.counts.labels++;
      this.onAnomaly(label);
    }
  }

  private finish(): void {
    if (this.counts.state !== 'running') return;
    this.emitLabels();
    this.counts.state = 'done';
    this.endedAt = this.clock.now();
    this.settle?.resolve(this.stats());
  }

  private fail(error: unknown): void {
    if (this.counts.state !== 'running') return;
    this.counts.state = 'failed';
    this.endedAt = this.clock.now();
    this.cancelTimer?.();
    this.fleet.stop();
    this.emitLabels();
    this.settle?.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
