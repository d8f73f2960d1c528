import type { MqttClient } from 'mqtt';
import { createRandom } from '../../services/common/random.ts';

/**
 * A known fleet stream for end-to-end tests whose results are computed here, independently of
 * Eddy: one reading per device per event-time second with two metrics, some swapped with the same
 * device's next reading (1 s out of order, within a 2 s bound), and the 10 s tumbling windows a run
 * without faults writes for it.
 */

export const T0 = 1_700_000_000_000; // a multiple of 10 s

export interface SentReading {
  readonly device: string;
  readonly ts: number;
  readonly temperature: number;
  readonly humidity: number;
}

export interface WindowStats {
  count: number;
  mean: number;
  min: number;
  max: number;
  stddev: number;
}

/** `seconds` of readings for `devices`, deterministic for `seed`. */
export function knownStream(devices: readonly string[], seconds: number, seed: number): SentReading[] {
  const random = createRandom(seed);
  const sent: SentReading[] = [];
  for (let s = 0; s < seconds; s++) {
    for (const [d, device] of devices.entries()) {
      sent.push({
        device,
        ts: T0 + s * 1_000,
        temperature: Math.round((20 + d + 5 * Math.sin(s / 17) + random.next()) * 100) / 100,
        humidity: Math.round((40 + 10 * Math.cos(s / 23) + 2 * random.next()) * 100) / 100,
      });
    }
  }
  for (let i = 0; i + devices.length < sent.length; i += devices.length * 3) {
    const j = i + devices.length;
    [sent[i], sent[j]] = [sent[j]!, sent[i]!];
  }
  return sent;
}

/** What a run without faults writes to `window_agg`: `device|metric|windowStart` → aggregates. */
export function expectedWindows(sent: readonly SentReading[]): Map<string, WindowStats> {
  const values = new Map<string, number[]>();
  for (const r of sent) {
    const start = r.ts - ((r.ts - T0) % 10_000);
    for (const metric of ['temperature', 'humidity'] as const) {
      const key = `${r.device}|${metric}|${start}`;
      values.set(key, [...(values.get(key) ?? []), r[metric]]);
    }
  }
  const windows = new Map<string, WindowStats>();
  for (const [key, vs] of values) {
    const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
    const variance = vs.reduce((a, v) => a + (v - mean) ** 2, 0) / vs.length;
    windows.set(key, {
      count: vs.length,
      mean,
      min: Math.min(...vs),
      max: Math.max(...vs),
      stddev: Math.sqrt(variance),
    });
  }
  return windows;
}

/** Publishes `readings` at QoS 1 to `sensors/<device>/telemetry`, `perTick` at a time every `tickMs`. */
export async function publishPaced(
  client: MqttClient,
  readings: readonly SentReading[],
  perTick: number,
  tickMs: number,
): Promise<void> {
  for (let i = 0; i < readings.length; i += perTick) {
    await Promise.all(
      readings
        .slice(i, i + perTick)
        .map((r) =>
          client.publishAsync(
            `sensors/${r.device}/telemetry`,
            JSON.stringify({ ts: r.ts, temperature: r.temperature, humidity: r.humidity }),
            { qos: 1 },
          ),
        ),
    );
    if (tickMs > 0) await new Promise((resolve) => setTimeout(resolve, tickMs)); // pacing, not waiting for a condition
  }
}
