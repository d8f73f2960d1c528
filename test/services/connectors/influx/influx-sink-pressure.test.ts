import { describe, expect, it } from 'vitest';
import type { InfluxSpillStats } from '../../../../services/connectors/influx/influx-sink-options.ts';
import { InfluxSinkPressure } from '../../../../services/connectors/influx/influx-sink-pressure.ts';
import { captureLogger } from './fake-influx-writer.ts';

function setUp(maxBufferedPoints = 10) {
  let now = 0;
  const { logger, entries } = captureLogger();
  const pressure = new InfluxSinkPressure({
    name: 'influx',
    endpoint: 'http://influx/eddy',
    logger,
    limits: { maxBufferedPoints },
    now: () => now,
    lastError: () => 'ECONNREFUSED',
  });
  return { pressure, entries, advance: (ms: number) => (now += ms) };
}

function spillStats(spills: number, bytes = 100): InfluxSpillStats {
  return { spilling: true, pointsSpilled: 0, bytesSpilled: 0, bytes, segments: 1, spills };
}

describe('InfluxSinkPressure', () => {
  it('is writable below maxBufferedPoints without a spill, and unless a spilling queue is full with one', () => {
    const { pressure } = setUp(10);
    expect(pressure.writable(9, undefined)).toBe(true);
    expect(pressure.writable(10, undefined)).toBe(false);
    expect(pressure.writable(1_000, { spilling: false, full: true })).toBe(true);
    expect(pressure.writable(0, { spilling: true, full: true })).toBe(false);
  });

  it('counts the points past maxBufferedPoints and warns once until the buffer is back under it', () => {
    const { pressure, entries } = setUp(10);
    pressure.overBuffer(4, 9);
    pressure.overBuffer(3, 12);
    pressure.overBuffer(5, 17);
    pressure.spilledOverLimit(2);
    expect(pressure.pointsOverLimit).toBe(2 + 5 + 2);
    expect(entries.filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual([
      'influx: 12 points wait for http://influx/eddy (maxBufferedPoints 10); sources that can pause are held, ' +
        'what still arrives is kept in memory (no spill dir) until InfluxDB catches up (last error: ECONNREFUSED)',
    ]);
    pressure.settled(9, undefined);
    expect(entries.at(-1)?.msg).toBe('influx: buffer back under maxBufferedPoints');
  });

  it('holds until settled finds it writable, timing the stretch and calling the drain listeners', () => {
    const { pressure, advance } = setUp(10);
    let drains = 0;
    pressure.onDrain(() => drains++);
    pressure.hold(undefined);
    advance(300);
    expect(pressure.held).toBe(true);
    expect(pressure.heldMs()).toBe(300);
    pressure.settled(10, undefined);
    expect(drains).toBe(0);
    advance(200);
    pressure.settled(9, undefined);
    expect(drains).toBe(1);
    expect(pressure.held).toBe(false);
    expect(pressure.heldMs()).toBe(500);
  });

  it('warns about a full spill queue once per spell of spilling', () => {
    const { pressure, entries } = setUp(10);
    const full = { spilling: true, full: true };
    pressure.hold(spillStats(1));
    pressure.settled(0, { spilling: false, full: false });
    pressure.hold(spillStats(1));
    pressure.settled(0, { spilling: false, full: false });
    pressure.hold(spillStats(2, 2048));
    expect(pressure.writable(0, full)).toBe(false);
    expect(entries.filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual([
      'influx: the spill queue holds 100 bytes (maxSpillBytes); holding the sources until http://influx/eddy ' +
        'takes more (last error: ECONNREFUSED)',
      'influx: the spill queue holds 2048 bytes (maxSpillBytes); holding the sources until http://influx/eddy ' +
        'takes more (last error: ECONNREFUSED)',
    ]);
  });
});
