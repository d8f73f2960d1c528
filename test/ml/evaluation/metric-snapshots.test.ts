import { describe, expect, it } from 'vitest';
import type { ClassLabel } from '../../../ml/core/features.ts';
import { Accuracy } from '../../../ml/evaluation/accuracy.ts';
import { F1, MacroF1 } from '../../../ml/evaluation/f1.ts';
import { Inertia } from '../../../ml/evaluation/inertia.ts';
import { LogLoss } from '../../../ml/evaluation/log-loss.ts';
import { Mae } from '../../../ml/evaluation/mae.ts';
import type { Metric, MetricState } from '../../../ml/evaluation/metric.ts';
import { R2 } from '../../../ml/evaluation/r2.ts';
import { Rmse } from '../../../ml/evaluation/rmse.ts';
import { RocAuc } from '../../../ml/evaluation/roc-auc.ts';
import { rolling } from '../../../ml/evaluation/rolling.ts';

type Pairs<T, P> = readonly (readonly [T, P])[];

const p1 = (s: number) =>
  new Map<ClassLabel, number>([
    [0, 1 - s],
    [1, s],
  ]);

/**
 * Feeds `first`, checks the snapshot is `expected` (JSON data), restores it (through JSON) into a
 * fresh metric, and checks both then agree on every value while `then` is fed to each.
 */
function knownAnswer<T, P>(
  make: () => Metric<T, P>,
  first: Pairs<T, P>,
  expected: MetricState,
  then: Pairs<T, P>,
): void {
  const original = make();
  for (const [y, p] of first) original.update(y, p);
  const snapshot = original.snapshot();
  expect(snapshot).toEqual(expected);
  const restored = make();
  restored.restore(JSON.parse(JSON.stringify(snapshot)) as MetricState);
  expect(restored.get()).toBe(original.get());
  for (const [y, p] of then) {
    original.update(y, p);
    restored.update(y, p);
    expect(restored.get()).toBe(original.get());
  }
  expect(snapshot).toEqual(expected); // later updates did not change the snapshot taken earlier
}

describe('metric snapshots: known answers, restored metrics continue exactly', () => {
  const regression = [
    [3, 2.5],
    [-0.5, 0],
  ] as const;
  const more = [
    [2, 2],
    [7, 8],
  ] as const;

  it('MAE and RMSE keep [n, sum of costs]', () => {
    knownAnswer(() => new Mae(), regression, [2, 1], more);
    knownAnswer(() => new Rmse(), regression, [2, 0.5], more);
  });

  it('R2 keeps the truths [n, mean, m2] and the sum of squared errors', () => {
    // truths 3 and -0.5: mean 1.25, m2 = 2 · 1.75² = 6.125; squared errors 0.25 + 0.25
    knownAnswer(() => new R2(), regression, [2, 1.25, 6.125, 0.5], more);
  });

  it('accuracy keeps [n, correct]; F1 [tp, fp, fn]', () => {
    const labels = [
      [1, 1],
      [0, 1],
      [0, undefined],
    ] as const;
    const moreLabels = [
      [1, 1],
      [1, 0],
    ] as const;
    knownAnswer(() => new Accuracy(), labels, [3, 1], moreLabels);
    knownAnswer(() => new F1(1), labels, [1, 1, 0], moreLabels);
  });

  it('macro F1 keeps [label, tp, fp, fn, seen] per class', () => {
    const labels = [
      ['a', 'a'],
      ['a', 'b'],
    ] as const;
    knownAnswer(
      () => new MacroF1(),
      labels,
      [
        ['a', 1, 0, 1, 2],
        ['b', 0, 1, 0, 1],
      ],
      [
        ['b', 'b'],
        ['c', 'a'],
      ],
    );
  });

  it('log loss keeps [n, Σ -ln p]; ROC AUC [positives, negatives, [score, pos, neg] per score]', () => {
    const scored = [
      [1, p1(0.8)],
      [0, p1(0.6)],
      [1, p1(0.6)],
    ] as const;
    const moreScored = [
      [0, p1(0.1)],
      [1, p1(0.35)],
    ] as const;
    knownAnswer(() => new LogLoss(), scored, [3, -Math.log(0.8) - Math.log(0.4) - Math.log(0.6)], moreScored);
    knownAnswer(
      () => new RocAuc(1),
      scored,
      [
        2,
        1,
        [
          [0.8, 1, 0],
          [0.6, 1, 1],
        ],
      ],
      moreScored,
    );
  });

  it('inertia keeps [n, Σ squared distances] and is their sum', () => {
    const distances = [
      [undefined, 0.5],
      [undefined, 2],
    ] as const;
    knownAnswer(() => new Inertia(), distances, [2, 2.5], [[undefined, 1]]);
    const m = new Inertia();
    for (const [, d] of distances) m.update(undefined, d);
    expect(m.get()).toBe(2.5);
  });

  it('rolling metrics keep the inner state and the window, probabilities as entries', () => {
    knownAnswer(
      () => rolling(new Mae(), 2),
      [
        [0, 10],
        [0, 1],
        [0, 3],
      ],
      {
        metric: [2, 4],
        pairs: [
          [0, 1],
          [0, 3],
        ],
      },
      [
        [0, 5],
        [1, 1],
      ],
    );
    knownAnswer(
      () => rolling(new LogLoss(), 1),
      [
        [1, p1(0.8)],
        [0, p1(0.6)],
      ],
      {
        metric: [1, -Math.log(0.8) + -Math.log(0.4) - -Math.log(0.8)],
        pairs: [
          [
            0,
            {
              entries: [
                [0, 0.4],
                [1, 0.6],
              ],
            },
          ],
        ],
      },
      [[1, p1(0.9)]],
    );
    knownAnswer(() => rolling(new Accuracy(), 3), [[1, undefined]], { metric: [1, 0], pairs: [[1, null]] }, [
      [1, 1],
    ]);
  });

  it('refuses a snapshot of another shape, naming the metric', () => {
    expect(() => new Mae().restore({ n: 2 })).toThrow(
      /mae: cannot restore from \{"n":2\} \(expected 2 numbers\)/,
    );
    expect(() => new R2().restore([1, 2])).toThrow(/r2: cannot restore/);
    expect(() => new RocAuc().restore([1, 1, 'x'])).toThrow(/roc_auc: cannot restore/);
    expect(() => rolling(new Mae(), 2).restore([1, 2])).toThrow(/rolling mae: cannot restore/);
  });
});
