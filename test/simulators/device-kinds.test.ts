import { describe, expect, it } from 'vitest';
import { DEVICE_ID_PATTERN, METRIC_NAME_PATTERN } from '../../services/domain/reading.ts';
import { DEVICE_KINDS, deviceIdOf, kindOfDevice } from '../../simulators/device-kinds.ts';
import { deviceStream } from '../../simulators/seeded-streams.ts';

describe('device kinds and ids', () => {
  it('deals kinds round-robin (the doc examples)', () => {
    expect(kindOfDevice(0)).toBe('env');
    expect(kindOfDevice(6)).toBe('motor');
    expect(kindOfDevice(3, ['meter'])).toBe('meter');
  });

  it('names devices with valid ids and metrics with valid lowercase names', () => {
    expect([deviceIdOf(0), deviceIdOf(6), deviceIdOf(12_344)]).toEqual(['sim-0001', 'sim-0007', 'sim-12345']);
    expect(deviceIdOf(99_999, 'plant.a_1')).toMatch(DEVICE_ID_PATTERN);
    for (const metrics of Object.values(DEVICE_KINDS)) {
      for (const m of metrics) expect(m).toMatch(METRIC_NAME_PATTERN);
      for (const m of metrics) expect(m).toBe(m.toLowerCase());
    }
  });

  it('derives independent streams per seed, device and purpose', () => {
    const first = (seed: number, id: string, purpose: 'noise' | 'faults') =>
      deviceStream(seed, id, purpose).next();
    expect(first(1, 'sim-0001', 'noise')).toBe(first(1, 'sim-0001', 'noise'));
    const all = [
      first(1, 'sim-0001', 'noise'),
      first(2, 'sim-0001', 'noise'),
      first(1, 'sim-0002', 'noise'),
      first(1, 'sim-0001', 'faults'),
    ];
    expect(new Set(all).size).toBe(4);
  });
});
