import { describe, expect, it } from 'vitest';
import type { Classifier } from '../../ml/core/estimator.ts';
import type { Features } from '../../ml/core/features.ts';
import { GaussianNaiveBayes } from '../../ml/models/gaussian-naive-bayes.ts';
import { HoeffdingTree } from '../../ml/models/hoeffding-tree.ts';
import { LogisticRegression } from '../../ml/models/logistic-regression.ts';
import { PassiveAggressiveClassifier } from '../../ml/models/passive-aggressive-classifier.ts';
import { StandardScaler } from '../../ml/models/standard-scaler.ts';
import { breastCancer } from './support/breast-cancer.ts';

/**
 * Progressive validation on the breast cancer data (`test/data/README.md`, a copy of ../shared/data): the rows in file
 * order, each predicted by the model trained on the rows before it, then learned; the first row is
 * not scored. The linear models see features through a running standard scaler (ml/models/
 * standard-scaler.ts): a row is predicted with the statistics of the rows before it, then the
 * scaler learns the row and the model learns it scaled with those (River's pipeline order).
 */
const loadRows = breastCancer;

function progressiveAccuracy(
  model: Classifier,
  rows: readonly { x: Features; y: number }[],
  scale: boolean,
): number {
  const scaler = new StandardScaler();
  let correct = 0;
  rows.forEach(({ x, y }, i) => {
    if (i > 0 && model.predictOne(scale ? scaler.transformOne(x) : x) === y) correct += 1;
    if (scale) scaler.learnOne(x);
    model.learnOne(scale ? scaler.transformOne(x) : x, y);
  });
  return correct / (rows.length - 1);
}

describe('breast cancer, progressive validation in file order (levels of test/data/README.md)', () => {
  const rows = loadRows();

  it('has the 569 rows and 30 features the README describes', () => {
    expect(rows).toHaveLength(569);
    expect(Object.keys(rows[0]!.x)).toHaveLength(30);
  });

  const cases: { name: string; make: () => Classifier; scale: boolean; level: number }[] = [
    {
      name: 'logistic regression (FTRL, defaults), scaled',
      make: () => new LogisticRegression(),
      scale: true,
      level: 0.926,
    },
    {
      name: 'passive-aggressive classifier (C = 1), scaled',
      make: () => new PassiveAggressiveClassifier(),
      scale: true,
      level: 0.945,
    },
    {
      name: 'Gaussian naive Bayes, not scaled',
      make: () => new GaussianNaiveBayes(),
      scale: false,
      level: 0.91,
    },
    {
      name: 'Hoeffding tree (defaults), not scaled',
      make: () => new HoeffdingTree(),
      scale: false,
      level: 0.9,
    },
  ];
  for (const { name, make, scale, level } of cases) {
    it(`${name}: accuracy >= ${level}`, () => {
      const accuracy = progressiveAccuracy(make(), rows, scale);
      console.log(`breast-cancer ${name}: prequential accuracy ${accuracy.toFixed(4)}`);
      expect(accuracy).toBeGreaterThanOrEqual(level);
    });
  }
});
