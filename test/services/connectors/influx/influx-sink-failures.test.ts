import type { IPoint } from 'influx';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import { InfluxSink, type InfluxSinkOptions } from '../../../../services/connectors/influx/influx-sink.ts';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../../services/connectors/influx/retry-backoff.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { captureLogger, errors, FakeInfluxWriter, label, point, settle } from './fake-influx-writer.ts';

function setUp(options: Partial<InfluxSinkOptions<IPoint>> = {}) {
  const clock = new ManualClock(0);
  const writer = new FakeInfluxWriter();
  const callTimes: number[] = [];
  const { logger, entries } = captureLogger();
  const sink = new InfluxSink<IPoint>({
    serializeInTurns: false, // these tests check synchronously what went out
    toPoints: (p) => [p],
    writePoints: (points) => {
      callTimes.push(clock.now());
      return writer.write(points);
    },
    random: createRandom(7),
    maxInFlight: 1,
    logger,
    ...options,
  });
  return { sink, clock, writer, entries, callTimes, open: () => sink.open({ clock }) };
}

/** Fails every pending call with `error`, lets the sink react, then moves the clock to its next timer. */
async function failAndWait(writer: FakeInfluxWriter, clock: ManualClock, error: () => unknown, ms: number) {
  for (const call of writer.pending()) call.fail(error());
  await settle();
  clock.advance(ms);
}

describe('InfluxSink retries', () => {
  it('retries after 200, 400, 800 … ms capped at 10 s (no jitter)', async () => {
    const { sink, clock, writer, callTimes, open } = setUp({ backoff: { jitter: 0 } });
    await open();
    sink.write(point('a', 1), 1);
    void sink.flush();
    const expected = [200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000];
    for (const delay of expected) {
      for (const call of writer.pending()) call.fail(errors.refused());
      await settle();
      clock.advance(delay - 1);
      expect(writer.pending()).toHaveLength(0);
      clock.advance(1);
      expect(writer.pending()).toHaveLength(1);
    }
    let t = 0;
    expect(callTimes).toEqual([0, ...expected.map((d) => (t += d))]);
    expect(sink.stats()).toMatchObject({
      retries: 8,
      pointsWritten: 0,
      pointsBuffered: 1,
      batchesInFlight: 1,
    });
    expect(sink.stats().lastError).toMatch(/ECONNREFUSED/);
  });

  it('jitters the delays with the seeded random source, reproducibly', async () => {
    const { sink, clock, writer, callTimes, open } = setUp({ random: createRandom(99) });
    await open();
    sink.write(point('a', 1), 1);
    void sink.flush();
    const reference = createRandom(99);
    const expected = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, reference, DEFAULT_BACKOFF));
    for (const delay of expected) await failAndWait(writer, clock, errors.refused, delay);
    let t = 0;
    expect(callTimes).toEqual([0, ...expected.map((d) => (t += d))]);
    expect(new Set(expected).size).toBeGreaterThan(1);
  });

  it('keeps the order of a series: later points wait while an earlier batch is retried', async () => {
    const { sink, clock, writer, entries, open } = setUp({ batchSize: 2, backoff: { jitter: 0 } });
    await open();
    for (let i = 1; i <= 4; i++) sink.write(point('a', i), i);
    await failAndWait(writer, clock, errors.refused, 200);
    await failAndWait(writer, clock, () => errors.http(503, 'Service Unavailable'), 400);
    while (writer.pending().length > 0) {
      for (const call of writer.pending()) call.succeed();
      await settle();
    }
    const succeeded = writer.calls.filter((_, i) => i >= 2).flatMap((c) => c.points.map(label));
    expect(succeeded).toEqual(['a@1', 'a@2', 'a@3', 'a@4']);
    expect(writer.calls.map((c) => c.points.map(label).join(','))).toEqual([
      'a@1,a@2',
      'a@1,a@2',
      'a@1,a@2',
      'a@3,a@4',
    ]);
    expect(entries.filter((e) => e.level === 'warn' && /retrying in/.test(e.msg))).toHaveLength(2);
    expect(
      entries.some((e) => e.level === 'info' && /accepts writes again \(after 2 retries\)/.test(e.msg)),
    ).toBe(true);
  });

  it('lets other lanes go on while one lane retries', async () => {
    const { sink, writer, open } = setUp({ maxInFlight: 2, batchSize: 1 });
    await open();
    // find two series that land in different lanes: the first two calls in flight at once
    for (const s of ['a', 'b', 'c', 'd', 'e', 'f']) sink.write(point(s, 1), 1);
    const [stuck, other] = writer.pending();
    expect(stuck && other).toBeTruthy();
    stuck!.fail(errors.refused());
    other!.succeed();
    await settle();
    expect(writer.pending()).toHaveLength(1);
    expect(writer.pending()[0]).not.toBe(stuck);
  });

  it('drops a batch after maxRetries retries, says so, and goes on', async () => {
    const { sink, clock, writer, entries, open } = setUp({
      maxRetries: 2,
      backoff: { jitter: 0 },
      batchSize: 2,
    });
    await open();
    for (let i = 1; i <= 3; i++) sink.write(point('a', i), i);
    const flushed = sink.flush();
    await failAndWait(writer, clock, errors.refused, 200);
    await failAndWait(writer, clock, errors.refused, 400);
    for (const call of writer.pending()) call.fail(errors.refused());
    await settle();
    expect(writer.calls).toHaveLength(4);
    expect(writer.last().points.map(label)).toEqual(['a@3']);
    writer.last().succeed();
    await flushed;
    expect(sink.stats()).toMatchObject({ pointsDropped: 2, batchesDropped: 1, pointsWritten: 1, retries: 2 });
    expect(entries.find((e) => e.level === 'error')?.msg).toMatch(
      /gave up after 3 attempts.*Raise maxRetries/,
    );
  });
});

