import { describe, expect, it } from 'vitest';
import {
  deviceId,
  generationAt,
  messageDevice,
  PROBE_PREFIX,
  seededNormal,
  spikeAfterMs,
} from '../../../bench/soak/device-rotation.ts';

const plan = { devices: 100, rotateEveryMs: 30_000, probeEvery: 50 };

describe('device rotation', () => {
  it('rotates the set of ids every rotateEveryMs, each id unique over the soak', () => {
    expect([0, 29_999, 30_000, 65_000].map((t) => generationAt(t, 30_000))).toEqual([0, 0, 1, 2]);
    expect(deviceId(0, 7, 50)).not.toBe(deviceId(1, 7, 50));
  });

  it('sends round robin, one device in probeEvery a probe', () => {
    const ids = Array.from({ length: 200 }, (_, seq) => messageDevice(plan, 3, seq));
    expect(new Set(ids).size).toBe(100);
    expect(ids.filter((id) => id.startsWith(PROBE_PREFIX))).toEqual([
      'probe-g3-0',
      'probe-g3-50',
      'probe-g3-0',
      'probe-g3-50',
    ]);
  });

  it('spikes a set only after the detectors warmed up', () => {
    expect(spikeAfterMs({ ...plan, devices: 1000 }, 2000)).toBe(10_000); // 20 readings at 2/s
    expect(spikeAfterMs({ ...plan, devices: 100 }, 2000)).toBe(5_000);
    expect(spikeAfterMs({ ...plan, devices: 1000 }, 500)).toBe(40_000); // 20 readings at 0.5/s
  });

  it('draws the same noise for the same seed', () => {
    const a = seededNormal(7);
    const b = seededNormal(7);
    const drawn = Array.from({ length: 1000 }, () => a());
    expect(drawn).toEqual(Array.from({ length: 1000 }, () => b()));
    const mean = drawn.reduce((s, x) => s + x, 0) / drawn.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
  });
});
