import { describe, expect, it } from 'vitest';
import { createRandom } from '../../services/common/random.ts';
import { AnomalyInjector } from '../../simulators/anomaly-injector.ts';
import { Fleet, type FleetMessage } from '../../simulators/fleet.ts';
import type { FleetOptions } from '../../simulators/fleet-options.ts';
import type { AnomalyLabel } from '../../simulators/ground-truth.ts';
import { METRIC_PROFILES, type MetricName } from '../../simulators/metric-profiles.ts';
import { type ContractReading, parseTelemetry } from './telemetry-contract.ts';

const options: FleetOptions = {
  seed: 11,
  devices: 10,
  startTime: Date.UTC(2024, 5, 1),
  durationMs: 4 * 3_600_000,
  anomalies: { ratePerHour: 6 },
};

/** Readings by `device|ts`. */
function readingsOf(messages: readonly FleetMessage[]): Map<string, ContractReading> {
  const map = new Map<string, ContractReading>();
  for (const m of messages) {
    const { device, readings } = parseTelemetry(m.topic, m.payload);
    for (const r of readings) map.set(`${device}|${r.ts}`, r);
  }
  return map;
}

function run(o: FleetOptions) {
  const fleet = new Fleet(o);
  const messages = [...fleet];
  return { fleet, messages, labels: fleet.takeAnomalies() };
}

describe('injected anomalies', () => {
  const anomalous = run(options);
  const baseline = run({ ...options, anomalies: { ratePerHour: 0 } });
  const data = readingsOf(anomalous.messages);
  const normal = readingsOf(baseline.messages);
  const ticks = Array.from({ length: 4 * 3_600 }, (_, k) => options.startTime + k * 1_000);
  const inWindow = (label: AnomalyLabel) => ticks.filter((t) => t >= label.start && t < label.end);

  it('labels every anomaly it injects, of every kind, without overlaps per device', () => {
    const { fleet, labels } = anomalous;
    expect(labels.length).toBe(fleet.anomaliesStarted);
    expect(labels.length).toBeGreaterThan(150);
    expect(new Set(labels.map((l) => l.kind))).toEqual(new Set(['spike', 'level_shift', 'stuck', 'dropout']));
    expect(baseline.labels).toEqual([]);
    for (const device of fleet.devices) {
      const mine = labels.filter((l) => l.device === device.id).sort((a, b) => a.start - b.start);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.start).toBeGreaterThanOrEqual(mine[i - 1]!.end);
      for (const l of mine) {
        expect(l.start).toBeLessThan(l.end);
        expect(l.end).toBeLessThanOrEqual(options.startTime + options.durationMs!);
        expect((l.start - options.startTime) % 1_000).toBe(0);
        if (l.kind === 'dropout') expect(l.metric).toBeNull();
        else expect(device.metrics).toContain(l.metric);
      }
    }
  });

  it('makes every labelled anomaly visible in the data', () => {
    for (const label of anomalous.labels) {
      const times = inWindow(label);
      expect(times.length).toBeGreaterThan(0);
      const key = (t: number) => `${label.device}|${t}`;
      if (label.kind === 'dropout') {
        for (const t of times) {
          expect(data.has(key(t))).toBe(false);
          expect(normal.has(key(t))).toBe(true);
        }
        continue;
      }
      const metric = label.metric as MetricName;
      const profile = METRIC_PROFILES[metric];
      const got = times.map((t) => data.get(key(t))![metric]!);
      const expected = times.map((t) => normal.get(key(t))![metric]!);
      const diffs = got.map((v, i) => v - expected[i]!);
      if (label.kind === 'spike') {
        expect(times).toHaveLength(1);
        expect(Math.abs(diffs[0]!)).toBeGreaterThan(0.99 * profile.spike[0]);
      } else if (label.kind === 'level_shift') {
        expect(times.length).toBeGreaterThanOrEqual(5);
        const tolerance = 2.5 * 10 ** -profile.decimals;
        for (const d of diffs) expect(Math.abs(d - diffs[0]!)).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(diffs[0]!)).toBeGreaterThan(0.99 * profile.shift[0]);
      } else {
        expect(times.length).toBeGreaterThanOrEqual(5);
        expect(new Set(got).size).toBe(1);
        expect(new Set(expected).size).toBeGreaterThan(1);
      }
    }
  });

  it('changes nothing outside the labelled anomalies', () => {
    const labelled = new Set<string>();
    for (const l of anomalous.labels) {
      for (const t of inWindow(l)) labelled.add(`${l.device}|${t}|${l.metric ?? '*'}`);
    }
    let compared = 0;
    const unexplained: string[] = [];
    for (const [key, reading] of normal) {
      const other = data.get(key);
      if (!other) {
        if (!labelled.has(`${key}|*`)) unexplained.push(`${key} missing`);
        continue;
      }
      for (const metric of Object.keys(reading)) {
        if (metric === 'ts' || labelled.has(`${key}|${metric}`)) continue;
        if (other[metric] !== reading[metric]) unexplained.push(`${key} ${metric}`);
        compared++;
      }
    }
    expect(unexplained).toEqual([]);
    expect(compared).toBeGreaterThan(200_000);
  });

  it('honours the rate per device-hour and the kind weights', () => {
    const spikesOnly = run({
      ...options,
      anomalies: { ratePerHour: 20, weights: { spike: 1, level_shift: 0, stuck: 0, dropout: 0 } },
    });
    expect(new Set(spikesOnly.labels.map((l) => l.kind))).toEqual(new Set(['spike']));
    // Spikes last one reading, so the rate is almost exactly 20 per device-hour: 10 devices × 4 h.
    expect(spikesOnly.labels.length).toBeGreaterThan(800 * 0.85);
    expect(spikesOnly.labels.length).toBeLessThan(800 * 1.15);
  });

  it('clips the anomaly in progress when the run stops', () => {
    const injector = new AnomalyInjector('sim-0001', ['power'], createRandom(1), {
      ratePerHour: 3_600_000,
      weights: { dropout: 1, spike: 0, level_shift: 0, stuck: 0 },
      intervalMs: 1_000,
      origin: 0,
    });
    expect(injector.advance(0)).toBeUndefined();
    expect(injector.advance(1_000)).toBeUndefined();
    expect(injector.silent(1_000)).toBe(true);
    expect(injector.active).toMatchObject({ kind: 'dropout', metric: null });
    expect(injector.finish(2_000)).toEqual({
      device: 'sim-0001',
      metric: null,
      kind: 'dropout',
      start: 1_000,
      end: 2_000,
    });
    expect(injector.finish(3_000)).toBeUndefined();
  });
});
