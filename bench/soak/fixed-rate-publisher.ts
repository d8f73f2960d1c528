/**
 * The soak test's devices: one mqtt.js client publishing telemetry at a fixed rate (QoS 1,
 * `sensors/<id>/telemetry`, `{"ts": now, "temperature": ...}`), the device ids rotating, probes
 * and spikes reported to whoever measures them.
 */
import type { MqttClient } from 'mqtt';
import {
  generationAt,
  isProbeIndex,
  messageDevice,
  type RotationPlan,
  seededNormal,
  spikeAfterMs,
} from './device-rotation.ts';

/** What the publisher is told. */
export interface FixedRatePublisherOptions extends RotationPlan {
  readonly client: MqttClient;
  /** Messages per second. */
  readonly rate: number;
  /** Metric names each message carries. */
  readonly metrics: readonly string[];
  /** A spike this often (on a device of the current set that has warmed up). */
  readonly spikeEveryMs: number;
  /** Unacknowledged publishes at most; beyond that sending waits. */
  readonly maxInFlight: number;
  readonly seed: number;
  /** A probe's message was published (its readings' predictions should reach InfluxDB), from {@link PROBE_AFTER_MS} on. */
  onProbe?(device: string, ts: number, publishedAt: number): void;
  /** A spiked reading was published (an alert should follow). */
  onSpike?(device: string, metric: string, ts: number, publishedAt: number): void;
}

/** Counters of a {@link FixedRatePublisher}. */
export interface PublisherStats {
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  /** Messages the rate asked for but that were not sent (held back by `maxInFlight`). */
  readonly behind: number;
  readonly spikes: number;
  readonly generation: number;
}

/** Spike size in noise deviations: far past the default set's threshold of 5. */
const SPIKE_SIGMAS = 100;
const NOISE = 0.5;
const TICK_MS = 5;
/**
 * A probe's readings count from this age of its set on: the default job's forecaster (Holt-Winters
 * on a 1 s grid) writes no prediction before it can forecast, for a series' first few seconds.
 */
export const PROBE_AFTER_MS = 5_000;

/**
 * Publishes `rate` messages a second from `devices` devices round robin until {@link stop}.
 *
 * @example
 * const p = new FixedRatePublisher({ client, rate: 2000, devices: 1000, rotateEveryMs: 30_000,
 *   probeEvery: 50, metrics: ['temperature'], spikeEveryMs: 5_000, maxInFlight: 10_000, seed: 1 });
 * p.start(); // ... p.stats() ... await p.stop();
 */
export class FixedRatePublisher {
  private readonly noise: () => number;
  private readonly spikeAfter: number;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private acked = 0;
  private failed = 0;
  private spikes = 0;
  private generation = 0;
  /** Device index of the current set whose next message carries a spike. */
  private spikeIndex: number | undefined;
  private nextSpikeAt = 0;
  private spikeCursor = 0;

  constructor(private readonly options: FixedRatePublisherOptions) {
    this.noise = seededNormal(options.seed);
    this.spikeAfter = spikeAfterMs(options, options.rate);
  }

  /** Whether spikes can happen at all (a set lives longer than the detectors' warm-up). */
  get spikesPossible(): boolean {
    return this.spikeAfter < this.options.rotateEveryMs;
  }

  start(): void {
    this.startedAt = Date.now();
    this.nextSpikeAt = this.startedAt + this.options.spikeEveryMs;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stats(): PublisherStats {
    const due = this.timer
      ? Math.floor(((Date.now() - this.startedAt) * this.options.rate) / 1000)
      : this.sent;
    return {
      sent: this.sent,
      acked: this.acked,
      failed: this.failed,
      behind: Math.max(0, due - this.sent),
      spikes: this.spikes,
      generation: this.generation,
    };
  }

  /** Stops sending and waits (at most `timeoutMs`) for the outstanding acknowledgements. */
  async stop(timeoutMs = 30_000): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const until = Date.now() + timeoutMs;
    while (this.acked + this.failed < this.sent && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private tick(): void {
    const now = Date.now();
    const elapsed = now - this.startedAt;
    const generation = generationAt(elapsed, this.options.rotateEveryMs);
    if (generation !== this.generation) {
      this.generation = generation;
      this.spikeIndex = undefined;
      this.spikeCursor = 0;
    }
    const age = elapsed - generation * this.options.rotateEveryMs;
    if (now >= this.nextSpikeAt) {
      this.nextSpikeAt += this.options.spikeEveryMs;
      if (age >= this.spikeAfter && this.spikeIndex === undefined) this.spikeIndex = this.nextSpikeIndex();
    }
    const due = Math.floor((elapsed * this.options.rate) / 1000);
    while (this.sent < due && this.sent - this.acked - this.failed < this.options.maxInFlight) {
      this.publish(generation, now, age);
    }
  }

  /** Spread over the set (a stride of 37), never a probe: their predictions stay ordinary. */
  private nextSpikeIndex(): number | undefined {
    const { devices, probeEvery } = this.options;
    for (let tries = 0; tries < devices; tries++) {
      const index = (this.spikeCursor++ * 37 + 1) % devices;
      if (!isProbeIndex(index, probeEvery)) return index;
    }
    return undefined;
  }

  private publish(generation: number, now: number, age: number): void {
    const seq = this.sent++;
    const index = seq % this.options.devices;
    const device = messageDevice(this.options, generation, seq);
    const spike = index === this.spikeIndex;
    const base = 20 + (index % 10);
    const payload: Record<string, number> = { ts: now };
    for (const [i, metric] of this.options.metrics.entries()) {
      payload[metric] = base + i * 10 + NOISE * this.noise() + (spike && i === 0 ? SPIKE_SIGMAS * NOISE : 0);
    }
    this.options.client.publish(
      `sensors/${device}/telemetry`,
      JSON.stringify(payload),
      { qos: 1 },
      (error) => {
        if (error) this.failed++;
        else this.acked++;
      },
    );
    if (spike) {
      this.spikeIndex = undefined;
      this.spikes++;
      this.options.onSpike?.(device, this.options.metrics[0] as string, now, now);
    }
    if (age >= PROBE_AFTER_MS && isProbeIndex(index, this.options.probeEvery))
      this.options.onProbe?.(device, now, now);
  }
}
