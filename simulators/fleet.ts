import type { Random } from '../services/common/random.ts';
import { deviceIdOf, kindOfDevice } from './device-kinds.ts';
import { type FleetOptions, type ResolvedFleetOptions, resolveFleetOptions } from './fleet-options.ts';
import type { AnomalyLabel } from './ground-truth.ts';
import { malformPayload, pickMalformation } from './malformed-payload.ts';
import { decideFaults, type FaultKind } from './network-faults.ts';
import { PublishQueue } from './publish-queue.ts';
import { deviceStream } from './seeded-streams.ts';
import { SimulatedDevice, type TelemetryReading } from './simulated-device.ts';

/** One MQTT message of the fleet, in publish order. */
export interface FleetMessage {
  /** `sensors/<deviceId>/telemetry`. */
  readonly topic: string;
  /** JSON `{"ts":…,"<metric>":…}`, an array of those when batching, or a malformed payload. */
  readonly payload: string;
  /** Event time of the (last) reading in the message, epoch ms. */
  readonly eventTime: number;
  /** Processing time the message is published at, epoch ms (>= eventTime; later when delayed). */
  readonly publishAt: number;
  readonly device: string;
  /** Readings the message carries (also when its payload is malformed). */
  readonly readings: number;
  /** Delivery faults applied; a duplicate's copy carries `duplicate`. */
  readonly faults: readonly FaultKind[];
}

/**
 * A seeded device fleet: a pure, deterministic sequence of {@link FleetMessage}s in publish order.
 * Same options, same messages, byte for byte. Nothing here reads a clock: event times come from
 * `startTime` and the rate, publish times from event times and the drawn delays.
 *
 * Every device reads at the same ticks (`startTime + round(k * 1000 / rate)`); a message leaves when
 * a device has `batchSize` readings; delayed messages are held in a queue until their time comes.
 * Labels of anomalies are collected as they end: drain them with {@link takeAnomalies}.
 *
 * @example
 * const fleet = new Fleet({ seed: 1, devices: 2, startTime: 0, durationMs: 2_000 });
 * [...fleet].map((m) => `${m.topic}@${m.publishAt}`);
 * // ['sensors/sim-0001/telemetry@0', 'sensors/sim-0002/telemetry@0',
 * //  'sensors/sim-0001/telemetry@1000', 'sensors/sim-0002/telemetry@1000']
 */
export class Fleet implements Iterable<FleetMessage> {
  readonly options: ResolvedFleetOptions;
  readonly devices: readonly SimulatedDevice[];
  private readonly faultRandoms: readonly Random[];
  private readonly buffers: TelemetryReading[][];
  private readonly queue = new PublishQueue<FleetMessage>();
  private labels: AnomalyLabel[] = [];
  private readonly collectLabel = (label: AnomalyLabel) => this.labels.push(label);
  private tick = 0;
  private generating = true;
  private readingCount = 0;

  constructor(options: FleetOptions) {
    const o = resolveFleetOptions(options);
    this.options = o;
    this.devices = Array.from(
      { length: o.devices },
      (_, i) =>
        new SimulatedDevice({
          seed: o.seed,
          id: deviceIdOf(i, o.idPrefix),
          kind: kindOfDevice(i, o.kinds),
          origin: o.startTime,
          intervalMs: o.intervalMs,
          anomalies: o.anomalies,
        }),
    );
    this.faultRandoms = this.devices.map((d) => deviceStream(o.seed, d.id, 'faults'));
    this.buffers = this.devices.map(() => []);
  }

  get startTime(): number {
    return this.options.startTime;
  }

  /** Exclusive end of event time, or undefined for an unlimited fleet. */
  get endTime(): number | undefined {
    const { durationMs, startTime } = this.options;
    return durationMs === undefined ? undefined : startTime + durationMs;
  }

  /** Event time of reading tick `k`. */
  tickTime(k: number): number {
    return this.options.startTime + Math.round((k * 1_000) / this.options.ratePerSecond);
  }

  /** The next message in publish order, or undefined once a finite fleet has sent everything. */
  next(): FleetMessage | undefined {
    for (;;) {
      const at = this.queue.peekAt();
      if (at !== undefined && (!this.generating || at <= this.tickTime(this.tick))) return this.queue.pop();
      if (!this.generating) return undefined;
      this.generateTick();
    }
  }

