import { describe, expect, it } from 'vitest';
import { ForecastResidual } from '../../../ml/detectors/forecast-residual.ts';
import { thresholdScore } from '../../../ml/detectors/score-mapping.ts';
import { HoltWinters } from '../../../ml/models/holt-winters.ts';
import { intervalZ } from '../../../ml/models/lag/normal-quantile.ts';
import { LagRegressionForecaster } from '../../../ml/models/lag-regression-forecaster.ts';

const HOUR = 3_600_000;
const daily = (h: number) => 20 + 5 * Math.sin((2 * Math.PI * h) / 24) + ((h * 7919) % 11) / 10;

describe('ForecastResidual (known answers)', () => {
  it('scores 0.5 exactly on the edges of the Holt-Winters interval, by z·distance/half-width', () => {
    const d = new ForecastResidual({ stepMs: HOUR, coverage: 0.95 });
    const hw = new HoltWinters({ stepMs: HOUR });
    expect(d.scoreOne({ value: 1 }, 0)).toBe(0);
    for (let h = 0; h < 72; h++) {
      d.learnOne({ value: daily(h) }, h * HOUR);
      hw.learnOne(daily(h), h * HOUR);
    }
    const ts = 72 * HOUR;
    const [f] = hw.forecast([ts], 0.95);
    const z = intervalZ(0.95);
    expect(d.scoreOne({ value: f!.upper }, ts)).toBe(0.5);
    expect(d.scoreOne({ value: f!.lower }, ts)).toBe(0.5);
    expect(d.scoreOne({ value: f!.value }, ts)).toBe(thresholdScore(0, z));
    const far = f!.value + 2 * (f!.upper - f!.value);
    expect(d.scoreOne({ value: far }, ts)).toBe(thresholdScore(2 * z, z));
    expect(d.explainOne({ value: far }, ts)).toEqual({
      score: thresholdScore(2 * z, z),
      expected: f!.value,
      lower: f!.lower,
      upper: f!.upper,
      reason: expect.stringMatching(
        /^\S+ is above the 95% forecast interval \S+ to \S+ \(holt-winters expected \S+\)$/,
      ),
    });
  });

  it('passes its parameters to the lag regression forecaster when chosen', () => {
    const d = new ForecastResidual({ forecaster: 'lag-regression-forecaster', stepMs: HOUR, lags: 2 });
    const f = new LagRegressionForecaster({ stepMs: HOUR, lags: 2 });
    for (let h = 0; h < 100; h++) {
      d.learnOne({ value: daily(h) }, h * HOUR);
      f.learnOne(daily(h), h * HOUR);
    }
    const [forecast] = f.forecast([100 * HOUR], 0.997);
    expect(d.explainOne({ value: forecast!.upper }, 100 * HOUR)).toMatchObject({
      score: 0.5,
      expected: forecast!.value,
    });
  });

  it('does not learn a timestamp not after the last learned one, and explains the warm-up', () => {
    const d = new ForecastResidual({ stepMs: HOUR });
    d.learnOne({ value: 1 }, 5 * HOUR);
    d.learnOne({ value: 100 }, 5 * HOUR);
    d.learnOne({ value: 100 }, 4 * HOUR);
    expect(d.explainOne({ value: 1 }, 6 * HOUR)).toEqual({
      score: 0,
      reason: 'warming up (holt-winters has no forecast yet after 1 values)',
    });
  });

  it('refuses an unknown forecaster by name', () => {
    expect(() => new ForecastResidual({ forecaster: 'gru-forecaster' })).toThrow(
      'forecast-residual: forecaster must be one of holt-winters, lag-regression-forecaster, got "gru-forecaster"',
    );
  });
});
