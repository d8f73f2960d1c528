import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../services/engine/time/clock.ts';
import { Fleet, generateFleet } from '../../simulators/fleet.ts';
import { FleetRunner } from '../../simulators/fleet-runner.ts';
import type { AnomalyLabel } from '../../simulators/ground-truth.ts';
import { MemoryPublisher } from '../../simulators/memory-publisher.ts';
import type { Publisher } from '../../simulators/publisher.ts';

const T0 = Date.UTC(2024, 0, 1);

describe('FleetRunner in real time', () => {
  it('publishes at the configured rate and stops at the duration', async () => {
    const clock = new ManualClock(T0);
    const publisher = new MemoryPublisher();
    const runner = new FleetRunner({
      fleet: { seed: 1, devices: 3, ratePerSecond: 2, durationMs: 5_000 },
      publisher,
      clock,
    });
    let finished = false;
    const done = runner.run().then((stats) => {
      finished = true;
      return stats;
    });
    expect(publisher.messages).toHaveLength(3); // tick 0, at once
    clock.advance(499);
    expect(publisher.messages).toHaveLength(3);
    clock.advance(1);
    expect(publisher.messages).toHaveLength(6);
    clock.advance(1_500);
    expect(publisher.messages).toHaveLength(15);
    expect(runner.stats()).toMatchObject({ messages: 15, readings: 15, state: 'running', elapsedMs: 2_000 });
    clock.advance(2_999);
    expect(publisher.messages).toHaveLength(30);
    await Promise.resolve();
    expect(finished).toBe(false);
    clock.advance(1);
    const stats = await done;
    expect(stats).toMatchObject({ messages: 30, readings: 30, state: 'done', elapsedMs: 5_000 });
    expect(publisher.messages.every((m) => m.qos === 0)).toBe(true);
    clock.advance(10_000);
    expect(publisher.messages).toHaveLength(30);
    expect(clock.pendingCount()).toBe(0);
  });

  it('maps the fleet start to the run start, whatever the event time', () => {
    const clock = new ManualClock(T0);
    const publisher = new MemoryPublisher();
    const runner = new FleetRunner({
      fleet: { seed: 1, devices: 1, startTime: Date.UTC(2020, 0, 1) },
      publisher,
      clock,
    });
    void runner.run();
    clock.advance(10_000);
    expect(publisher.messages).toHaveLength(11);
    expect(JSON.parse(publisher.messages[10]!.payload).ts).toBe(Date.UTC(2020, 0, 1) + 10_000);
    void runner.stop();
  });

  it('publishes delayed messages when they are due, and what is still pending at the end', async () => {
    const clock = new ManualClock(T0);
    const publisher = new MemoryPublisher();
    const fleet = new Fleet({ seed: 2, devices: 2, startTime: T0, durationMs: 4_000, faults: { late: 1 } });
    const runner = new FleetRunner({ fleet, publisher, clock });
    const done = runner.run();
    clock.advance(3_999);
    expect(publisher.messages).toHaveLength(0); // every message is 15 s or more late
    clock.advance(1);
    const stats = await done;
    expect(publisher.messages).toHaveLength(8);
    expect(stats.faults.late).toBe(8);
  });

  it('stops on demand and closes the ground truth of the anomalies in progress', async () => {
    const clock = new ManualClock(T0);
    const publisher = new MemoryPublisher();
    const labels: AnomalyLabel[] = [];
    const runner = new FleetRunner({
      fleet: { seed: 3, devices: 10, anomalies: { ratePerHour: 600 } },
      publisher,
      clock,
      onAnomaly: (label) => labels.push(label),
    });
    const done = runner.run();
    clock.advance(60_000);
    const active = runner.fleet.activeAnomalies().length;
    expect(active).toBeGreaterThan(0);
    const before = labels.length;
    const stopped = await runner.stop();
    expect(stopped.state).toBe('stopped');
    expect(await done).toEqual(stopped);
    expect(labels.length).toBe(before + active);
    expect(stopped.labels).toBe(labels.length);
    expect(stopped.anomalies).toBe(labels.length);
    expect(labels.slice(before).map((l) => l.end)).toEqual(Array(active).fill(T0 + 60_001));
    const count = publisher.messages.length;
    clock.advance(10_000);
    expect(publisher.messages).toHaveLength(count);
  });
});

describe('FleetRunner in fast mode', () => {
  it('publishes exactly the fleet’s messages, in order, without waiting for the clock', async () => {
    const options = {
      seed: 4,
      devices: 5,
      startTime: T0,
      durationMs: 600_000,
      batchSize: 3,
      anomalies: { ratePerHour: 20 },
      faults: { outOfOrder: 0.1, late: 0.05, duplicates: 0.05, malformed: 0.05 },
    };
    const expected = generateFleet(options);
    const publisher = new MemoryPublisher();
    const labels: AnomalyLabel[] = [];
    const runner = new FleetRunner({
      fleet: options,
      publisher,
      clock: new ManualClock(T0),
      fast: true,
      qos: 1,
      onAnomaly: (l) => labels.push(l),
    });
    const stats = await runner.run();
    expect(publisher.messages.map((m) => m.payload)).toEqual(expected.messages.map((m) => m.payload));
    expect(publisher.messages.every((m) => m.qos === 1)).toBe(true);
    expect(labels).toEqual(expected.anomalies);
    const originals = expected.messages.filter((m) => !m.faults.includes('duplicate'));
    const count = (f: string) => originals.filter((m) => m.faults.includes(f as never)).length;
    expect(stats).toMatchObject({
      state: 'done',
      messages: expected.messages.length,
      readings: originals.reduce((s, m) => s + m.readings, 0),
      anomalies: expected.anomalies.length,
      labels: expected.anomalies.length,
      faults: {
        outOfOrder: count('out-of-order'),
        late: count('late'),
        malformed: count('malformed'),
        duplicates: expected.messages.length - originals.length,
      },
    });
  });

  it('waits for asynchronous publishes, at most maxInFlight at a time', async () => {
    let inFlight = 0;
    let peak = 0;
    let published = 0;
    const publisher: Publisher = {
      publish: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((resolve) => setImmediate(resolve));
        inFlight--;
        published++;
      },
    };
    const runner = new FleetRunner({
      fleet: { seed: 1, devices: 10, startTime: T0, durationMs: 100_000 },
      publisher,
      clock: new ManualClock(T0),
      fast: true,
      maxInFlight: 64,
    });
    const stats = await runner.run();
    expect(published).toBe(1_000);
    expect(stats.messages).toBe(1_000);
    expect(peak).toBe(64);
  });

  it('fails the run with the topic when publishing fails', async () => {
    let calls = 0;
    const publisher: Publisher = {
      publish: () => (++calls === 5 ? Promise.reject(new Error('socket closed')) : Promise.resolve()),
    };
    const runner = new FleetRunner({ fleet: { seed: 1, devices: 2, startTime: T0 }, publisher, fast: true });
    await expect(runner.run()).rejects.toThrow(
      /publishing to sensors\/sim-0001\/telemetry failed: socket closed/,
    );
    expect(runner.stats().state).toBe('failed');
  });

  it('can be stopped while unlimited', async () => {
    const publisher = new MemoryPublisher();
    const runner = new FleetRunner({ fleet: { seed: 1, devices: 2, startTime: T0 }, publisher, fast: true });
    const done = runner.run();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await runner.stop();
    const stats = await done;
    expect(stats.state).toBe('stopped');
    expect(stats.messages).toBe(publisher.messages.length);
    expect(stats.messages).toBeGreaterThan(0);
  });
});
