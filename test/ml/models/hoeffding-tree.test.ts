import { describe, expect, it } from 'vitest';
import { erf, GaussianEstimator } from '../../../ml/models/hoeffding/gaussian-estimator.ts';
import { GaussianSplitter } from '../../../ml/models/hoeffding/gaussian-splitter.ts';
import { entropy, infoGain } from '../../../ml/models/hoeffding/info-gain.ts';
import { hoeffdingBound } from '../../../ml/models/hoeffding/split-attempt.ts';
import { HoeffdingTree, hoeffdingTreeSpec } from '../../../ml/models/hoeffding-tree.ts';
import { createRandom } from '../../../services/common/random.ts';
import { blobsStream, estimatorConformance } from '../support/conformance.ts';

estimatorConformance(hoeffdingTreeSpec, () => blobsStream({ n: 300 }), { params: { gracePeriod: 50 } });
estimatorConformance(hoeffdingTreeSpec, () => blobsStream({ n: 300, labels: ['x', 'y'] }), {
  params: { gracePeriod: 50, leafPrediction: 'mc' },
  title: 'hoeffding-tree (majority-class leaves)',
});

/** x uniform in [0, 1), noise uniform in [0, 1), class x > 0.5. */
function thresholdStream(n: number, seed = 5): { x: { x: number; noise: number }; y: number }[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => {
    const x = random.next();
    return { x: { x, noise: random.next() }, y: x > 0.5 ? 1 : 0 };
  });
}

describe('HoeffdingTree', () => {
  it('splits on x near 0.5 once a grace period has shown x > 0.5 decides the class', () => {
    const tree = new HoeffdingTree();
    const stream = thresholdStream(1000);
    for (const { x, y } of stream.slice(0, 199)) tree.learnOne(x, y);
    expect(tree.summary().branches).toBe(0); // no attempt before 200
    tree.learnOne(stream[199]!.x, stream[199]!.y);
    const root = tree.tree();
    expect(root.kind).toBe('branch');
    if (root.kind !== 'branch') return;
    expect(root.feature).toBe('x');
    // candidates are min + (max - min)·i/11: the nearest to 0.5 are ≈ 0.455 and ≈ 0.545
    expect(Math.abs(root.threshold - 0.5)).toBeLessThan(0.05);
    for (const { x, y } of stream.slice(200)) tree.learnOne(x, y);
    const test = thresholdStream(500, 6);
    const correct = test.filter(({ x, y }) => tree.predictOne(x) === y).length;
    expect(correct / test.length).toBeGreaterThan(0.95);
  });

  it('splits only when the Hoeffding bound allows: the bound and the decision', () => {
    // ε = √(R² ln(1/δ) / 2n) with R = log2(2) = 1, δ = 1e-7, n = 200
    expect(hoeffdingBound(1, 1e-7, 200)).toBeCloseTo(Math.sqrt(Math.log(1e7) / 400), 15);
    // pure noise: no feature beats another by ε, and ε > τ at n = 200: no split
    const random = createRandom(8);
    const tree = new HoeffdingTree();
    for (let i = 0; i < 400; i++) tree.learnOne({ a: random.next(), b: random.next() }, random.int(2));
    expect(tree.summary().branches).toBe(0);
  });

  it('snapshots the whole tree as JSON and predicts the same after restore', () => {
    const tree = new HoeffdingTree({ gracePeriod: 50 });
    const stream = thresholdStream(600);
    for (const { x, y } of stream.slice(0, 300)) tree.learnOne(x, y);
    const json = JSON.parse(JSON.stringify(tree.snapshot()));
    expect(json).toEqual(tree.snapshot());
    expect(json.state.root.kind).toBe('branch');
    const copy = tree.clone();
    copy.restore(json);
    for (const { x, y } of stream.slice(300)) {
      expect(copy.predictProbaOne(x)).toEqual(tree.predictProbaOne(x));
      tree.learnOne(x, y);
      copy.learnOne(x, y);
    }
    expect(copy.tree()).toEqual(tree.tree());
  });

  it('has the documented example', () => {
    const tree = new HoeffdingTree();
    for (let i = 0; i < 400; i++) {
      const x = ((i * 37) % 101) / 100;
      tree.learnOne({ x }, x > 0.5 ? 1 : 0);
    }
    expect(tree.tree()).toMatchObject({
      kind: 'branch',
      feature: 'x',
      threshold: expect.closeTo(6 / 11, 12),
    });
    expect(tree.predictOne({ x: 0.9 })).toBe(1);
  });

  it('sends a missing split feature down the heavier side', () => {
    const tree = new HoeffdingTree({ gracePeriod: 100 });
    // three in four examples are class 0 (x ≤ 0.75)
    const random = createRandom(9);
    for (let i = 0; i < 400; i++) {
      const x = random.next();
      tree.learnOne({ x }, x > 0.75 ? 1 : 0);
    }
    expect(tree.summary().branches).toBeGreaterThan(0);
    expect(tree.predictOne({})).toBe(0);
  });
});

describe('Hoeffding tree helpers', () => {
  it('erf and the Gaussian estimator', () => {
    expect(erf(0)).toBeCloseTo(0, 7);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 6);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 6);
    const g = new GaussianEstimator();
    for (const x of [1, 2, 3]) g.update(x);
    expect(g.mean).toBe(2);
    expect(g.variance()).toBe(1);
    expect(g.cdf(2)).toBeCloseTo(0.5, 7);
    expect(g.pdf(2)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 12);
  });

  it('information gain of a perfect and of a useless split', () => {
    expect(entropy([5, 5])).toBe(1);
    expect(
      infoGain(
        [5, 5],
        [
          [5, 0],
          [0, 5],
        ],
        0.01,
      ),
    ).toBe(1);
    expect(
      infoGain(
        [5, 5],
        [
          [2.5, 2.5],
          [2.5, 2.5],
        ],
        0.01,
      ),
    ).toBe(0);
    expect(
      infoGain(
        [5, 5],
        [
          [5, 5],
          [0, 0],
        ],
        0.01,
      ),
    ).toBe(Number.NEGATIVE_INFINITY);
  });

  it('the Gaussian splitter proposes evenly spaced thresholds and splits class mass by the CDF', () => {
    const s = new GaussianSplitter();
    for (let i = 0; i < 100; i++) s.update(i / 100, i < 50 ? 0 : 1);
    const candidates = s.candidates(10);
    expect(candidates).toHaveLength(10);
    expect(candidates[0]).toBeCloseTo(0.99 / 11, 12);
    // class 1's min is 0.5: below it, all of class 1 goes right
    const [left, right] = s.distributions(0.45, 2);
    expect(left[1]).toBe(0);
    expect(right[1]).toBe(50);
    // 0.45 and 0.54, either side of the boundary, tie by symmetry
    const best = s.bestSplit('x', [50, 50], 10, 0.01)!;
    expect([0.45, 0.54].some((t) => Math.abs(best.threshold - t) < 1e-12)).toBe(true);
    expect(best.merit).toBeGreaterThan(0.3);
  });
});
