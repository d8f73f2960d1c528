import { describe, expect, it } from 'vitest';
import { LinearRegression, linearRegressionSpec } from '../../../../ml/models/linear-regression.ts';
import { leastSquares } from '../../support/least-squares.ts';
import { linearStream } from '../../support/streams.ts';
import { type Ex, simulateRounds } from './simulate-rounds.ts';

describe('global linear-regression (mini-batch gradient descent)', () => {
  it('has the documented example: one round is one step with the mean gradient', () => {
    const { model } = simulateRounds(linearRegressionSpec, { learningRate: 0.1 }, [
      [[{ x: { x: 1 }, y: 3 }]],
    ]);
    expect((model as LinearRegression).coefficients()).toEqual({
      weights: { x: expect.closeTo(0.3, 14) },
      intercept: expect.closeTo(0.3, 14),
    });
  });

  it('averages the gradient over the whole round, across subtasks (a missing feature adds 0)', () => {
    const { model } = simulateRounds(linearRegressionSpec, { learningRate: 0.1 }, [
      [
        [{ x: { a: 1 }, y: 2 }],
        [
          { x: { a: 2, b: 1 }, y: 4 },
          { x: { b: 3 }, y: 1 },
        ],
      ],
    ]);
    // zero model: errors −2, −4, −1; Σ error·a = −2 − 8 = −10, Σ error·b = −4 − 3 = −7, Σ error = −7; n = 3
    expect((model as LinearRegression).coefficients()).toEqual({
      weights: { a: expect.closeTo(1 / 3, 14), b: expect.closeTo(0.7 / 3, 14) },
      intercept: expect.closeTo(0.7 / 3, 14),
    });
  });

  it('converges to the least-squares solution on a noiseless stream learned by 3 subtasks', () => {
    const stream = linearStream({ n: 3 * 20 * 400, seed: 4 }) as Ex[];
    const rounds = Array.from({ length: 400 }, (_, r) =>
      [0, 1, 2].map((s) => stream.slice((r * 3 + s) * 20, (r * 3 + s + 1) * 20)),
    );
    const { model } = simulateRounds(linearRegressionSpec, { learningRate: 0.3 }, rounds);
    const solution = leastSquares(stream, ['x0', 'x1', 'x2']);
    const { weights, intercept } = (model as LinearRegression).coefficients();
    for (const name of ['x0', 'x1', 'x2']) expect(weights[name]).toBeCloseTo(solution.weights[name]!, 6);
    expect(intercept).toBeCloseTo(solution.intercept, 6);
    expect(solution.weights).toEqual({
      x0: expect.closeTo(2, 9),
      x1: expect.closeTo(-3, 9),
      x2: expect.closeTo(0.5, 9),
    });
  });

  it('refuses a target that is not a finite number, and learns nothing from a record without one', () => {
    const { learning } = simulateRounds(linearRegressionSpec, {}, []);
    const partial = learning.emptyPartial();
    const replica = new LinearRegression();
    expect(learning.addExample(partial, replica, { a: 1 }, undefined)).toBe(false);
    expect(() => learning.addExample(partial, replica, { a: 1 }, 'hot')).toThrow(
      'linear-regression is a regressor: its target must be a finite number, got hot',
    );
  });
});
