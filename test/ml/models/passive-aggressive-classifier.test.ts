import { describe, expect, it } from 'vitest';
import { pipeline } from '../../../ml/core/pipeline.ts';
import {
  PassiveAggressiveClassifier,
  passiveAggressiveClassifierSpec,
} from '../../../ml/models/passive-aggressive-classifier.ts';
import { StandardScaler } from '../../../ml/models/standard-scaler.ts';
import { breastCancer } from '../support/breast-cancer.ts';
import { blobsStream, clusterStream, estimatorConformance } from '../support/conformance.ts';

estimatorConformance(passiveAggressiveClassifierSpec, () => blobsStream({ n: 200 }));
estimatorConformance(passiveAggressiveClassifierSpec, () => clusterStream({ n: 200 }), {
  title: 'passive-aggressive-classifier (three classes, one-vs-rest)',
});

describe('PassiveAggressiveClassifier (PA-I, Crammer et al. 2006)', () => {
  it('takes one step by the paper: w += y min(C, ℓ/||x||²) x with the hinge loss', () => {
    const m = new PassiveAggressiveClassifier({ C: 1, intercept: false });
    m.learnOne({ a: 1, b: 0 }, 'off'); // y = -1, margin 0: ℓ = 1, ||x||² = 1, τ = 1 → w = (-1, 0)
    expect(m.predictProbaOne({ a: 1, b: 0 }).get('off')).toBe(1); // one class known
    m.learnOne({ a: 1, b: 2 }, 'on'); // y = +1, margin -1: ℓ = 2, ||x||² = 5, τ = min(1, 0.4)
    // w = (-1 + 0.4, 0.8): margin of (1, 0) is -0.6, of (0, 1) is 0.8
    const pOn = m.predictProbaOne({ a: 0, b: 1 }).get('on')!;
    expect(pOn).toBeCloseTo(1 / (1 + Math.exp(-0.8)), 15);
    expect(m.predictProbaOne({ a: 1, b: 0 }).get('on')).toBeCloseTo(1 / (1 + Math.exp(0.6)), 15);
    expect(m.predictOne({ a: 0, b: 1 })).toBe('on');
    expect(m.predictOne({ a: 1, b: 0 })).toBe('off');
  });

  it('caps the step at C', () => {
    const m = new PassiveAggressiveClassifier({ C: 0.1, intercept: false });
    m.learnOne({ a: 1 }, 0);
    m.learnOne({ a: 1 }, 1); // margin -0.1: ℓ = 1.1, τ = min(0.1, 1.1) → w = 0
    expect(m.predictProbaOne({ a: 1 }).get(1)).toBeCloseTo(0.5, 15);
  });

  it('has the documented example', () => {
    const m = new PassiveAggressiveClassifier({ C: 1, intercept: false });
    m.learnOne({ a: 1 }, 'off');
    m.learnOne({ a: 2 }, 'on');
    expect(m.predictOne({ a: 2 })).toBe('on');
  });

  it('separates three classes one-vs-rest', () => {
    const m = new PassiveAggressiveClassifier();
    const stream = clusterStream({ n: 2000 });
    let correct = 0;
    for (const e of stream) {
      if (m.predictOne(e.x) === e.y) correct++;
      m.learnOne(e.x, e.y!);
    }
    expect(correct / stream.length).toBeGreaterThan(0.95);
    const proba = m.predictProbaOne({ a: 10, b: 10 });
    expect([...proba.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(m.predictOne({ a: 10, b: 10 })).toBe(1);
  });

  it('reaches the level of ../shared/data/README.md on the breast-cancer stream (>= 0.945)', () => {
    const model = pipeline(new StandardScaler(), new PassiveAggressiveClassifier({ C: 1 }));
    const rows = breastCancer();
    let correct = 0;
    rows.forEach((row, i) => {
      if (i > 0 && model.predictOne(row.x) === row.y) correct++;
      model.learnOne(row.x, row.y!);
    });
    const accuracy = correct / (rows.length - 1);
    console.log(`passive-aggressive-classifier, breast cancer, prequential accuracy ${accuracy.toFixed(4)}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.945);
  });
});
