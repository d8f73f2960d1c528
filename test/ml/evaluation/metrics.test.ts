import { describe, expect, it } from 'vitest';
import type { ClassLabel } from '../../../ml/core/features.ts';
import { Accuracy } from '../../../ml/evaluation/accuracy.ts';
import { F1, MacroF1 } from '../../../ml/evaluation/f1.ts';
import { LogLoss } from '../../../ml/evaluation/log-loss.ts';
import { Mae } from '../../../ml/evaluation/mae.ts';
import type { Metric } from '../../../ml/evaluation/metric.ts';
import { R2 } from '../../../ml/evaluation/r2.ts';
import { Rmse } from '../../../ml/evaluation/rmse.ts';
import { RocAuc } from '../../../ml/evaluation/roc-auc.ts';
import { rolling } from '../../../ml/evaluation/rolling.ts';
import { createRandom } from '../../../services/common/random.ts';

function fed<T, P>(metric: Metric<T, P>, pairs: readonly (readonly [T, P])[]): number {
  for (const [y, p] of pairs) metric.update(y, p);
  return metric.get();
}

const p1 = (s: number) =>
  new Map<ClassLabel, number>([
    [0, 1 - s],
    [1, s],
  ]);

describe('regression metrics, by hand', () => {
  const pairs = [
    [3, 2.5],
    [-0.5, 0],
    [2, 2],
    [7, 8],
  ] as const;

  it('MAE: (0.5 + 0.5 + 0 + 1) / 4', () => expect(fed(new Mae(), pairs)).toBeCloseTo(0.5, 15));
  it('RMSE: √((0.25 + 0.25 + 0 + 1) / 4)', () =>
    expect(fed(new Rmse(), pairs)).toBeCloseTo(Math.sqrt(0.375), 15));
  it("R2: 1 - 1.5 / Σ(y - ȳ)² (scikit-learn's r2_score example: 0.948...)", () => {
    // ȳ = 2.875; Σ(y - ȳ)² = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875
    expect(fed(new R2(), pairs)).toBeCloseTo(1 - 1.5 / 29.1875, 14);
  });
  it('are 0 before any update, and R2 is 0 without spread', () => {
    expect([new Mae().get(), new Rmse().get(), new R2().get()]).toEqual([0, 0, 0]);
    expect(fed(new R2(), [[5, 4]])).toBe(0);
  });
});

describe('classification metrics, by hand', () => {
  it('accuracy counts no prediction as wrong', () => {
    expect(
      fed(new Accuracy(), [
        [1, 1],
        [0, 1],
        [0, undefined],
        [1, 1],
      ] as const),
    ).toBe(0.5);
  });

  it('log loss: mean of -ln p(true), clipped', () => {
    expect(
      fed(new LogLoss(), [
        [1, p1(0.8)],
        [0, p1(0.6)],
      ] as const),
    ).toBeCloseTo((-Math.log(0.8) - Math.log(0.4)) / 2, 15);
    expect(fed(new LogLoss(), [[1, new Map()]] as const)).toBeCloseTo(-Math.log(1e-15), 10);
  });

  it('binary F1 with a positive label: tp 2, fp 1, fn 1', () => {
    const pairs = [
      [1, 1],
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ] as const;
    expect(fed(new F1(1), pairs)).toBeCloseTo(4 / 6, 15);
    // with 0 positive: tp 1, fp 1, fn 1
    expect(fed(new F1(0), pairs)).toBeCloseTo(2 / 4, 15);
  });

  it('macro F1: the mean over classes seen in truths or predictions', () => {
    const pairs = [
      ['a', 'a'],
      ['a', 'b'],
      ['b', 'b'],
      ['c', 'a'],
    ] as const;
    expect(fed(new MacroF1(), pairs)).toBeCloseTo((0.5 + 2 / 3 + 0) / 3, 15);
  });

  it('ROC AUC: share of (positive, negative) pairs ranked right, ties half', () => {
    const pairs = [
      [0, p1(0.1)],
      [0, p1(0.4)],
      [1, p1(0.35)],
      [1, p1(0.8)],
    ] as const;
    expect(fed(new RocAuc(1), pairs)).toBe(0.75);
    // a tie between a positive and a negative counts half: pairs (0.5+,0.5-)=0.5, (0.5+,0.2-)=1, (0.9+, both)=2
    const ties = [
      [1, p1(0.5)],
      [0, p1(0.5)],
      [0, p1(0.2)],
      [1, p1(0.9)],
    ] as const;
    expect(fed(new RocAuc(1), ties)).toBe(3.5 / 4);
    expect(new RocAuc().get()).toBe(0.5);
  });
});

