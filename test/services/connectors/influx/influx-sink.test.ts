import type { IPoint } from 'influx';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import { InfluxSink, type InfluxSinkOptions } from '../../../../services/connectors/influx/influx-sink.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { captureLogger, FakeInfluxWriter, label, point, settle } from './fake-influx-writer.ts';

function setUp(options: Partial<InfluxSinkOptions<IPoint>> = {}) {
  const clock = new ManualClock(0);
  const writer = new FakeInfluxWriter();
  const { logger, entries } = captureLogger();
  const sink = new InfluxSink<IPoint>({
    serializeInTurns: false, // these tests check synchronously what went out
    toPoints: (p) => [p],
    writePoints: writer.write,
    random: createRandom(7),
    logger,
    ...options,
  });
  return { sink, clock, writer, entries, open: () => sink.open({ clock }) };
}

describe('InfluxSink batching', () => {
  it('sends a batch as soon as batchSize points wait', async () => {
    const { sink, writer, open } = setUp({ batchSize: 3, maxInFlight: 1 });
    await open();
    sink.write(point('a', 1), 1);
    sink.write(point('a', 2), 2);
    expect(writer.calls).toHaveLength(0);
    sink.write(point('a', 3), 3);
    expect(writer.calls.map((c) => c.points.map(label))).toEqual([['a@1', 'a@2', 'a@3']]);
  });

  it('sends what waits once flushIntervalMs passed on the clock, and keeps no timer when idle', async () => {
    const { sink, clock, writer, open } = setUp({ batchSize: 100, flushIntervalMs: 1_000 });
    await open();
    sink.write(point('a', 1), 1);
    clock.advance(600);
    sink.write(point('a', 2), 2);
    clock.advance(399);
    expect(writer.calls).toHaveLength(0);
    clock.advance(1);
    expect(writer.written()).toEqual(['a@1', 'a@2']);
    writer.last().succeed();
    await settle();
    expect(clock.pendingCount()).toBe(0);

    sink.write(point('a', 3), 3);
    clock.advance(999);
    expect(writer.calls).toHaveLength(1);
    clock.advance(1);
    expect(writer.calls).toHaveLength(2);
  });

  it('sends one batch at a time per lane and the next, up to batchSize, once it is acknowledged', async () => {
    const { sink, clock, writer, open } = setUp({ batchSize: 3, maxInFlight: 1, flushIntervalMs: 1_000 });
    await open();
    for (let i = 1; i <= 7; i++) sink.write(point('a', i), i);
    expect(writer.calls).toHaveLength(1);
    writer.last().succeed();
    await settle();
    expect(writer.calls.map((c) => c.points.map(label))).toEqual([
      ['a@1', 'a@2', 'a@3'],
      ['a@4', 'a@5', 'a@6'],
    ]);
    writer.last().succeed();
    await settle();
    expect(writer.calls).toHaveLength(2);
    clock.advance(1_000);
    expect(writer.last().points.map(label)).toEqual(['a@7']);
  });

  it('keeps at most maxInFlight batches in flight, never two with the same series', async () => {
    const { sink, writer, open } = setUp({ batchSize: 2, maxInFlight: 2 });
    await open();
    const series = Array.from({ length: 10 }, (_, i) => `s${i}`);
    for (let round = 1; round <= 6; round++) for (const s of series) sink.write(point(s, round), round);
    let maxPending = 0;
    while (writer.pending().length > 0) {
      const pending = writer.pending();
      maxPending = Math.max(maxPending, pending.length);
      const seriesPerCall = pending.map((call) => new Set(call.points.map((p) => p.tags?.s)));
      for (const s of series) expect(seriesPerCall.filter((set) => set.has(s)).length).toBeLessThanOrEqual(1);
      for (const call of pending) call.succeed();
      await settle();
    }
    expect(maxPending).toBe(2);
    expect(sink.stats()).toMatchObject({ pointsWritten: 60, pointsBuffered: 0, batchesInFlight: 0 });
    for (const s of series) {
      const values = writer.written().filter((w) => w.startsWith(`${s}@`));
      expect(values).toEqual([1, 2, 3, 4, 5, 6].map((v) => `${s}@${v}`));
    }
  });

  it('writes records that map to several points, and none for records that map to no point', async () => {
    const { clock, writer } = setUp();
    const sink = new InfluxSink<number>({
      serializeInTurns: false, // these tests check synchronously what went out
      toPoints: (n, ts) => Array.from({ length: n }, (_, i) => point('x', i, ts)),
      writePoints: writer.write,
      maxInFlight: 1,
    });
    await sink.open({ clock });
    sink.write(3, 100);
    sink.write(0, 200);
    await Promise.all([sink.flush(), settle().then(() => writer.last().succeed())]);
    expect(writer.calls).toHaveLength(1);
    expect(writer.last().points.map((p) => p.timestamp)).toEqual(['100', '100', '100']);
  });

  it('holds points written before open() until it is open', async () => {
    const { sink, writer, open } = setUp({ batchSize: 2 });
    sink.write(point('a', 1), 1);
    sink.write(point('a', 2), 2);
    expect(writer.calls).toHaveLength(0);
    await open();
    expect(writer.written()).toEqual(['a@1', 'a@2']);
  });
});

