import { describe, expect, it } from 'vitest';
import { adagrad } from '../../../ml/core/optimizers/adagrad.ts';
import { adam } from '../../../ml/core/optimizers/adam.ts';
import { sgd } from '../../../ml/core/optimizers/sgd.ts';
import { LinearRegression, linearRegressionSpec } from '../../../ml/models/linear-regression.ts';
import { estimatorConformance, linearStream } from '../support/conformance.ts';
import { leastSquares } from '../support/least-squares.ts';

for (const optimizer of ['sgd', 'adagrad', 'adam']) {
  estimatorConformance(linearRegressionSpec, () => linearStream({ n: 200, noise: 0.1 }), {
    params: { optimizer, l2: 0.001 },
    title: `linear-regression (${optimizer})`,
  });
}

const features = ['x0', 'x1', 'x2'];

function expectNear(
  got: { weights: Record<string, number>; intercept: number },
  want: { weights: Record<string, number>; intercept: number },
  tolerance: number,
): void {
  for (const f of features) expect(Math.abs(got.weights[f]! - want.weights[f]!), f).toBeLessThan(tolerance);
  expect(Math.abs(got.intercept - want.intercept), 'intercept').toBeLessThan(tolerance);
}

describe('LinearRegression converges to the least-squares solution on a noiseless stream', () => {
  const stream = linearStream({ n: 20_000, seed: 11, weights: [2, -3, 0.5], intercept: 1 });
  const closedForm = leastSquares(stream, features);

  it('the closed form recovers the planted weights (sanity check of the test itself)', () => {
    expectNear(closedForm, { weights: { x0: 2, x1: -3, x2: 0.5 }, intercept: 1 }, 1e-9);
  });

  for (const [optimizer, learningRate, tolerance] of [
    ['sgd', 0.05, 1e-6],
    ['adagrad', 0.5, 1e-4],
    ['adam', 0.01, 1e-3],
  ] as const) {
    it(`with ${optimizer}`, () => {
      const m = new LinearRegression({ optimizer, learningRate });
      for (const e of stream) m.learnOne(e.x, e.y as number);
      expectNear(m.coefficients(), closedForm, tolerance);
    });
  }
});

describe('LinearRegression', () => {
  it('hovers around the least-squares fit of a noisy stream', () => {
    const stream = linearStream({ n: 30_000, seed: 12, noise: 0.5 });
    const m = new LinearRegression({ learningRate: 0.002 });
    for (const e of stream) m.learnOne(e.x, e.y as number);
    expectNear(m.coefficients(), leastSquares(stream, features), 0.03);
  });

  it('with L2, settles near the ridge solution (intercept not penalised)', () => {
    const stream = linearStream({ n: 30_000, seed: 13, noise: 0.1 });
    const m = new LinearRegression({ learningRate: 0.002, l2: 0.5 });
    // SGD jitters around the ridge fit (its residuals are not 0): compare the average iterate.
    const average = { weights: { x0: 0, x1: 0, x2: 0 } as Record<string, number>, intercept: 0 };
    stream.forEach((e, i) => {
      m.learnOne(e.x, e.y as number);
      if (i < stream.length / 2) return;
      const c = m.coefficients();
      for (const f of features) average.weights[f]! += c.weights[f]! / (stream.length / 2);
      average.intercept += c.intercept / (stream.length / 2);
    });
    const ridge = leastSquares(stream, features, 0.5);
    expectNear(average, ridge, 0.01);
    expect(Math.abs(ridge.weights.x1!)).toBeLessThan(2.5); // shrunk from -3
  });

  it('without intercept keeps it at 0', () => {
    const m = new LinearRegression({ intercept: false });
    for (const e of linearStream({ n: 100 })) m.learnOne(e.x, e.y as number);
    expect(m.coefficients().intercept).toBe(0);
  });

  it('takes one plain SGD step by hand: w -= lr (ŷ - y) x', () => {
    const m = new LinearRegression({ learningRate: 0.1 });
    m.learnOne({ a: 2, b: -1 }, 3); // ŷ = 0, error -3
    const { weights, intercept } = m.coefficients();
    expect(weights.a).toBeCloseTo(0.6, 15);
    expect(weights.b).toBeCloseTo(-0.3, 15);
    expect(intercept).toBeCloseTo(0.3, 15);
  });
});

describe('optimizers, one step by hand', () => {
  it('sgd: w - lr g', () => {
    const opt = sgd(0.1);
    const p = opt.parameter(1);
    opt.tick();
    opt.step(p, 2);
    expect(p.value).toBeCloseTo(0.8, 15);
  });

  it('adagrad: w - lr g / sqrt(sum g²)', () => {
    const opt = adagrad(0.1);
    const p = opt.parameter();
    opt.step(p, 2);
    opt.step(p, 1);
    expect(p.value).toBeCloseTo(-0.1 - 0.1 / Math.sqrt(5), 7);
    expect(p.memory).toEqual([5]);
  });

  it('adam: bias-corrected moments', () => {
    const opt = adam(0.1);
    const p = opt.parameter();
    opt.tick();
    opt.step(p, 5);
    const first = (0.1 * 5) / (Math.sqrt(25) + 1e-8);
    expect(p.value).toBeCloseTo(-first, 15);
    opt.tick();
    opt.step(p, 1);
    const m = 0.9 * 0.5 + 0.1 * 1;
    const v = 0.999 * 0.025 + 0.001 * 1;
    const step = (0.1 * (m / (1 - 0.9 ** 2))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(p.value).toBeCloseTo(-first - step, 15);
  });
});