  [Symbol.iterator](): Iterator<FleetMessage> {
    return {
      next: () => {
        const value = this.next();
        return value === undefined ? { done: true, value: undefined } : { done: false, value };
      },
    };
  }

  /** Labels of the anomalies that ended since the last call (all of them once a finite fleet is done). */
  takeAnomalies(): AnomalyLabel[] {
    const taken = this.labels;
    this.labels = [];
    return taken;
  }

  /** Anomalies in progress, with their planned ends. */
  activeAnomalies(): AnomalyLabel[] {
    return this.devices.flatMap((d) => d.activeAnomaly ?? []);
  }

  /** Anomalies started so far. */
  get anomaliesStarted(): number {
    return this.devices.reduce((sum, d) => sum + d.anomaliesStarted, 0);
  }

  /** Readings generated so far (some may still wait in a batch or a delay). */
  get readingsGenerated(): number {
    return this.readingCount;
  }

  /**
   * Stops generating (a run cut short): no further message comes out, and the labels of anomalies
   * in progress are closed at event time `at` (default and at most: the end of the readings
   * generated so far). Take them with {@link takeAnomalies}.
   */
  stop(at?: number): void {
    if (!this.generating && this.queue.size === 0) return;
    const horizon = this.tickTime(this.tick);
    this.finishAnomalies(at === undefined ? horizon : Math.min(at, horizon));
    this.generating = false;
    while (this.queue.size > 0) this.queue.pop();
  }

  private generateTick(): void {
    const ts = this.tickTime(this.tick);
    const end = this.endTime;
    if (end !== undefined && ts >= end) {
      for (let i = 0; i < this.devices.length; i++) this.release(i);
      this.finishAnomalies(end);
      this.generating = false;
      return;
    }
    for (let i = 0; i < this.devices.length; i++) {
      const reading = this.devices[i]!.read(ts, this.collectLabel);
      if (!reading) continue;
      this.readingCount++;
      const buffer = this.buffers[i]!;
      buffer.push(reading);
      if (buffer.length >= this.options.batchSize) this.release(i);
    }
    this.tick++;
  }

  private finishAnomalies(at: number): void {
    for (const device of this.devices) {
      const label = device.finish(at);
      if (label) this.labels.push(label);
    }
  }

  /** Turns device `i`'s buffered readings into a message (and maybe its duplicate) in the queue. */
  private release(i: number): void {
    const readings = this.buffers[i]!;
    const last = readings[readings.length - 1];
    if (!last) return;
    this.buffers[i] = [];
    const device = this.devices[i]!;
    const random = this.faultRandoms[i]!;
    const fault = decideFaults(this.options.faults, random);
    const batched = this.options.batchSize > 1;
    const payload = fault.malformed
      ? malformPayload(readings, pickMalformation(random), batched)
      : JSON.stringify(batched ? readings : last);
    const faults: FaultKind[] = [];
    if (fault.delay) faults.push(fault.delay);
    if (fault.malformed) faults.push('malformed');
    const message: FleetMessage = {
      topic: device.topic,
      payload,
      eventTime: last.ts,
      publishAt: last.ts + fault.delayMs,
      device: device.id,
      readings: readings.length,
      faults,
    };
    this.queue.push(message.publishAt, message);
    if (fault.duplicateAfterMs !== undefined) {
      const publishAt = message.publishAt + fault.duplicateAfterMs;
      this.queue.push(publishAt, { ...message, publishAt, faults: [...faults, 'duplicate'] });
    }
  }
}

/**
 * All messages and labels of a finite fleet (one with `durationMs`), for tests, evaluation and
 * benchmarks.
 *
 * @example
 * const { messages, anomalies } = generateFleet({ seed: 7, devices: 3, startTime: 0, durationMs: 60_000 });
 */
export function generateFleet(options: FleetOptions): {
  messages: FleetMessage[];
  anomalies: AnomalyLabel[];
} {
  if (options.durationMs === undefined) {
    throw new RangeError(
      'generateFleet needs durationMs: an unlimited fleet never ends, iterate a Fleet instead',
    );
  }
  const fleet = new Fleet(options);
  const messages = [...fleet];
  return { messages, anomalies: fleet.takeAnomalies() };
}