describe('InfluxSink flush', () => {
  it('resolves only once the points written before the call are acknowledged', async () => {
    const { sink, writer, open } = setUp({ maxInFlight: 1 });
    await open();
    sink.write(point('a', 1), 1);
    let flushed = false;
    const flushing = sink.flush().then(() => {
      flushed = true;
    });
    expect(writer.written()).toEqual(['a@1']);
    sink.write(point('a', 2), 2);
    await settle();
    expect(flushed).toBe(false);
    writer.last().succeed();
    await flushing;
    expect(sink.stats()).toMatchObject({ pointsWritten: 1, pointsBuffered: 1 });
    expect(writer.calls).toHaveLength(1);
  });

  it('waits for every lane and for batches already in flight', async () => {
    const { sink, writer, open } = setUp({ maxInFlight: 2, batchSize: 1 });
    await open();
    for (const s of ['a', 'b', 'c', 'd', 'e']) sink.write(point(s, 1), 1);
    let flushed = false;
    const flushing = sink.flush().then(() => {
      flushed = true;
    });
    while (writer.pending().length > 0) {
      expect(flushed).toBe(false);
      for (const call of writer.pending()) call.succeed();
      await settle();
    }
    await flushing;
    expect(sink.stats().pointsWritten).toBe(5);
  });

  it('resolves at once when nothing is buffered', async () => {
    const { sink, open } = setUp();
    await open();
    await expect(sink.flush()).resolves.toBeUndefined();
  });
});

describe('InfluxSink buffer bound', () => {
  it('keeps accepting past maxBufferedPoints, warns once, counts, and signals the drain', async () => {
    const { sink, writer, entries, open } = setUp({ maxBufferedPoints: 5, batchSize: 100, maxInFlight: 1 });
    await open();
    const drains: number[] = [];
    sink.onDrain(() => drains.push(sink.stats().pointsBuffered));
    for (let i = 1; i <= 4; i++) sink.write(point('a', i), i);
    expect(sink.writable).toBe(true);
    void sink.flush();
    for (let i = 5; i <= 8; i++) sink.write(point('a', i), i);
    expect(sink.writable).toBe(false);
    expect(sink.stats()).toMatchObject({ pointsBuffered: 8, pointsOverLimit: 3 });
    expect(entries.filter((e) => e.level === 'warn' && /maxBufferedPoints 5/.test(e.msg))).toHaveLength(1);

    writer.last().succeed();
    await settle();
    expect(sink.writable).toBe(true);
    expect(drains).toEqual([4]);
  });
});

describe('InfluxSink lifecycle', () => {
  it('close() flushes, stops every timer, and refuses later writes', async () => {
    const { sink, clock, writer, open } = setUp();
    writer.autoSucceed = true;
    await open();
    sink.write(point('a', 1), 1);
    await sink.close();
    expect(writer.written()).toEqual(['a@1']);
    expect(clock.pendingCount()).toBe(0);
    expect(() => sink.write(point('a', 2), 2)).toThrow(/write\(\) after close\(\)/);
    await expect(sink.close()).resolves.toBeUndefined();
  });

  it('takes the clock from the context unless one is given, and refuses a second open()', async () => {
    const own = new ManualClock(0);
    const { sink, clock, writer, open } = setUp({ clock: own, flushIntervalMs: 10 });
    await open();
    sink.write(point('a', 1), 1);
    clock.advance(10);
    expect(writer.calls).toHaveLength(0);
    own.advance(10);
    expect(writer.calls).toHaveLength(1);
    await expect(sink.open({ clock })).rejects.toThrow(/already/);
  });

  it('needs a client and a database, or a writePoints function', () => {
    expect(() => new InfluxSink<IPoint>({ toPoints: (p) => [p] })).toThrow(/client and a database/);
    expect(
      () => new InfluxSink<IPoint>({ toPoints: (p) => [p], writePoints: async () => {}, batchSize: 0 }),
    ).toThrow(/batchSize/);
  });
});
