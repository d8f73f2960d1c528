import { describe, expect, it } from 'vitest';
import { seriesKey } from '../../../services/domain/reading.ts';
import { SeriesKeyInterner, seriesKeySelector } from '../../../services/domain/series-key-interner.ts';

describe('SeriesKeyInterner', () => {
  it('gives the series key of a device and metric', () => {
    const keys = new SeriesKeyInterner();
    expect(keys.key('boiler-1', 'temperature')).toBe(seriesKey('boiler-1', 'temperature'));
    expect(keys.key('boiler-1', 'humidity')).toBe('boiler-1/humidity');
    expect(keys.key('boiler-2', 'temperature')).toBe('boiler-2/temperature');
  });

  it('stays right past the metrics it remembers for one device', () => {
    const keys = new SeriesKeyInterner();
    for (let i = 0; i < 2_000; i++) expect(keys.key('d', `m${i}`)).toBe(`d/m${i}`);
    expect(keys.key('d', 'm1999')).toBe('d/m1999');
  });

  it('stays right when it starts over after maxDevices devices', () => {
    const keys = new SeriesKeyInterner(2);
    for (let round = 0; round < 3; round++) {
      for (const device of ['a', 'b', 'c']) expect(keys.key(device, 'm')).toBe(`${device}/m`);
    }
  });

  it('seriesKeySelector keys a reading by its series', () => {
    const select = seriesKeySelector();
    expect(select({ device: 'boiler-1', metric: 'temperature', ts: 0, value: 1 })).toBe(
      'boiler-1/temperature',
    );
  });
});
