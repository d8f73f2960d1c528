import { describe, expect, it } from 'vitest';
import { HoltWinters, holtWintersSpec } from '../../../ml/models/holt-winters.ts';
import { holtWintersVarianceFactor } from '../../../ml/models/lag/holt-winters-equations.ts';
import { createRandom } from '../../../services/common/random.ts';
import { estimatorConformance, seasonalStream } from '../support/conformance.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

estimatorConformance(holtWintersSpec, () => seasonalStream({ n: 24 * 4 }), { params: { stepMs: HOUR } });

/** A noiseless trend + season series: 50 + 0.3·i + pattern[i mod 6], one point an hour. */
const PATTERN = [3, 1, -2, -4, 0, 2];
const truth = (i: number) => 50 + 0.3 * i + PATTERN[i % 6]!;
const sixHourSeason = { stepMs: HOUR, seasonMs: 6 * HOUR, alpha: 0.4, beta: 0.2, gamma: 0.3 };

describe('HoltWinters', () => {
  it('with two initial seasons, starts from the exact level, trend and season of a noiseless series', () => {
    const hw = new HoltWinters({ ...sixHourSeason, initSeasons: 2 });
    for (let i = 0; i <= 12; i++) hw.learnOne(truth(i), T0 + i * HOUR); // bucket 12 closes the init window
    const c = hw.components()!;
    expect(c.level).toBeCloseTo(truth(11) - PATTERN[11 % 6]!, 9);
    expect(c.trend).toBeCloseTo(0.3, 12);
    // T0 is a multiple of 6 h, so phase i mod 6 is PATTERN[i mod 6].
    c.seasonals.forEach((s, p) => {
      expect(s).toBeCloseTo(PATTERN[p]!, 9);
    });
  });

  it('forecasts the continuation of a noiseless trend + season exactly after warm-up', () => {
    for (const initSeasons of [2, 1]) {
      const hw = new HoltWinters({ ...sixHourSeason, initSeasons });
      const n = initSeasons === 2 ? 40 : 400; // one season starts without a trend: it converges
      for (let i = 0; i < n; i++) hw.learnOne(truth(i), T0 + i * HOUR);
      const ahead = [0, 1, 5, 6, 17, 30].map((h) => n + h);
      const forecasts = hw.forecast(ahead.map((i) => T0 + i * HOUR));
      expect(forecasts).toHaveLength(ahead.length);
      forecasts.forEach((f, k) => {
        expect(Math.abs(f.value - truth(ahead[k]!))).toBeLessThan(1e-6);
      });
    }
  });

  it('follows the component-form equations step by step', () => {
    // Season 2 (one bucket an hour), α = β* = γ = 0.5, initialised from y = 11, 10, 13, 12:
    // level 13, trend 1, seasonals [1, −1] (phases of buckets 0 and 1).
    const hw = new HoltWinters({
      stepMs: HOUR,
      seasonMs: 2 * HOUR,
      alpha: 0.5,
      beta: 0.5,
      gamma: 0.5,
      initSeasons: 2,
    });
    [11, 10, 13, 12].forEach((y, i) => {
      hw.learnOne(y, i * HOUR);
    });
    hw.learnOne(16, 4 * HOUR); // closes bucket 3: initialised
    expect(hw.components()).toEqual({ level: 13, trend: 1, seasonals: [1, -1] });
    // Bucket 4 (phase 0), y = 16: ℓ = ½(16 − 1) + ½(13 + 1) = 14.5; b = ½(14.5 − 13) + ½·1 = 1.25;
    // s_0 = ½(16 − 13 − 1) + ½·1 = 1.5.
    hw.learnOne(0, 5 * HOUR); // closes bucket 4
    expect(hw.components()).toEqual({ level: 14.5, trend: 1.25, seasonals: [1.5, -1] });
    // Its one-step forecast of bucket 5 (phase 1): ℓ + b + s_1 = 14.5 + 1.25 − 1.
    hw.learnOne(0, 6 * HOUR); // closes bucket 5 with y = 0
    // Bucket 5 (phase 1), y = 0: ℓ = ½(0 + 1) + ½(14.5 + 1.25) = 8.375; b = ½(8.375 − 14.5) + ½·1.25 = −2.4375;
    // s_1 = ½(0 − 14.5 − 1.25) + ½(−1) = −8.375.
    const c = hw.components()!;
    expect(c.level).toBeCloseTo(8.375, 12);
    expect(c.trend).toBeCloseTo(-2.4375, 12);
    expect(c.seasonals).toEqual([1.5, -8.375]);
  });

  it('advances through missing buckets without an observation', () => {
    const hw = new HoltWinters({ ...sixHourSeason, initSeasons: 2 });
    const gappy = new HoltWinters({ ...sixHourSeason, initSeasons: 2 });
    const missing = new Set([14, 15, 16, 23, 40, 41, 42, 43, 44, 45, 46, 47, 48]);
    for (let i = 0; i < 80; i++) {
      hw.learnOne(truth(i), T0 + i * HOUR);
      if (!missing.has(i)) gappy.learnOne(truth(i), T0 + i * HOUR);
    }
    // Noiseless: gaps after the initialisation window lose nothing, both forecast the continuation exactly.
    const at = [80, 85, 99].map((i) => T0 + i * HOUR);
    gappy.forecast(at).forEach((f, k) => {
      expect(f.value).toBeCloseTo(truth([80, 85, 99][k]!), 6);
    });
    // And a gap is ℓ ← ℓ + b with b and the seasonals unchanged: from bucket 5 to 7 of a fresh model.
    const one = new HoltWinters({
      stepMs: HOUR,
      seasonMs: 2 * HOUR,
      alpha: 0.5,
      beta: 0.5,
      gamma: 0.5,
      initSeasons: 2,
    });
    [11, 10, 13, 12, 16].forEach((y, i) => {
      one.learnOne(y, i * HOUR);
    });
    one.learnOne(20, 7 * HOUR); // closes bucket 4 (ℓ 14.5, b 1.25, s [1.5, −1]); buckets 5, 6 missing
    one.learnOne(0, 8 * HOUR); // closes bucket 7 (phase 1) with y = 20, after ℓ = 14.5 + 2·1.25 = 17
    const c = one.components()!;
    expect(c.level).toBeCloseTo(0.5 * (20 + 1) + 0.5 * (17 + 1.25), 12);
    expect(c.seasonals[1]).toBeCloseTo(0.5 * (20 - 17 - 1.25) + 0.5 * -1, 12);
    expect(c.seasonals[0]).toBe(1.5);
  });

  it('learns the mean of several readings in one bucket', () => {
    const once = new HoltWinters(sixHourSeason);
    const several = new HoltWinters(sixHourSeason);
    for (let i = 0; i < 50; i++) {
      once.learnOne(truth(i), T0 + i * HOUR);
      several.learnOne(truth(i) - 2, T0 + i * HOUR);
      several.learnOne(truth(i) + 1, T0 + i * HOUR + 600_000);
      several.learnOne(truth(i) + 1, T0 + i * HOUR + 1_200_000);
    }
    const at = [T0 + 50 * HOUR, T0 + 53 * HOUR];
    const a = once.forecast(at);
    const b = several.forecast(at);
    b.forEach((f, k) => {
      expect(f.value).toBeCloseTo(a[k]!.value, 9);
    });
  });

  it('is empty before the first season is learned, and drops late readings', () => {
    const hw = new HoltWinters(sixHourSeason);
    for (let i = 0; i < 7; i++) hw.learnOne(truth(i), T0 + i * HOUR);
    expect(hw.forecast([T0 + 7 * HOUR])).toEqual([]); // initialised at bucket 6, no residual yet
    hw.learnOne(truth(7), T0 + 7 * HOUR);
    expect(hw.forecast([T0 + 8 * HOUR])).toHaveLength(1);
    const before = JSON.stringify(hw.snapshot());
    hw.learnOne(1000, T0 + 2 * HOUR);
    expect(JSON.stringify(hw.snapshot())).toBe(before);
  });

  it('rejects bad hyperparameters and coverage', () => {
    expect(() => new HoltWinters({ stepMs: 7 * 60_000 })).toThrow(/multiple/);
    expect(() => new HoltWinters({ alpha: 1.5 })).toThrow(/alpha/);
    const hw = new HoltWinters();
    expect(() => hw.forecast([0], 1)).toThrow(/coverage/);
  });

  it('closed-form h-step variance equals 1 + Σ c_j², c_j = α + jβ + γ[j mod m = 0]', () => {
    const [alpha, beta, gamma, m] = [0.4, 0.08, 0.3, 6];
    let sum = 0;
    for (let h = 1; h <= 40; h++) {
      expect(holtWintersVarianceFactor(h, alpha, beta, gamma, m)).toBeCloseTo(1 + sum, 9);
      sum += (alpha + h * beta + (h % m === 0 ? gamma : 0)) ** 2;
    }
  });

  it('gives intervals that cover ETS(A,A,A) data at the stated rate, widening with the horizon', () => {
    // Simulate y_t = ℓ + b + s + ε, ℓ ← ℓ + b + αε, b ← b + αβ*ε, s ← s + γε (the state-space form
    // of the same model), σ = 1, and check prequential 1-step and 8-step 90% coverage.
    const p = { ...sixHourSeason, initSeasons: 2 };
    const random = createRandom(7);
    let [level, trend] = [100, 0.1];
    const season = [...PATTERN];
    const ys: number[] = [];
    for (let i = 0; i < 6000; i++) {
      const e = random.normal();
      const phase = i % 6;
      ys.push(level + trend + season[phase]! + e);
      level += trend + p.alpha * e;
      trend += p.alpha * p.beta * e;
      season[phase]! += p.gamma * e;
    }
    const hw = new HoltWinters(p);
    const hits = { 1: 0, 8: 0 };
    const counts = { 1: 0, 8: 0 };
    const pending: { i: number; lower: number; upper: number; h: 1 | 8 }[] = [];
    ys.forEach((y, i) => {
      for (const f of pending.filter((q) => q.i === i)) {
        counts[f.h]++;
        if (y >= f.lower && y <= f.upper) hits[f.h]++;
      }
      // the bucket i − 1 is learned once bucket i's reading arrives: forecast i + 1 (1 ahead) and i + 8
      const [one, eight] = hw.forecast([T0 + (i + 1) * HOUR, T0 + (i + 8) * HOUR], 0.9);
      if (i > 200 && one && eight) {
        pending.push({ i: i + 1, lower: one.lower, upper: one.upper, h: 1 }, { i: i + 8, ...eight, h: 8 });
        expect(eight.upper - eight.lower).toBeGreaterThan(one.upper - one.lower);
      }
      hw.learnOne(y, T0 + i * HOUR);
    });
    expect(hits[1] / counts[1]).toBeGreaterThan(0.88);
    expect(hits[1] / counts[1]).toBeLessThan(0.92);
    expect(hits[8] / counts[8]).toBeGreaterThan(0.88);
    expect(hits[8] / counts[8]).toBeLessThan(0.92);
  });
});
