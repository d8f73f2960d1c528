import { describe, expect, it } from 'vitest';
import {
  fromLocalInput,
  isRangePreset,
  parseRouteTime,
  rangeParams,
  resolveTimeRange,
  toLocalInput,
} from '../../../../dashboards/src/pages/device/time-range.ts';

const NOW = 1_700_000_000_000;
const q = (text: string) => new URLSearchParams(text);

describe('resolveTimeRange', () => {
  it('follows the last hour before now by default', () => {
    expect(resolveTimeRange(q(''), NOW)).toEqual({
      from: NOW - 3_600_000,
      to: NOW,
      preset: '1h',
      follow: true,
    });
  });

  it('follows the last preset chosen', () => {
    expect(resolveTimeRange(q('range=15m'), NOW)).toMatchObject({
      from: NOW - 900_000,
      to: NOW,
      follow: true,
    });
    expect(resolveTimeRange(q('range=24h'), NOW)).toMatchObject({ from: NOW - 86_400_000, preset: '24h' });
  });

  it('centres the preset on "at", as the anomalies page links', () => {
    expect(resolveTimeRange(q(`at=${NOW - 7_200_000}`), NOW)).toEqual({
      from: NOW - 7_200_000 - 1_800_000,
      to: NOW - 7_200_000 + 1_800_000,
      preset: '1h',
      follow: false,
      at: NOW - 7_200_000,
    });
    expect(resolveTimeRange(q('at=2023-11-14T22:13:20Z&range=6h'), 0)).toMatchObject({
      from: NOW - 3 * 3_600_000,
      to: NOW + 3 * 3_600_000,
      at: NOW,
    });
  });

  it('takes a custom from–to before "at", and ignores a reversed or broken one', () => {
    expect(resolveTimeRange(q(`from=1000&to=5000&at=3000`), NOW)).toEqual({
      from: 1_000,
      to: 5_000,
      preset: 'custom',
      follow: false,
    });
    expect(resolveTimeRange(q('from=5000&to=1000'), NOW)).toMatchObject({ preset: '1h', follow: true });
    expect(resolveTimeRange(q('from=soon&to=later&range=2y'), NOW)).toMatchObject({
      preset: '1h',
      follow: true,
    });
  });
});

describe('rangeParams', () => {
  it('turns a choice into route params', () => {
    expect(rangeParams({ preset: '6h' })).toEqual({ range: '6h' });
    expect(rangeParams({ preset: '1h', at: 12.7 })).toEqual({ range: '1h', at: '12' });
    expect(rangeParams({ preset: 'custom', from: 0, to: 1000 })).toEqual({ from: '0', to: '1000' });
  });

  it('round-trips through resolveTimeRange', () => {
    const params = new URLSearchParams(rangeParams({ preset: 'custom', from: NOW - 10, to: NOW }));
    expect(resolveTimeRange(params, 0)).toMatchObject({ from: NOW - 10, to: NOW, preset: 'custom' });
  });

  it('refuses a custom range whose "from" is not before "to"', () => {
    expect(() => rangeParams({ preset: 'custom', from: 5, to: 5 })).toThrow(/"from" before "to"/);
  });
});

describe('route times and inputs', () => {
  it('parses epoch ms and ISO times, and nothing else', () => {
    expect(parseRouteTime('1700000000000')).toBe(NOW);
    expect(parseRouteTime('2023-11-14T22:13:20Z')).toBe(NOW);
    expect(parseRouteTime('tomorrow')).toBeUndefined();
    expect(parseRouteTime('')).toBeUndefined();
    expect(parseRouteTime(null)).toBeUndefined();
  });

  it('knows its presets', () => {
    expect(isRangePreset('15m')).toBe(true);
    expect(isRangePreset('toString')).toBe(false);
    expect(isRangePreset(null)).toBe(false);
  });

  it('writes and reads datetime-local values to the minute', () => {
    const minute = NOW - (NOW % 60_000);
    expect(toLocalInput(minute)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInput(toLocalInput(minute))).toBe(minute);
    expect(fromLocalInput(`${toLocalInput(minute)}:30`)).toBe(minute + 30_000);
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('2024-05-01')).toBeUndefined();
  });
});
