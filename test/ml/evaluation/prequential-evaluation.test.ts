import { describe, expect, it } from 'vitest';
import {
  type ClassificationOutcome,
  classificationMetrics,
  clusteringMetrics,
  type RegressionOutcome,
  regressionMetrics,
} from '../../../ml/evaluation/metric-families.ts';
import { PrequentialEvaluation } from '../../../ml/evaluation/prequential-evaluation.ts';
import { Ring } from '../../../ml/evaluation/ring.ts';
import { createRandom } from '../../../services/common/random.ts';

describe('Ring', () => {
  it('keeps the last n items, oldest first, handing the evicted one over', () => {
    const ring = new Ring<number>(2);
    const evicted: number[] = [];
    for (const v of [1, 2, 3, 4]) ring.push(v, (old) => evicted.push(old));
    expect(ring.toArray()).toEqual([3, 4]);
    expect(evicted).toEqual([1, 2]);
    ring.reset([7, 8, 9]);
    expect(ring.toArray()).toEqual([8, 9]);
    expect(() => new Ring(0)).toThrow(/rolling window must be an integer >= 1, got 0/);
  });
});

describe('metric families', () => {
  it('name the InfluxDB fields of each model type, in report order', () => {
    expect(regressionMetrics().map((m) => m.name)).toEqual(['mae', 'rmse', 'r2']);
    expect(classificationMetrics()().map((m) => m.name)).toEqual(['accuracy', 'log_loss', 'f1', 'roc_auc']);
    expect(clusteringMetrics().map((m) => m.name)).toEqual(['inertia']);
  });
});

describe('PrequentialEvaluation', () => {
  it('has the documented example: cumulative over all, rolling over the window', () => {
    const e = new PrequentialEvaluation(regressionMetrics, 2);
    e.update([1, 0]);
    e.update([1, 1]);
    e.update([3, 1]);
    expect(e.cumulative().mae).toBe(1);
    expect(e.rolling().mae).toBe(1);
    expect(e.cumulative().rmse).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect([e.count, e.rollingCount]).toEqual([3, 2]);
  });

  it('scores classifications by text label, the positive class given', () => {
    const e = new PrequentialEvaluation(classificationMetrics('hot'), 10);
    const outcomes: ClassificationOutcome[] = [
      ['hot', 'hot', { hot: 0.9, cold: 0.1 }],
      ['cold', 'hot', { hot: 0.6, cold: 0.4 }],
      ['cold', null, {}],
      ['hot', 'cold', { hot: 0.3, cold: 0.7 }],
    ];
    for (const o of outcomes) e.update(o);
    const m = e.cumulative();
    expect(m.accuracy).toBe(0.25);
    expect(m.f1).toBeCloseTo(2 / 4, 15); // tp 1, fp 1, fn 1
    expect(m.log_loss).toBeCloseTo(
      (-Math.log(0.9) - Math.log(0.4) - Math.log(1e-15) - Math.log(0.3)) / 4,
      12,
    );
    // positives score 0.9 and 0.3, negatives 0.6 and 0 (no probabilities): 0.9 beats both, 0.3 beats 0
    expect(m.roc_auc).toBe(0.75);
  });

  it('restores from a JSON snapshot and continues exactly; another window size keeps the cumulative part only', () => {
    const random = createRandom(3);
    const outcomes: RegressionOutcome[] = Array.from({ length: 120 }, () => [
      random.normal(),
      random.normal(),
    ]);
    const original = new PrequentialEvaluation(regressionMetrics, 25);
    for (const o of outcomes.slice(0, 70)) original.update(o);
    const saved = JSON.parse(JSON.stringify(original.snapshot()));
    const restored = new PrequentialEvaluation(regressionMetrics, 25);
    restored.restore(saved);
    for (const o of outcomes.slice(70)) {
      original.update(o);
      restored.update(o);
      expect(restored.cumulative()).toEqual(original.cumulative());
      expect(restored.rolling()).toEqual(original.rolling());
    }

    const smaller = new PrequentialEvaluation(regressionMetrics, 10);
    smaller.restore(saved);
    expect([smaller.count, smaller.rollingCount]).toEqual([70, 0]);
    const fresh = new PrequentialEvaluation(regressionMetrics, 10);
    for (const o of outcomes.slice(70, 80)) {
      smaller.update(o);
      fresh.update(o);
    }
    expect(smaller.rolling()).toEqual(fresh.rolling());
    expect(() => new PrequentialEvaluation(clusteringMetrics, 10).restore(saved)).toThrow(
      /cannot restore metrics inertia from a snapshot of 3 metrics/,
    );
  });

  it('counts the rolling window in 10 blocks: the last 901 to 1,000 outcomes of a 1,000 window', () => {
    const random = createRandom(4);
    const outcomes: RegressionOutcome[] = Array.from({ length: 2_350 }, () => [
      random.normal(),
      random.normal(),
    ]);
    const e = new PrequentialEvaluation(regressionMetrics, 1_000);
    expect(e.blockSize).toBe(100);
    const counts: number[] = [];
    outcomes.forEach((o, i) => {
      e.update(o);
      if ([999, 1_000, 1_049, 2_349].includes(i)) {
        counts.push(e.rollingCount);
        const exact = new PrequentialEvaluation(regressionMetrics, 5_000);
        for (const x of outcomes.slice(i + 1 - e.rollingCount, i + 1)) exact.update(x);
        const rolling = e.rolling();
        for (const [name, value] of Object.entries(exact.cumulative()))
          expect(rolling[name]).toBeCloseTo(value, 10);
      }
    });
    expect(counts).toEqual([1_000, 901, 950, 950]);
  });

  it('keeps a few hundred bytes per key whatever the window', () => {
    const e = new PrequentialEvaluation(regressionMetrics, 1_000);
    for (let i = 0; i < 5_000; i++) e.update([Math.sin(i), Math.cos(i)]);
    expect(JSON.stringify(e.snapshot()).length).toBeLessThan(1_500);
  });

  it('restores a snapshot written before blocks (the window of outcomes), replaying it', () => {
    const outcomes: RegressionOutcome[] = Array.from({ length: 30 }, (_, i) => [i % 7, (i * 3) % 5]);
    const old = {
      count: 40,
      windowSize: 25,
      cumulative: [
        [40, 50],
        [40, 90],
        [40, 3, 120, 90],
      ],
      rolling: [],
      window: outcomes.slice(5),
    };
    const restored = new PrequentialEvaluation(regressionMetrics, 25);
    restored.restore(old);
    const replayed = new PrequentialEvaluation(regressionMetrics, 25);
    for (const o of outcomes.slice(5)) replayed.update(o);
    expect(restored.count).toBe(40);
    expect(restored.rolling()).toEqual(replayed.rolling());
    expect(restored.rollingCount).toBe(replayed.rollingCount);
  });
});
