import type { IPoint } from 'influx';
import { describe, expect, it } from 'vitest';
import { EventLoopTurns } from '../../../../services/common/event-loop-turns.ts';
import { silentLogger } from '../../../../services/common/logger.ts';
import { InfluxLink, POINTS_PER_REQUEST } from '../../../../services/connectors/influx/influx-link.ts';
import { PointsRefusedError } from '../../../../services/connectors/influx/influx-write-failure.ts';
import { countLoopIterations } from '../../../support/loop-iterations.ts';
import { FakeInfluxWriter, label, point, settle } from './fake-influx-writer.ts';

const points = (n: number): IPoint[] => Array.from({ length: n }, (_, i) => point(`s${i}`, i));

function link(fake: FakeInfluxWriter): InfluxLink {
  const writer = { writePoints: fake.write, ensureDatabase: async () => {}, endpoint: 'fake' };
  return new InfluxLink(writer, silentLogger, 'influx');
}

describe('InfluxLink', () => {
  it('writes a large batch as requests of at most POINTS_PER_REQUEST, each after the last one answered', async () => {
    const fake = new FakeInfluxWriter();
    const batch = points(2 * POINTS_PER_REQUEST + 7);
    let done = false;
    const attempt = link(fake)
      .attempt(batch)
      .then(() => {
        done = true;
      });
    for (const size of [POINTS_PER_REQUEST, POINTS_PER_REQUEST, 7]) {
      await settle();
      expect(fake.pending().map((call) => call.points.length)).toEqual([size]);
      expect(done).toBe(false);
      fake.last().succeed();
    }
    await attempt;
    expect(fake.written()).toEqual(batch.map(label));
  });

  it('fails the attempt when a request fails, and sends no later request', async () => {
    const fake = new FakeInfluxWriter();
    const attempt = link(fake).attempt(points(POINTS_PER_REQUEST + 1));
    await settle();
    fake.last().fail(new Error('timeout'));
    await expect(attempt).rejects.toThrow('timeout');
    expect(fake.calls).toHaveLength(1);
  });

  it('refuses, as permanent, points the client cannot serialise', async () => {
    const writer = {
      writePoints: () => {
        throw new Error('bad field');
      },
      ensureDatabase: async () => {},
      endpoint: 'fake',
    };
    await expect(new InfluxLink(writer, silentLogger, 'influx').attempt(points(1))).rejects.toBeInstanceOf(
      PointsRefusedError,
    );
  });
  it('with turns, serialises no request in the call that makes it due, and one request a turn of the event loop', async () => {
    const fake = new FakeInfluxWriter();
    const loop = countLoopIterations();
    const serialisedIn: number[] = [];
    const writer = {
      writePoints: (p: IPoint[]) => {
        serialisedIn.push(loop.count);
        return fake.write(p);
      },
      ensureDatabase: async () => {},
      endpoint: 'fake',
    };
    const turns = new EventLoopTurns();
    // two lanes' links share the sink's turns; a checkpoint's flush makes both send at once
    const lanes = [0, 1].map(() => new InfluxLink(writer, silentLogger, 'influx', { turns }));
    const attempts = lanes.map((lane, i) => lane.attempt(points(POINTS_PER_REQUEST + i)));
    expect(serialisedIn).toEqual([]);
    while (fake.pending().length < 2) await turns.next();
    expect(serialisedIn[1]).toBeGreaterThan(serialisedIn[0]!);
    for (const call of fake.pending()) call.succeed();
    while (fake.pending().length < 1) await turns.next();
    fake.last().succeed();
    await Promise.all(attempts);
    loop.stop();
    expect(fake.written()).toHaveLength(2 * POINTS_PER_REQUEST + 1);
  });
});