describe('InfluxSink refusals', () => {
  it('drops a partial write at once, counts what InfluxDB dropped, and logs its reason', async () => {
    const { sink, writer, entries, open } = setUp({ batchSize: 5 });
    await open();
    for (let i = 1; i <= 5; i++) sink.write(point('a', i), i);
    const flushed = sink.flush();
    writer
      .last()
      .fail(
        errors.http(
          400,
          '{"error":"partial write: field type conflict: input field \\"v\\" on measurement \\"m\\" is type float, already exists as type integer dropped=2"}',
        ),
      );
    await flushed;
    expect(writer.calls).toHaveLength(1);
    expect(sink.stats()).toMatchObject({ pointsDropped: 2, pointsWritten: 3, batchesDropped: 1, retries: 0 });
    const error = entries.find((e) => e.level === 'error');
    expect(error?.msg).toMatch(/HTTP 400: partial write: field type conflict: input field "v"/);
    expect(error?.msg).toMatch(/fix the data or the schema/);
  });

  it('never retries points the client refuses before sending', async () => {
    const clock = new ManualClock(0);
    const { logger, entries } = captureLogger();
    let calls = 0;
    const sink = new InfluxSink<IPoint>({
      serializeInTurns: false, // these tests check synchronously what went out
      toPoints: (p) => [p],
      writePoints: () => {
        calls++;
        throw new Error('Extraneous fields detected for writing InfluxDB point in db.m: `w`.');
      },
      logger,
    });
    await sink.open({ clock });
    sink.write(point('a', 1), 1);
    await sink.flush();
    clock.advance(60_000);
    expect(calls).toBe(1);
    expect(sink.stats()).toMatchObject({ pointsDropped: 1, batchesDropped: 1 });
    expect(sink.stats().lastError).toMatch(/refused the points before sending them: Extraneous fields/);
    expect(entries.filter((e) => e.level === 'error')).toHaveLength(1);
  });

  it('re-creates a database that disappeared, then writes again', async () => {
    let ensured = 0;
    const { sink, clock, writer, open } = setUp({
      ensureDatabase: async () => {
        ensured++;
      },
      backoff: { jitter: 0 },
    });
    await open();
    expect(ensured).toBe(1);
    sink.write(point('a', 1), 1);
    const flushed = sink.flush();
    await failAndWait(
      writer,
      clock,
      () => errors.http(404, '{"error":"database not found: \\"eddy\\""}'),
      200,
    );
    await settle();
    expect(ensured).toBe(2);
    writer.last().succeed();
    await flushed;
    expect(sink.stats()).toMatchObject({ pointsWritten: 1, retries: 1 });
  });
});

describe('InfluxSink open and close', () => {
  it('open() waits for an unreachable server, logging each attempt', async () => {
    let attempts = 0;
    const { sink, clock, entries } = setUp({
      ensureDatabase: async () => {
        attempts++;
        if (attempts <= 2) throw errors.refused();
      },
      backoff: { jitter: 0 },
    });
    let opened = false;
    const opening = sink.open({ clock }).then(() => {
      opened = true;
    });
    await settle();
    clock.advance(200);
    await settle();
    expect(opened).toBe(false);
    clock.advance(400);
    await opening;
    expect(attempts).toBe(3);
    const warnings = entries.filter((e) => e.level === 'warn').map((e) => e.msg);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /is not reachable \(connect ECONNREFUSED 127\.0\.0\.1:1\); is influxd running\?/,
    );
    expect(sink.stats().retries).toBe(2);
  });

  it('open() fails at once, saying what to check, when InfluxDB refuses the credentials', async () => {
    const { sink, clock } = setUp({
      ensureDatabase: () => Promise.reject(errors.http(401, '{"error":"authorization failed"}')),
    });
    await expect(sink.open({ clock })).rejects.toThrow(/HTTP 401: authorization failed.*user and password/);
  });

  it('close() during open() stops waiting', async () => {
    const { sink, clock } = setUp({ ensureDatabase: () => Promise.reject(errors.refused()) });
    const opening = sink.open({ clock });
    await settle();
    await sink.close();
    await expect(opening).rejects.toThrow(/gave up waiting|closed while waiting/);
    expect(clock.pendingCount()).toBe(0);
  });

  it('close() gives up after closeTimeoutMs, counting the lost points, and stops retrying', async () => {
    const { sink, clock, writer, open } = setUp({ closeTimeoutMs: 5_000, backoff: { jitter: 0 } });
    await open();
    sink.write(point('a', 1), 1);
    sink.write(point('a', 2), 2);
    const closing = sink.close();
    const outcome = closing.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    for (let t = 0; t < 5_000; t += 500) {
      for (const call of writer.pending()) call.fail(errors.refused());
      await settle();
      clock.advance(500);
    }
    expect(await outcome).toMatch(
      /gave up 2 points: .* did not acknowledge them within 5000 ms of close\(\)/,
    );
    expect(sink.stats()).toMatchObject({ pointsDropped: 2, pointsBuffered: 0 });
    expect(clock.pendingCount()).toBe(0);
  });
});
