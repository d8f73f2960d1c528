import { describe, expect, it } from 'vitest';
import { LogisticRegression, logisticRegressionSpec } from '../../../../ml/models/logistic-regression.ts';
import { applyRound, type Ex, roughly, simulateRounds } from './simulate-rounds.ts';

const PARAMS = { alpha: 0.5, beta: 1 };

/** One coordinate by McMahan et al. 2013, Algorithm 1 (λ1 = λ2 = 0), as published. */
class Ftrl {
  z = 0;
  n = 0;
  get w(): number {
    return -this.z / ((PARAMS.beta + Math.sqrt(this.n)) / PARAMS.alpha);
  }
  step(g: number): void {
    const sigma = (Math.sqrt(this.n + g * g) - Math.sqrt(this.n)) / PARAMS.alpha;
    this.z += g - sigma * this.w;
    this.n += g * g;
  }
}
const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));

describe('global logistic-regression (FTRL-Proximal)', () => {
  it("one round = one FTRL step with the gradient summed over subtasks and averaged per coordinate (Flink's UpdateModel)", () => {
    const round1: Ex[][] = [
      [{ x: { x: 1 }, y: 1 }],
      [
        { x: { x: -1 }, y: 0 },
        { x: { x: 2, z: 1 }, y: 1 },
      ],
    ];
    const round2: Ex[][] = [[{ x: { x: 1 }, y: 1 }], [{ x: { z: -1 }, y: 0 }]];
    const { model, learning } = simulateRounds(logisticRegressionSpec, PARAMS, [round1]);
    const lr = model as LogisticRegression;

    // by hand: every replica is the zero model, p = 0.5
    const [x, z, b] = [new Ftrl(), new Ftrl(), new Ftrl()];
    x.step((-0.5 - 0.5 - 1) / 3); // (p − y)·x over the three examples with x
    z.step(-0.5); // one example with z
    b.step((-0.5 + 0.5 - 0.5) / 3);
    expect(lr.accumulators('x')).toEqual({ z: expect.closeTo(x.z, 14), n: expect.closeTo(x.n, 14) });
    expect(lr.accumulators('z')).toEqual({ z: expect.closeTo(z.z, 14), n: expect.closeTo(z.n, 14) });
    expect(lr.weight('x')).toBeCloseTo(0.2, 14); // (2/3) / ((1 + 2/3) / 0.5)
    expect(lr.bias()).toBeCloseTo(b.w, 14);

    // round 2: gradients against the replicas of round 1's model
    applyRound(learning, lr, round2);
    const p1 = sigmoid(x.w + b.w);
    const p2 = sigmoid(-z.w + b.w);
    x.step(p1 - 1);
    z.step((p2 - 0) * -1);
    b.step((p1 - 1 + p2) / 2);
    expect(lr.weight('x')).toBeCloseTo(x.w, 14);
    expect(lr.weight('z')).toBeCloseTo(z.w, 14);
    expect(lr.bias()).toBeCloseTo(b.w, 14);
  });

  it('equals the single model with globalBatchSize = the round, on one subtask', () => {
    const examples: Ex[] = [
      { x: { a: 1, b: 0.5 }, y: 'yes' },
      { x: { a: -1 }, y: 'no' },
      { x: { a: 0.3, b: -2 }, y: 'no' },
      { x: { b: 1 }, y: 'yes' },
    ];
    const params = { ...PARAMS, reg: 0.1, elasticNet: 0.5, positiveLabel: 'yes', globalBatchSize: 4 };
    const { model } = simulateRounds(logisticRegressionSpec, params, [[examples], [examples]]);
    const single = new LogisticRegression(params);
    for (const { x, y } of [...examples, ...examples]) single.learnOne(x, y!);
    // the bias's gradient is summed as Σp − Σy here, Σ(p − y) there: equal up to rounding
    expect(model.snapshot()).toEqual(roughly(single.snapshot()));
  });

  it('maps labels to 0/1 when merging, so subtasks that saw one label each agree', () => {
    const { model } = simulateRounds(logisticRegressionSpec, { ...PARAMS, positiveLabel: '' }, [
      [[{ x: { a: -1 }, y: 'no' }], [{ x: { a: 1 }, y: 'yes' }]],
    ]);
    expect((model as LogisticRegression).labels()).toEqual({ negative: 'no', positive: 'yes' });
    expect((model as LogisticRegression).weight('a')).toBeGreaterThan(0);
  });

  it('refuses a third label, naming the two it knows', () => {
    const { learning } = simulateRounds(logisticRegressionSpec, PARAMS, []);
    const partial = learning.emptyPartial();
    const replica = new LogisticRegression(PARAMS);
    learning.addExample(partial, replica, { a: 1 }, 'a');
    learning.addExample(partial, replica, { a: 1 }, 'b');
    expect(() => learning.addExample(partial, replica, { a: 1 }, 'c')).toThrow(
      'logistic-regression: is binary and already knows the labels a and b; got a third one, c',
    );
    expect(learning.addExample(partial, replica, { a: 1 }, undefined)).toBe(false);
  });
});
