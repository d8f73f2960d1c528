import type { Random } from '../services/common/random.ts';
import { AnomalyInjector, type AnomalyOptions } from './anomaly-injector.ts';
import { DEVICE_KINDS, type DeviceKind } from './device-kinds.ts';
import type { AnomalyLabel } from './ground-truth.ts';
import { METRIC_PROFILES, type MetricName, publishedValue } from './metric-profiles.ts';
import { deviceStream } from './seeded-streams.ts';
import { drawSignal, type SignalParams, sampleValue } from './signal-model.ts';

/** One reading as published: `{ ts, <metric>: value, ... }`, `ts` first. */
export type TelemetryReading = { ts: number } & Record<string, number>;

export interface SimulatedDeviceOptions {
  readonly seed: number;
  readonly id: string;
  readonly kind: DeviceKind;
  /** Event time of the fleet's first reading (drift is measured from it). */
  readonly origin: number;
  readonly intervalMs: number;
  readonly anomalies: AnomalyOptions;
}

/**
 * One simulated device: its kind's metrics, each a signal with parameters drawn from the seed, and
 * an {@link AnomalyInjector}. Call {@link read} once per reading tick, in time order.
 *
 * @example
 * const d = new SimulatedDevice({ seed: 1, id: 'sim-0001', kind: 'env', origin: 0, intervalMs: 1000,
 *   anomalies: { ratePerHour: 0 } });
 * d.read(0, (label) => {}); // { ts: 0, temperature: 17.93, humidity: 52.1 } (numbers depend on the seed)
 */
export class SimulatedDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly metrics: readonly MetricName[];
  readonly topic: string;
  /** Per-metric signal parameters, in {@link metrics} order. */
  readonly signals: readonly SignalParams[];
  private readonly noise: Random;
  private readonly injector: AnomalyInjector;

  constructor(options: SimulatedDeviceOptions) {
    const { seed, id, kind, origin } = options;
    this.id = id;
    this.kind = kind;
    this.metrics = DEVICE_KINDS[kind];
    this.topic = `sensors/${id}/telemetry`;
    const params = deviceStream(seed, id, 'params');
    this.signals = this.metrics.map((m) => drawSignal(METRIC_PROFILES[m], params, origin));
    this.noise = deviceStream(seed, id, 'noise');
    this.injector = new AnomalyInjector(id, this.metrics, deviceStream(seed, id, 'anomalies'), {
      ...options.anomalies,
      intervalMs: options.intervalMs,
      origin,
    });
  }

  /**
   * The reading at tick `ts`, or `undefined` while the device is in a dropout. Labels of anomalies
   * that ended by `ts` go to `onLabel`.
   */
  read(ts: number, onLabel: (label: AnomalyLabel) => void): TelemetryReading | undefined {
    const finished = this.injector.advance(ts);
    if (finished) onLabel(finished);
    const reading: TelemetryReading = { ts } as TelemetryReading;
    for (let i = 0; i < this.metrics.length; i++) {
      const metric = this.metrics[i]!;
      const normal = sampleValue(this.signals[i]!, ts, this.noise);
      const value = this.injector.apply(metric, normal, ts);
      reading[metric] = publishedValue(METRIC_PROFILES[metric], value);
    }
    return this.injector.silent(ts) ? undefined : reading;
  }

  /** Anomalies started so far. */
  get anomaliesStarted(): number {
    return this.injector.startedCount;
  }

  /** The anomaly in progress (with its planned end), if any. */
  get activeAnomaly(): AnomalyLabel | undefined {
    return this.injector.active;
  }

  /** Stops at event time `at`: the label of an anomaly still in progress, clipped to `at`. */
  finish(at: number): AnomalyLabel | undefined {
    return this.injector.finish(at);
  }
}
