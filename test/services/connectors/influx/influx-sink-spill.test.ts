import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPoint } from 'influx';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import { InfluxSink, type InfluxSinkOptions } from '../../../../services/connectors/influx/influx-sink.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { captureLogger, errors, FakeInfluxWriter, label, point, settle } from './fake-influx-writer.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function setUp(options: Partial<InfluxSinkOptions<IPoint>> = {}, dir?: string) {
  const spillDir = dir ?? (await mkdtemp(join(tmpdir(), 'eddy-sink-spill-')));
  dirs.push(spillDir);
  const clock = new ManualClock(0);
  const writer = new FakeInfluxWriter();
  const { logger, entries } = captureLogger();
  const sink = new InfluxSink<IPoint>({
    serializeInTurns: false, // these tests check synchronously what went out
    toPoints: (p) => [p],
    writePoints: writer.write,
    random: createRandom(7),
    backoff: { baseMs: 100, maxMs: 100, jitter: 0 },
    logger,
    spillDir,
    ...options,
  });
  await sink.open({ clock });
  return { sink, clock, writer, entries, spillDir };
}

/** Points InfluxDB acknowledged, in order (the calls that succeeded). */
function acknowledged(writer: FakeInfluxWriter): string[] {
  return writer.calls.filter((c) => c.settled && c.succeeded).flatMap((c) => c.points.map(label));
}

/** Answers every pending write: fails them while `down`, else acknowledges them; until the sink is idle. */
async function influx(writer: FakeInfluxWriter, clock: ManualClock, until: () => boolean) {
  await waitFor(
    async () => {
      for (const call of writer.pending()) call.succeed();
      await settle();
      clock.advance(100); // retry timers
      return until();
    },
    { intervalMs: 1, message: 'the sink to settle' },
  );
}

const spill = (sink: InfluxSink<IPoint>) => sink.stats().spill!;

describe('InfluxSink spill', () => {
  it('spills once maxBufferedPoints wait, keeps order, and drains oldest first when InfluxDB answers', async () => {
    const { sink, clock, writer, entries } = await setUp({
      maxBufferedPoints: 4,
      batchSize: 2,
      maxInFlight: 1,
    });
    for (let i = 1; i <= 3; i++) sink.write(point('a', i), i);
    expect(spill(sink).spilling).toBe(false);
    sink.write(point('a', 4), 4); // 4 wait: [1,2] on its way, [3,4] behind it
    expect(spill(sink)).toMatchObject({ spilling: true, spills: 1, pointsSpilled: 4 });
    for (let i = 5; i <= 8; i++) sink.write(point('a', i), i);
    expect(spill(sink).pointsSpilled).toBe(8);
    await sink.flush(); // fsynced in the queue: InfluxDB never answered
    expect(
      entries.filter((e) => e.level === 'warn' && /spilling to .*maxBufferedPoints/.test(e.msg)),
    ).toHaveLength(1);

    writer.last().fail(errors.refused()); // the batch on its way when spilling started: its copy is spilled
    await influx(writer, clock, () => !spill(sink).spilling && spill(sink).segments === 0);
    expect(acknowledged(writer)).toEqual(['a@1', 'a@2', 'a@3', 'a@4', 'a@5', 'a@6', 'a@7', 'a@8']);
    expect(spill(sink)).toMatchObject({ spilling: false, segments: 0, bytes: 0 });
    expect(
      entries.filter((e) => e.level === 'info' && /spill queue is drained \(8 points/.test(e.msg)),
    ).toHaveLength(1);

    sink.write(point('a', 9), 9); // straight to the lanes again
    expect(spill(sink).pointsSpilled).toBe(8);
    await influx(writer, clock, () => sink.stats().pointsBuffered === 0);
    expect(acknowledged(writer).at(-1)).toBe('a@9');
    await sink.close();
  });

  it('a flush while InfluxDB fails completes from the spill, and a restart writes the spill first', async () => {
    const first = await setUp({ batchSize: 100, maxInFlight: 2 });
    first.sink.write(point('a', 1), 1);
    first.sink.write(point('b', 2), 2);
    const flushed = first.sink.flush();
    for (const call of first.writer.pending()) call.fail(errors.refused());
    await flushed; // InfluxDB is down: the flush completed once the points were fsynced on disk
    expect(spill(first.sink)).toMatchObject({ spilling: true, pointsSpilled: 2 });
    first.sink.write(point('a', 3), 3);
    await first.sink.flush();
    await first.sink.close(); // nothing reached InfluxDB: the points stay in the folder
    expect(first.writer.calls.filter((c) => c.succeeded)).toHaveLength(0);
    expect((await readdir(first.spillDir)).length).toBeGreaterThan(0);

    const second = await setUp({ batchSize: 100 }, first.spillDir);
    expect(spill(second.sink).spilling).toBe(true); // what the last run left is written first
    second.sink.write(point('a', 4), 4);
    await second.sink.flush();
    await influx(second.writer, second.clock, () => !spill(second.sink).spilling);
    const order = acknowledged(second.writer);
    expect([...order].sort()).toEqual(['a@1', 'a@3', 'a@4', 'b@2']);
    expect(order.filter((p) => p.startsWith('a@'))).toEqual(['a@1', 'a@3', 'a@4']);
    await second.sink.close();
  });

  it('is not writable while the spill holds maxSpillBytes, and signals the drain with the time held', async () => {
    const { sink, clock, writer, entries } = await setUp({
      maxBufferedPoints: 2,
      batchSize: 1,
      maxInFlight: 1,
      maxSpillBytes: 300,
      spillSegmentBytes: 100,
    });
    const drains: number[] = [];
    sink.onDrain(() => drains.push(clock.now()));
    let i = 0;
    while (sink.writable) {
      i++;
      sink.write(point('a', i), i);
      expect(i).toBeLessThan(50);
    }
    expect(sink.stats()).toMatchObject({ backpressured: true, spill: { spilling: true } });
    expect(spill(sink).bytes).toBeGreaterThanOrEqual(300);
    expect(entries.filter((e) => e.level === 'warn' && /maxSpillBytes/.test(e.msg))).toHaveLength(1);
    sink.write(point('a', i + 1), i + 1); // still accepted (what was on its way), counted
    expect(sink.stats().pointsOverLimit).toBe(1);

    clock.advance(5_000);
    await influx(writer, clock, () => drains.length > 0);
    expect(sink.writable).toBe(true);
    expect(sink.stats().backpressured).toBe(false);
    expect(sink.stats().backpressuredMs).toBeGreaterThanOrEqual(5_000);
    await influx(writer, clock, () => !spill(sink).spilling);
    // the batch on its way when spilling started was acknowledged, and written again from its
    // spilled copy: the same series and timestamp, an idempotent overwrite
    const written = acknowledged(writer);
    expect(written).toEqual(['a@1', ...Array.from({ length: i + 1 }, (_, k) => `a@${k + 1}`)]);
    await sink.close();
  });

  it('without a spill dir, writable turns false at maxBufferedPoints and no file is written', async () => {
    const clock = new ManualClock(0);
    const writer = new FakeInfluxWriter();
    const sink = new InfluxSink<IPoint>({
      serializeInTurns: false, // these tests check synchronously what went out
      toPoints: (p) => [p],
      writePoints: writer.write,
      maxBufferedPoints: 2,
    });
    await sink.open({ clock });
    sink.write(point('a', 1), 1);
    sink.write(point('a', 2), 2);
    expect(sink.writable).toBe(false);
    expect(sink.stats().spill).toBeUndefined();
    writer.autoSucceed = true;
    await sink.close();
  });
});
