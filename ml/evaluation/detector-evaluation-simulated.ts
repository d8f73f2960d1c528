import { generateFleet } from '../../simulators/fleet.ts';
import type { AnomalyLabel } from '../../simulators/ground-truth.ts';
import type { AnomalyWindow, LabelledSeries } from './nab/labelled-series.ts';

/** What simulated fleet to evaluate on (as `eddy simulate`'s flags). */
export interface SimulatedDataOptions {
  readonly devices: number;
  readonly seed: number;
  /** Event time covered, in minutes. */
  readonly minutes: number;
  /** Anomalies per device-hour (default 6). */
  readonly anomalyRatePerHour?: number;
  /** Readings per second per device (default 1). */
  readonly ratePerSecond?: number;
  /** Event time of the first reading (default 2024-01-01T00:00:00Z). */
  readonly startTime?: number;
  /** Records after a label's end still inside its window (default 30): detection may lag a little. */
  readonly graceRecords?: number;
}

/**
 * A labelled fleet generated in memory by the simulator itself (`generateFleet`, no network
 * faults): one series per (device, metric) named `<device>/<metric>.csv` (NAB result files need `.csv`), with a window per ground-truth
 * label of that device and metric (a dropout, which has no metric, on each of the device's series).
 * A window runs from the label's start to `graceRecords` readings after its end (a dropout's end
 * being the first reading after the silence, where a detector of records can first see it); a
 * window of fewer than two readings is left out, overlapping ones are merged (NAB's rules).
 *
 * @example
 * simulatedSeries({ devices: 2, seed: 1, minutes: 60 }).map((s) => s.name);
 * // ["sim-0001/humidity.csv", "sim-0001/temperature.csv", ...]
 */
export function simulatedSeries(options: SimulatedDataOptions): LabelledSeries[] {
  const ratePerSecond = options.ratePerSecond ?? 1;
  const { messages, anomalies } = generateFleet({
    seed: options.seed,
    devices: options.devices,
    startTime: options.startTime ?? Date.UTC(2024, 0, 1),
    durationMs: options.minutes * 60_000,
    ratePerSecond,
    anomalies: { ratePerHour: options.anomalyRatePerHour ?? 6 },
  });
  const byKey = new Map<string, { device: string; metric: string; ts: number[]; values: number[] }>();
  for (const message of messages) {
    const { ts, ...metrics } = JSON.parse(message.payload) as { ts: number } & Record<string, number>;
    for (const [metric, value] of Object.entries(metrics)) {
      const key = `${message.device}/${metric}.csv`;
      let s = byKey.get(key);
      if (!s) {
        s = { device: message.device, metric, ts: [], values: [] };
        byKey.set(key, s);
      }
      s.ts.push(ts);
      s.values.push(value);
    }
  }
  const grace = (options.graceRecords ?? 30) * (1000 / ratePerSecond);
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, s]) => ({
      name,
      timestamps: s.ts,
      values: s.values,
      windows: windowsOf(
        anomalies.filter((l) => l.device === s.device && (l.metric === s.metric || l.metric === null)),
        s.ts,
        grace,
      ),
    }));
}

function windowsOf(labels: readonly AnomalyLabel[], ts: readonly number[], grace: number): AnomalyWindow[] {
  const windows: AnomalyWindow[] = [];
  for (const label of [...labels].sort((a, b) => a.start - b.start)) {
    const end = label.kind === 'dropout' ? (ts.find((t) => t >= label.end) ?? label.end) : label.end - 1;
    const window = { startMs: label.start, endMs: end + grace };
    const inside = ts.filter((t) => t >= window.startMs && t <= window.endMs).length;
    if (inside < 2) continue;
    const last = windows[windows.length - 1];
    if (last !== undefined && window.startMs <= last.endMs) {
      windows[windows.length - 1] = { startMs: last.startMs, endMs: Math.max(last.endMs, window.endMs) };
    } else windows.push(window);
  }
  return windows;
}
