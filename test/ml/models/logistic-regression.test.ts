import { describe, expect, it } from 'vitest';
import { LogisticRegression, logisticRegressionSpec } from '../../../ml/models/logistic-regression.ts';
import { blobsStream, estimatorConformance } from '../support/conformance.ts';

estimatorConformance(logisticRegressionSpec, () => blobsStream({ n: 200 }));
estimatorConformance(logisticRegressionSpec, () => blobsStream({ n: 200, labels: ['benign', 'malignant'] }), {
  params: { reg: 0.1, elasticNet: 0.5, globalBatchSize: 8 },
  title: 'logistic-regression (L1+L2, batches of 8, text labels)',
});

describe('LogisticRegression (FTRL-Proximal)', () => {
  // McMahan et al. 2013, Algorithm 1, with α = 0.5, β = 1, λ1 = λ2 = 0.5 (reg 1, elasticNet 0.5),
  // no intercept. Values computed by hand from the update equations (step 1 in exact fractions,
  // steps 2-3 by a separate scalar transcript of the same equations in Python, printed to 17 digits).
  const params = { alpha: 0.5, beta: 1, reg: 1, elasticNet: 0.5, fitIntercept: false };

  it('matches the published update equations step by step', () => {
    const m = new LogisticRegression(params);

    // step 1: w = 0 so p = 1/2; y = 1: g_a = -1/2, g_b = -1; σ_i = √(g_i²)/α; z_i = g_i (w was 0)
    m.learnOne({ a: 1, b: 2 }, 1);
    expect(m.accumulators('a')).toEqual({ z: -0.5, n: 0.25 });
    expect(m.accumulators('b')).toEqual({ z: -1, n: 1 });
    // |z_a| = 0.5 ≤ λ1 → w_a = 0;  w_b = -(z_b + λ1) / ((β + √n_b)/α + λ2) = 0.5 / 4.5
    expect(m.weight('a')).toBe(0);
    expect(m.weight('b')).toBeCloseTo(1 / 9, 15);

    // step 2: p = σ(0.5/9) with y = 0, x = {a: -1, b: 0.5}
    expect(m.probability({ a: -1, b: 0.5 })).toBeCloseTo(1 / (1 + Math.exp(-0.5 / 9)), 15);
    m.learnOne({ a: -1, b: 0.5 }, 0);
    expect(m.accumulators('a').z).toBeCloseTo(-1.0138853177460048, 14);
    expect(m.accumulators('a').n).toBeCloseTo(0.5140781197949125, 14);
    expect(m.accumulators('b').z).toBeCloseTo(-0.750275611735824, 14);
    expect(m.accumulators('b').n).toBeCloseTo(1.066019529948728, 14);
    expect(m.weight('a')).toBeCloseTo(0.13062717335400972, 14);
    expect(m.weight('b')).toBeCloseTo(0.05482531469262996, 14);

    // step 3: b is missing (counts as 0): only a moves
    expect(m.probability({ a: 2 })).toBeCloseTo(0.5649446129693952, 14);
    m.learnOne({ a: 2 }, 1);
    expect(m.accumulators('a').z).toBeCloseTo(-1.9912330924783825, 14);
    expect(m.accumulators('a').n).toBeCloseTo(1.2711708789323097, 14);
    expect(m.accumulators('b')).toEqual({ z: -0.750275611735824, n: 1.066019529948728 });
    expect(m.weight('a')).toBeCloseTo(0.3136186833195977, 14);
  });

  it('averages gradients per coordinate over a global batch, as Flink ML does', () => {
    const batched = new LogisticRegression({ ...params, globalBatchSize: 2 });
    batched.learnOne({ a: 1, b: 2 }, 1);
    expect(batched.accumulators('a')).toEqual({ z: 0, n: 0 }); // nothing until the batch is full
    batched.learnOne({ a: 3 }, 1);
    // both at w = 0, p = 1/2: g_a = mean(-1/2, -3/2) = -1, g_b = -1 (only the first example has b)
    expect(batched.accumulators('a')).toEqual({ z: -1, n: 1 });
    expect(batched.accumulators('b')).toEqual({ z: -1, n: 1 });
  });

  it('maps labels by positiveLabel, and refuses a third label', () => {
    const m = new LogisticRegression({ positiveLabel: 'yes' });
    m.learnOne({ a: 1 }, 'yes');
    expect(m.predictProbaOne({ a: 1 })).toEqual(new Map([['yes', 1]]));
    m.learnOne({ a: -1 }, 'no');
    for (let i = 0; i < 50; i++) {
      m.learnOne({ a: 1 }, 'yes');
      m.learnOne({ a: -1 }, 'no');
    }
    expect(m.weight('a')).toBeGreaterThan(0);
    expect(m.predictOne({ a: 2 })).toBe('yes');
    expect(() => m.learnOne({ a: 0 }, 'maybe')).toThrow(/third/);
  });

  it("takes the label '1' as positive by default, else the second label seen", () => {
    const numeric = new LogisticRegression();
    numeric.learnOne({ a: 1 }, 1);
    numeric.learnOne({ a: -1 }, 0);
    expect(numeric.accumulators('a').z).toBeLessThan(0); // pushed towards w_a > 0: 1 is positive
    const text = new LogisticRegression();
    text.learnOne({ a: 1 }, 'first');
    text.learnOne({ a: -1 }, 'second');
    expect(text.accumulators('a').z).toBeGreaterThan(0); // 'first' is the negative class
  });

  it('has the documented example', () => {
    const model = new LogisticRegression({ alpha: 0.5, beta: 1 });
    model.learnOne({ x: 1 }, 1);
    model.learnOne({ x: -1 }, 0);
    expect(model.predictOne({ x: 2 })).toBe(1);
  });

  it('validates its hyperparameters', () => {
    expect(() => new LogisticRegression({ alpha: 0 })).toThrow(/alpha/);
    expect(() => new LogisticRegression({ elasticNet: 2 })).toThrow(/elasticNet/);
    expect(() => new LogisticRegression({ globalBatchSize: 0.5 })).toThrow(/globalBatchSize/);
  });
});
