import { describe, expect, it } from 'vitest';
import {
  LagRegressionForecaster,
  lagRegressionForecasterSpec,
} from '../../../ml/models/lag-regression-forecaster.ts';
import { createRandom } from '../../../services/common/random.ts';
import { estimatorConformance, seasonalStream } from '../support/conformance.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);

estimatorConformance(lagRegressionForecasterSpec, () => seasonalStream({ n: 24 * 4 }), {
  params: { stepMs: 3_600_000, lags: 3 },
});
estimatorConformance(lagRegressionForecasterSpec, () => seasonalStream({ n: 24 * 6 }), {
  params: { stepMs: 3_600_000, lags: 2, dayOfWeek: true },
  title: 'lag-regression-forecaster with day of week',
});

/** A noiseless AR(2) with both roots on the unit circle, so it neither dies out nor explodes. */
const PHI1 = 2 * Math.cos(0.3);
const PHI2 = -1;
function ar2(n: number): number[] {
  const y = [1, Math.cos(0.3) + 0.5];
  while (y.length < n) y.push(PHI1 * y.at(-1)! + PHI2 * y.at(-2)!);
  return y;
}

describe('LagRegressionForecaster', () => {
  it('recovers the coefficients of a noiseless AR(2) series', () => {
    // RLS is least squares with a prior I/δ towards 0 (see its own test): a large δ makes it vanish.
    for (const forgetting of [1, 0.999]) {
      const f = new LagRegressionForecaster({ stepMs: MINUTE, lags: 2, forgetting, delta: 1e6 });
      ar2(3000).forEach((y, i) => {
        f.learnOne(y, T0 + i * MINUTE);
      });
      const w = f.coefficients();
      expect(Math.abs(w.lag1! - PHI1)).toBeLessThan(1e-6);
      expect(Math.abs(w.lag2! - PHI2)).toBeLessThan(1e-6);
      for (const name of ['bias', 'daySin', 'dayCos']) expect(Math.abs(w[name]!)).toBeLessThan(1e-6);
    }
    const byDefault = new LagRegressionForecaster({ stepMs: MINUTE, lags: 2 });
    ar2(3000).forEach((y, i) => {
      byDefault.learnOne(y, T0 + i * MINUTE);
    });
    expect(byDefault.coefficients().lag1).toBeCloseTo(PHI1, 5);
  });

  it('forecasts the continuation by recursion, also across a gap', () => {
    const y = ar2(3100);
    const f = new LagRegressionForecaster({ stepMs: MINUTE, lags: 2, forgetting: 1, delta: 1e6 });
    y.slice(0, 3000).forEach((v, i) => {
      if (i < 2990 || i > 2993) f.learnOne(v, T0 + i * MINUTE); // buckets 2990–2993 missing
    });
    const ahead = [3000, 3001, 3010, 3050];
    const forecasts = f.forecast(ahead.map((i) => T0 + i * MINUTE));
    forecasts.forEach((p, k) => {
      expect(Math.abs(p.value - y[ahead[k]!]!)).toBeLessThan(1e-5);
    });
  });

  it('learns the time of day when the series is a daily cycle plus an AR(1) part', () => {
    // y_t = 0.5·y_{t−1} + 4·sin(2π·day fraction) + 3, exactly a lag-1 regression with time features.
    const f = new LagRegressionForecaster({ stepMs: 15 * MINUTE, lags: 1, forgetting: 1, delta: 1e9 });
    let y = 0;
    for (let i = 0; i < 96 * 10; i++) {
      const ts = T0 + i * 15 * MINUTE;
      y = 0.5 * y + 4 * Math.sin((2 * Math.PI * (ts - T0)) / 86_400_000) + 3;
      f.learnOne(y, ts);
    }
    const w = f.coefficients();
    expect(w.lag1).toBeCloseTo(0.5, 6);
    expect(w.daySin).toBeCloseTo(4, 6);
    expect(w.dayCos).toBeCloseTo(0, 6);
    expect(w.bias).toBeCloseTo(3, 6);
  });

  it('learns the mean of several readings in one bucket', () => {
    const once = new LagRegressionForecaster({ stepMs: MINUTE, lags: 2 });
    const several = new LagRegressionForecaster({ stepMs: MINUTE, lags: 2 });
    ar2(400).forEach((v, i) => {
      once.learnOne(v, T0 + i * MINUTE);
      several.learnOne(v + 1, T0 + i * MINUTE);
      several.learnOne(v - 1, T0 + i * MINUTE + 30_000);
    });
    const at = [T0 + 400 * MINUTE, T0 + 405 * MINUTE];
    const expected = once.forecast(at);
    several.forecast(at).forEach((p, k) => {
      expect(p.value).toBeCloseTo(expected[k]!.value, 9);
      expect(p.upper).toBeCloseTo(expected[k]!.upper, 9);
    });
  });

  it('clears its lags after a gap longer than maxGapSteps', () => {
    const f = new LagRegressionForecaster({ stepMs: MINUTE, lags: 2, maxGapSteps: 10 });
    const y = ar2(200);
    y.forEach((v, i) => {
      f.learnOne(v, T0 + i * MINUTE);
    });
    expect(f.forecast([T0 + 200 * MINUTE])).toHaveLength(1);
    f.learnOne(1, T0 + 300 * MINUTE); // closes bucket 199; bucket 300 opens 100 buckets later
    f.learnOne(1, T0 + 301 * MINUTE); // closes 300 after a long gap: lags cleared, one value so far
    expect(f.forecast([T0 + 302 * MINUTE])).toEqual([]);
    f.learnOne(1, T0 + 302 * MINUTE);
    f.learnOne(1, T0 + 303 * MINUTE);
    expect(f.forecast([T0 + 304 * MINUTE])).toHaveLength(1);
  });

  it('gives AR intervals: σ_h² = σ²·Σ ψ_j², covering noisy AR(1) data at the stated rate', () => {
    const random = createRandom(11);
    const f = new LagRegressionForecaster({ stepMs: MINUTE, lags: 1, forgetting: 1 });
    let y = 0;
    let hits = 0;
    let counted = 0;
    for (let i = 0; i < 5000; i++) {
      y = 0.8 * y + random.normal();
      const [p] = f.forecast([T0 + i * MINUTE], 0.9);
      if (p && i > 200) {
        counted++;
        if (y >= p.lower && y <= p.upper) hits++;
      }
      f.learnOne(y, T0 + i * MINUTE);
    }
    expect(hits / counted).toBeGreaterThan(0.88);
    expect(hits / counted).toBeLessThan(0.92);
    const phi = f.coefficients().lag1!;
    expect(phi).toBeCloseTo(0.8, 1);
    // The open bucket is 4999 (its mean applied): 5000 is one step ahead.
    const [h1, h2, h5] = f.forecast([5000, 5001, 5004].map((i) => T0 + i * MINUTE));
    const width = (p: { lower: number; upper: number }) => p.upper - p.lower;
    expect(width(h2!) / width(h1!)).toBeCloseTo(Math.sqrt(1 + phi ** 2), 9);
    const sum5 = [0, 1, 2, 3, 4].reduce((a, j) => a + phi ** (2 * j), 0);
    expect(width(h5!) / width(h1!)).toBeCloseTo(Math.sqrt(sum5), 9);
  });

  it('is empty until the lags are full and it has learned as many buckets as it has weights', () => {
    const f = new LagRegressionForecaster({ stepMs: MINUTE, lags: 2 }); // 5 weights
    const y = ar2(20);
    for (let i = 0; i < 8; i++) {
      f.learnOne(y[i]!, T0 + i * MINUTE); // closes bucket i − 1: buckets 2..6 learned by i = 7
      expect(f.forecast([T0 + (i + 1) * MINUTE])).toEqual([]);
    }
    f.learnOne(y[8]!, T0 + 8 * MINUTE); // bucket 7: the first residual once trained
    expect(f.forecast([T0 + 9 * MINUTE])).toHaveLength(1);
  });

  it('rejects bad hyperparameters', () => {
    expect(() => new LagRegressionForecaster({ lags: 0 })).toThrow(/lags/);
    expect(() => new LagRegressionForecaster({ forgetting: 0 })).toThrow(/forgetting/);
    expect(() => new LagRegressionForecaster({ stepMs: 0.5 })).toThrow(/stepMs/);
  });
});
