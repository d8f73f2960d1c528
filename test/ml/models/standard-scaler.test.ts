import { describe, expect, it } from 'vitest';
import { StandardScaler, standardScalerSpec } from '../../../ml/models/standard-scaler.ts';
import { estimatorConformance, linearStream } from '../support/conformance.ts';

estimatorConformance(standardScalerSpec, () => linearStream({ n: 100 }));
estimatorConformance(standardScalerSpec, () => linearStream({ n: 100 }), {
  params: { withMean: false },
  title: 'standard-scaler (withMean false)',
});

describe('StandardScaler', () => {
  const values = [2, 4, 4, 4, 5, 5, 7, 9];
  // mean 5, sum of squared deviations 32, sample variance 32 / 7
  const std = Math.sqrt(32 / 7);

  it('scales with the running mean and sample standard deviation', () => {
    const s = new StandardScaler();
    for (const t of values) s.learnOne({ t });
    expect(s.transformOne({ t: 8 }).t).toBeCloseTo(3 / std, 12);
  });

  it('has the documented example', () => {
    const s = new StandardScaler();
    for (const x of [{ t: 1 }, { t: 2 }, { t: 3 }]) s.learnOne(x);
    expect(s.transformOne({ t: 4 })).toEqual({ t: 2 });
  });

  it('withMean false only divides; withStd false only centres', () => {
    const onlyStd = new StandardScaler({ withMean: false });
    const onlyMean = new StandardScaler({ withStd: false });
    for (const t of values) {
      onlyStd.learnOne({ t });
      onlyMean.learnOne({ t });
    }
    expect(onlyStd.transformOne({ t: 8 }).t).toBeCloseTo(8 / std, 12);
    expect(onlyMean.transformOne({ t: 8 }).t).toBeCloseTo(3, 12);
  });

  it('gives 0 where the standard deviation is 0 or the feature is new', () => {
    const s = new StandardScaler();
    s.learnOne({ a: 3 });
    expect(s.transformOne({ a: 5, b: 7 })).toEqual({ a: 0, b: 0 });
  });

  it('keeps each feature to the values it was seen with', () => {
    const s = new StandardScaler();
    s.learnOne({ a: 1, b: 10 });
    s.learnOne({ a: 3 });
    s.learnOne({ b: 20 });
    expect(s.transformOne({ a: 2, b: 15 })).toEqual({ a: 0, b: 0 });
    expect(s.transformOne({ a: 3 }).a).toBeCloseTo(1 / Math.sqrt(2), 12);
  });
});
