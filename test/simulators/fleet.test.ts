import { describe, expect, it } from 'vitest';
import { DEVICE_ID_PATTERN } from '../../services/domain/reading.ts';
import { DEVICE_KINDS } from '../../simulators/device-kinds.ts';
import { Fleet, generateFleet } from '../../simulators/fleet.ts';
import { DAY_MS } from '../../simulators/signal-model.ts';
import { parseTelemetry } from './telemetry-contract.ts';

const START = Date.UTC(2024, 0, 1);
const busy = {
  seed: 42,
  devices: 7,
  startTime: START,
  durationMs: 600_000,
  anomalies: { ratePerHour: 30 },
  faults: { outOfOrder: 0.1, late: 0.02, duplicates: 0.02, malformed: 0.02 },
};

describe('Fleet', () => {
  it('is deterministic: the same seed gives the same messages and labels, another seed others', () => {
    const a = generateFleet(busy);
    const b = generateFleet(busy);
    expect(b).toEqual(a);
    expect(a.messages.length).toBeGreaterThan(4_000);
    expect(a.anomalies.length).toBeGreaterThan(5);
    const c = generateFleet({ ...busy, seed: 43 });
    expect(c.messages.map((m) => m.payload)).not.toEqual(a.messages.map((m) => m.payload));
    expect(c.anomalies).not.toEqual(a.anomalies);
  });

  it('gives a device the same data whatever the size of the fleet', () => {
    const of = (devices: number) =>
      generateFleet({ ...busy, devices }).messages.filter((m) => m.device === 'sim-0002');
    expect(of(3)).toEqual(of(12));
  });

  it('publishes payloads that match the telemetry contract', () => {
    const { messages } = generateFleet({ seed: 1, devices: 10, startTime: START, durationMs: 30_000 });
    expect(messages).toHaveLength(300);
    for (const m of messages) {
      expect(m.topic).toBe(`sensors/${m.device}/telemetry`);
      expect(m.device).toMatch(DEVICE_ID_PATTERN);
      const { device, readings } = parseTelemetry(m.topic, m.payload);
      expect(device).toBe(m.device);
      expect(readings).toHaveLength(1);
      expect(JSON.parse(m.payload)).not.toBeInstanceOf(Array);
      expect(readings[0]!.ts).toBe(m.eventTime);
      expect(m.publishAt).toBe(m.eventTime);
    }
    expect(messages.slice(0, 3).map((m) => m.device)).toEqual(['sim-0001', 'sim-0002', 'sim-0003']);
  });

  it('gives every device its kind’s metrics, kinds dealt round-robin', () => {
    const fleet = new Fleet({ seed: 1, devices: 10, startTime: START, durationMs: 1_000 });
    const kinds = Object.keys(DEVICE_KINDS);
    expect(fleet.devices.map((d) => d.kind)).toEqual([...kinds, ...kinds]);
    for (const m of fleet) {
      const device = fleet.devices.find((d) => d.id === m.device)!;
      expect(Object.keys(JSON.parse(m.payload))).toEqual(['ts', ...device.metrics]);
    }
  });

  it('reads at the configured rate and ends before the duration', () => {
    const { messages } = generateFleet({
      seed: 3,
      devices: 2,
      startTime: START,
      ratePerSecond: 4,
      durationMs: 2_000,
    });
    const times = messages.filter((m) => m.device === 'sim-0001').map((m) => m.eventTime - START);
    expect(times).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750]);
  });

  it('batches readings into JSON arrays, the partial last batch included', () => {
    const { messages } = generateFleet({
      seed: 3,
      devices: 2,
      startTime: START,
      durationMs: 10_000,
      batchSize: 4,
    });
    const mine = messages.filter((m) => m.device === 'sim-0002');
    expect(mine.map((m) => m.readings)).toEqual([4, 4, 2]);
    for (const m of mine) {
      const parsed = JSON.parse(m.payload) as { ts: number }[];
      expect(parsed).toBeInstanceOf(Array);
      expect(parseTelemetry(m.topic, m.payload).readings).toHaveLength(m.readings);
      expect(m.eventTime).toBe(parsed[parsed.length - 1]!.ts);
      expect(m.publishAt).toBe(m.eventTime);
    }
  });

  it('emits messages in publish order, never before their event time', () => {
    const { messages } = generateFleet(busy);
    for (let i = 1; i < messages.length; i++) {
      expect(messages[i]!.publishAt).toBeGreaterThanOrEqual(messages[i - 1]!.publishAt);
    }
    expect(messages.every((m) => m.publishAt >= m.eventTime)).toBe(true);
  });

  it('shows the daily cycle over a simulated day', () => {
    const fleet = new Fleet({
      seed: 5,
      devices: 1,
      startTime: START,
      ratePerSecond: 1 / 60,
      durationMs: DAY_MS,
    });
    const signal = fleet.devices[0]!.signals[0]!; // temperature of an env device
    const temps = [...fleet].map((m) => JSON.parse(m.payload) as { ts: number; temperature: number });
    expect(temps).toHaveLength(1_440);
    const meanNear = (offset: number) => {
      const near = temps.filter(
        (r) => Math.abs(((r.ts - START - offset + 1.5 * DAY_MS) % DAY_MS) - DAY_MS / 2) < 3_600_000,
      );
      return near.reduce((s, r) => s + r.temperature, 0) / near.length;
    };
    const swing = meanNear(signal.peakOffsetMs) - meanNear(signal.peakOffsetMs + DAY_MS / 2);
    expect(swing).toBeGreaterThan(1.6 * signal.dailyAmplitude);
    expect(swing).toBeLessThan(2.2 * signal.dailyAmplitude);
  });

  it('drifts slowly, by the device’s drift per day', () => {
    const days = 30;
    const fleet = new Fleet({
      seed: 9,
      devices: 3,
      startTime: START,
      ratePerSecond: 1 / 3_600,
      durationMs: days * DAY_MS,
    });
    const meter = fleet.devices[2]!;
    expect(meter.kind).toBe('meter');
    const power = [...fleet]
      .filter((m) => m.device === meter.id)
      .map((m) => JSON.parse(m.payload).power as number);
    const dayMean = (d: number) => power.slice(d * 24, d * 24 + 24).reduce((s, v) => s + v, 0) / 24;
    const slope = (dayMean(days - 1) - dayMean(0)) / (days - 1);
    expect(slope).toBeCloseTo(meter.signals[0]!.driftPerDay, -1);
  });

  it('draws different parameters per device and per seed', () => {
    const base = (seed: number) =>
      new Fleet({ seed, devices: 6, startTime: START }).devices.map((d) => d.signals[0]!.base);
    expect(new Set(base(1)).size).toBe(6);
    expect(base(2)).not.toEqual(base(1));
  });

  it('can run unlimited, and stop', () => {
    const fleet = new Fleet({ seed: 1, devices: 2, startTime: START });
    expect(fleet.endTime).toBeUndefined();
    for (let i = 0; i < 10_000; i++) expect(fleet.next()).toBeDefined();
    fleet.stop();
    expect(fleet.next()).toBeUndefined();
  });

  it('rejects bad options with a message naming them', () => {
    expect(() => new Fleet({ seed: 1, devices: 0, startTime: 0 })).toThrow(/devices must be an integer >= 1/);
    expect(() => new Fleet({ seed: 1, devices: 1, startTime: 0, ratePerSecond: 5_000 })).toThrow(
      /rate must be/,
    );
    expect(() => new Fleet({ seed: 1, devices: 1, startTime: 0, batchSize: 0 })).toThrow(/batch size/);
    expect(() => new Fleet({ seed: 1.5, devices: 1, startTime: 0 })).toThrow(/seed must be an integer/);
    expect(() => new Fleet({ seed: 1, devices: 1, startTime: 0, durationMs: 0 })).toThrow(/duration/);
    expect(() => generateFleet({ seed: 1, devices: 1, startTime: 0 })).toThrow(/needs durationMs/);
  });
});
