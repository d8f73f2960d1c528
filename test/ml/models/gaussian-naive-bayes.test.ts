import { describe, expect, it } from 'vitest';
import { GaussianNaiveBayes, gaussianNaiveBayesSpec } from '../../../ml/models/gaussian-naive-bayes.ts';
import { blobsStream, estimatorConformance } from '../support/conformance.ts';

estimatorConformance(gaussianNaiveBayesSpec, () => blobsStream({ n: 200 }));

describe('GaussianNaiveBayes', () => {
  it('gives the hand-computed posterior', () => {
    const nb = new GaussianNaiveBayes();
    for (const x of [1, 3]) nb.learnOne({ x }, 'a');
    for (const x of [6, 8]) nb.learnOne({ x }, 'b');
    // a: mean 2, b: mean 7, both population variance 1; ε = 1e-9 · Var(1, 3, 6, 8) = 1e-9 · 7.25
    const v = 1 + 1e-9 * 7.25;
    expect(nb.epsilon()).toBeCloseTo(7.25e-9, 20);
    // equal priors and variances: P(a | 4) = 1 / (1 + exp(((4-2)² - (4-7)²) / 2v))
    const expected = 1 / (1 + Math.exp((4 - 9) / (2 * v)));
    expect(nb.predictProbaOne({ x: 4 }).get('a')).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(1 / (1 + Math.exp(-2.5)), 7); // the doc example's ≈ 0.924
    expect(nb.predictOne({ x: 4 })).toBe('a');
  });

  it('weighs class priors and two features', () => {
    const nb = new GaussianNaiveBayes({ varSmoothing: 0 });
    // p: (0, 0) and (2, 4), 3 times each; q: (1, 1) and (3, 3) once each
    for (let i = 0; i < 3; i++) {
      nb.learnOne({ u: 0, w: 0 }, 'p');
      nb.learnOne({ u: 2, w: 4 }, 'p');
    }
    nb.learnOne({ u: 1, w: 1 }, 'q');
    nb.learnOne({ u: 3, w: 3 }, 'q');
    // p: prior 6/8, u ~ N(1, 1), w ~ N(2, 4); q: prior 2/8, u ~ N(2, 1), w ~ N(2, 1)
    const logN = (x: number, mean: number, variance: number) =>
      -0.5 * Math.log(2 * Math.PI * variance) - (x - mean) ** 2 / (2 * variance);
    const lp = Math.log(6 / 8) + logN(1.5, 1, 1) + logN(3, 2, 4);
    const lq = Math.log(2 / 8) + logN(1.5, 2, 1) + logN(3, 2, 1);
    const joint = nb.jointLogLikelihood({ u: 1.5, w: 3 });
    expect(joint.get('p')).toBeCloseTo(lp, 12);
    expect(joint.get('q')).toBeCloseTo(lq, 12);
    expect(nb.predictProbaOne({ u: 1.5, w: 3 }).get('q')).toBeCloseTo(1 / (1 + Math.exp(lp - lq)), 12);
  });

  it('leaves out a feature some class has never seen', () => {
    const nb = new GaussianNaiveBayes();
    nb.learnOne({ x: 0, only: 5 }, 'a');
    nb.learnOne({ x: 1 }, 'a');
    nb.learnOne({ x: 10 }, 'b');
    nb.learnOne({ x: 11 }, 'b');
    const withExtra = nb.jointLogLikelihood({ x: 0.5, only: 100 });
    const without = nb.jointLogLikelihood({ x: 0.5 });
    expect(withExtra).toEqual(without);
  });

  it('predicts nothing before learning, one class with certainty after one example', () => {
    const nb = new GaussianNaiveBayes();
    expect(nb.predictOne({ x: 1 })).toBeUndefined();
    nb.learnOne({ x: 1 }, 7);
    expect(nb.predictProbaOne({ x: 3 })).toEqual(new Map([[7, 1]]));
  });
});
