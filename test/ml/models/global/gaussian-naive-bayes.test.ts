import { describe, expect, it } from 'vitest';
import type { Features } from '../../../../ml/core/features.ts';
import { GaussianNaiveBayes, gaussianNaiveBayesSpec } from '../../../../ml/models/gaussian-naive-bayes.ts';
import { createRandom } from '../../../../services/common/random.ts';
import { type Ex, roughly, simulateRounds } from './simulate-rounds.ts';

/** 2 subtasks × 4 rounds of labelled points from three classes (and some unlabelled ones). */
function stream(): Ex[][][] {
  const random = createRandom(11);
  const centres: Record<string, number> = { low: 0, mid: 3, high: 7 };
  const labels = Object.keys(centres);
  return Array.from({ length: 4 }, (_, r) =>
    Array.from({ length: 2 }, (_, s) =>
      Array.from({ length: 12 + r * 2 + s }, (_, i) => {
        const label = labels[(i + r + s) % 3]!;
        const x = { a: centres[label]! + random.next(), b: -centres[label]! + 2 * random.next() };
        return i % 5 === 4 ? { x } : { x, y: label };
      }),
    ),
  );
}

describe('global gaussian-naive-bayes', () => {
  it('merges to naive Bayes on the union of every labelled example', () => {
    const rounds = stream();
    const { model } = simulateRounds(gaussianNaiveBayesSpec, {}, rounds);
    const reference = new GaussianNaiveBayes();
    for (const examples of rounds.flat())
      for (const { x, y } of examples) if (y !== undefined) reference.learnOne(x, y);
    const nb = model as GaussianNaiveBayes;
    const probes: Features[] = [{ a: 0.5, b: 0.5 }, { a: 3.2, b: -2 }, { a: 5, b: -5 }, { a: 7.5 }];
    for (const probe of probes) {
      const [got, want] = [nb.predictProbaOne(probe), reference.predictProbaOne(probe)];
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [label, p] of want) expect(got.get(label)).toBeCloseTo(p, 10);
      expect(nb.predictOne(probe)).toBe(reference.predictOne(probe));
    }
    const counts = (m: GaussianNaiveBayes) =>
      (m.snapshot().state as { classes: { label: string; count: number }[] }).classes.map((c) => [
        c.label,
        c.count,
      ]);
    expect(counts(nb)).toEqual(counts(reference));
    expect(nb.epsilon()).toBeCloseTo(reference.epsilon(), 20);
  });

  it('an unlabelled example teaches nothing', () => {
    const { learning } = simulateRounds(gaussianNaiveBayesSpec, {}, []);
    const partial = learning.emptyPartial();
    expect(learning.addExample(partial, new GaussianNaiveBayes(), { a: 1 }, undefined)).toBe(false);
    expect(learning.addExample(partial, new GaussianNaiveBayes(), { a: 1 }, 'x')).toBe(true);
  });

  it('GaussianNaiveBayes.merge: two halves make the model of the whole', () => {
    const [a, b, whole] = [new GaussianNaiveBayes(), new GaussianNaiveBayes(), new GaussianNaiveBayes()];
    for (const x of [1, 3]) {
      a.learnOne({ x }, 'a');
      whole.learnOne({ x }, 'a');
    }
    for (const x of [6, 8]) {
      b.learnOne({ x }, 'b');
      whole.learnOne({ x }, 'b');
    }
    a.merge(b);
    expect(a.snapshot()).toEqual(roughly(whole.snapshot())); // Welford one by one vs Chan: rounding apart
    expect(a.snapshot().state).toMatchObject({ overall: [['x', 4, 4.5, expect.closeTo(29, 12)]] });
    expect(a.predictProbaOne({ x: 4 }).get('a')).toBeCloseTo(1 / (1 + Math.exp(-2.5)), 6); // ε = 1e-9·var
  });
});
