import { describe, expect, it } from 'vitest';
import { createRandom } from '../../services/common/random.ts';
import { METRIC_PROFILES, publishedValue } from '../../simulators/metric-profiles.ts';
import { DAY_MS, drawSignal, expectedValue, sampleValue } from '../../simulators/signal-model.ts';

const params = {
  base: 20,
  dailyAmplitude: 5,
  peakOffsetMs: 15 * 3_600_000,
  noise: 0.5,
  driftPerDay: 1,
  origin: 0,
};

describe('signal model', () => {
  it('peaks at the peak hour and bottoms out 12 h later (the doc example)', () => {
    const flat = { ...params, driftPerDay: 0 };
    expect(expectedValue(flat, 15 * 3_600_000)).toBeCloseTo(25);
    expect(expectedValue(flat, 3 * 3_600_000)).toBeCloseTo(15);
    expect(expectedValue(flat, 15 * 3_600_000 + 7 * DAY_MS)).toBeCloseTo(25);
  });

  it('drifts linearly from the origin', () => {
    expect(expectedValue(params, 10 * DAY_MS + 15 * 3_600_000)).toBeCloseTo(35.625);
  });

  it('adds Gaussian noise of the drawn standard deviation', () => {
    const random = createRandom(1);
    const errors = Array.from(
      { length: 20_000 },
      () => sampleValue(params, 0, random) - expectedValue(params, 0),
    );
    const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
    const sd = Math.sqrt(errors.reduce((s, e) => s + (e - mean) ** 2, 0) / errors.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(sd).toBeCloseTo(0.5, 1);
  });

  it('draws parameters inside the profile ranges', () => {
    const random = createRandom(2);
    for (const profile of Object.values(METRIC_PROFILES)) {
      const p = drawSignal(profile, random, 0);
      expect(p.base).toBeGreaterThanOrEqual(profile.base[0]);
      expect(p.base).toBeLessThan(profile.base[1]);
      expect(p.noise).toBeGreaterThanOrEqual(profile.noise[0]);
      expect(p.peakOffsetMs / 3_600_000).toBeLessThan(profile.peakHour[1]);
    }
  });

  it('publishes values clamped and rounded', () => {
    expect(publishedValue(METRIC_PROFILES.humidity, 104.26)).toBe(100);
    expect(publishedValue(METRIC_PROFILES.temperature, 21.23456)).toBe(21.23);
    expect(publishedValue(METRIC_PROFILES.power, -3)).toBe(0);
  });
});