describe('rolling metrics', () => {
  const random = createRandom(8);
  const regression = Array.from({ length: 200 }, () => [random.normal(), random.normal()] as const);
  const labels = Array.from({ length: 200 }, () => [random.int(3), random.int(3)] as const);
  const scored = Array.from({ length: 200 }, () => {
    const y = random.int(2);
    return [y, p1(Math.round((y * 0.3 + random.next() * 0.7) * 20) / 20)] as const;
  });

  function expectRollingMatchesFresh<T, P>(make: () => Metric<T, P>, pairs: readonly (readonly [T, P])[]) {
    const window = 17;
    const m = rolling(make(), window);
    pairs.forEach(([y, p], i) => {
      m.update(y, p);
      const fresh = fed(make(), pairs.slice(Math.max(0, i + 1 - window), i + 1));
      expect(m.get()).toBeCloseTo(fresh, 9);
    });
  }

  it('MAE, RMSE and R2 over the last N equal the metric computed afresh on them', () => {
    expectRollingMatchesFresh(() => new Mae(), regression);
    expectRollingMatchesFresh(() => new Rmse(), regression);
    expectRollingMatchesFresh(() => new R2(), regression);
  });

  it('accuracy, F1 and macro F1 over the last N equal the metric computed afresh', () => {
    expectRollingMatchesFresh(() => new Accuracy(), labels);
    expectRollingMatchesFresh(() => new F1(1), labels);
    expectRollingMatchesFresh(() => new MacroF1(), labels);
  });

  it('log loss and ROC AUC over the last N equal the metric computed afresh', () => {
    expectRollingMatchesFresh(() => new LogLoss(), scored);
    expectRollingMatchesFresh(() => new RocAuc(1), scored);
  });

  it('has the documented example', () => {
    const m = rolling(new Mae(), 2);
    m.update(0, 10);
    m.update(0, 1);
    m.update(0, 3);
    expect(m.get()).toBe(2);
  });
});

describe('merged metrics', () => {
  const random = createRandom(9);
  const regression = Array.from({ length: 90 }, () => [random.normal() * 3 + 1, random.normal()] as const);
  const labels = Array.from({ length: 90 }, () => [random.int(3), random.int(3)] as const);
  const scored = Array.from({ length: 90 }, () => {
    const y = random.int(2);
    return [y, p1(Math.round((y * 0.3 + random.next() * 0.7) * 20) / 20)] as const;
  });

  /** A metric fed the first part, merged with one fed the rest, equals one fed everything. */
  function expectMergeMatchesWhole<T, P>(make: () => Metric<T, P>, pairs: readonly (readonly [T, P])[]) {
    for (const cut of [0, 1, 40, pairs.length]) {
      const first = make();
      fed(first, pairs.slice(0, cut));
      const rest = make();
      fed(rest, pairs.slice(cut));
      first.merge(rest.snapshot());
      expect(first.get()).toBeCloseTo(fed(make(), pairs), 12);
    }
  }

  it('MAE, RMSE and R2 (Chan et al. for the truths’ moments)', () => {
    expectMergeMatchesWhole(() => new Mae(), regression);
    expectMergeMatchesWhole(() => new Rmse(), regression);
    expectMergeMatchesWhole(() => new R2(), regression);
  });

  it('accuracy, F1 and macro F1', () => {
    expectMergeMatchesWhole(() => new Accuracy(), labels);
    expectMergeMatchesWhole(() => new F1(1), labels);
    expectMergeMatchesWhole(() => new MacroF1(), labels);
  });

  it('log loss, ROC AUC and a rolling window (which keeps its size)', () => {
    expectMergeMatchesWhole(() => new LogLoss(), scored);
    expectMergeMatchesWhole(() => new RocAuc(1), scored);
    const window = rolling(new Mae(), 5);
    fed(window, regression.slice(0, 30));
    const other = rolling(new Mae(), 5);
    fed(other, regression.slice(30, 33));
    window.merge(other.snapshot());
    expect(window.get()).toBeCloseTo(fed(new Mae(), regression.slice(28, 33)), 12);
  });

  it('refuses another shape, naming the metric', () => {
    expect(() => new R2().merge([1, 2])).toThrow(/r2: cannot restore from \[1,2\]/);
  });
});
