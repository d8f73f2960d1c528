import { describe, expect, it } from 'vitest';
import { OnlineKMeans, onlineKMeansSpec } from '../../../ml/models/online-kmeans.ts';
import { clusterStream, estimatorConformance, plantedCentres } from '../support/conformance.ts';

estimatorConformance(onlineKMeansSpec, () => clusterStream({ n: 200 }), {
  params: { k: 3, globalBatchSize: 10 },
});
estimatorConformance(onlineKMeansSpec, () => clusterStream({ n: 200 }), {
  params: { k: 3, globalBatchSize: 10, decayFactor: 0.9, init: 'random' },
  title: 'online-kmeans (init random, decay 0.9)',
});

describe('OnlineKMeans', () => {
  it("applies Flink ML's decayed mini-batch update: c = (c·w·d + sum) / (w·d + m)", () => {
    const km = new OnlineKMeans({ k: 2, globalBatchSize: 4, decayFactor: 0.5, seed: 1 });
    for (const a of [0, 0.2, 10, 10.2]) km.learnOne({ a });
    // first batch: weights 0, so each centroid is the mean of its points
    const first = km.centroids().map((c) => c.a!);
    expect([...first].sort((p, q) => p - q)).toEqual([0.1, 10.1].map((v) => expect.closeTo(v, 12)));
    expect(km.weights()).toEqual([2, 2]);
    const low = km.predictOne({ a: 0 });
    // second batch: three points near 0 (sum 3), one at 20
    for (const a of [1, 1, 1, 20]) km.learnOne({ a });
    const c = km.centroids();
    expect(c[low]!.a).toBeCloseTo((0.1 * 2 * 0.5 + 3) / (2 * 0.5 + 3), 12);
    expect(c[1 - low]!.a).toBeCloseTo((10.1 * 2 * 0.5 + 20) / (2 * 0.5 + 1), 12);
    expect(km.weights()[low]).toBe(2 * 0.5 + 3);
    expect(km.weights()[1 - low]).toBe(2 * 0.5 + 1);
  });

  it('has the documented example', () => {
    const km = new OnlineKMeans({ k: 2, globalBatchSize: 4, decayFactor: 0.5 });
    for (const a of [0, 0.2, 10, 10.2]) km.learnOne({ a });
    expect(km.centroids()).toEqual([{ a: expect.closeTo(10.1, 12) }, { a: expect.closeTo(0.1, 12) }]);
    expect(km.predictOne({ a: 9 })).toBe(0);
  });

  it('decays the weight of a centroid that gets no points', () => {
    const km = new OnlineKMeans({ k: 2, globalBatchSize: 2, decayFactor: 0.5, seed: 3 });
    km.learnOne({ a: 0 });
    km.learnOne({ a: 10 });
    const far = km.predictOne({ a: 10 });
    km.learnOne({ a: 0 });
    km.learnOne({ a: 1 });
    expect(km.weights()[far]).toBe(0.5);
    expect(km.centroids()[far]!.a).toBe(10);
  });

  it('recovers planted centres, and inertia falls to the noise level', () => {
    const km = new OnlineKMeans({ k: 3, globalBatchSize: 32, decayFactor: 0.9, seed: 7 });
    const stream = clusterStream({ n: 2000, seed: 11, spread: 1 });
    for (const { x } of stream) km.learnOne(x);
    const found = km.centroids();
    for (const centre of plantedCentres) {
      const nearest = Math.min(...found.map((c) => Math.hypot(c.a! - centre.a!, c.b! - centre.b!)));
      expect(nearest).toBeLessThan(0.5);
    }
    const test = clusterStream({ n: 500, seed: 12, spread: 1 }).map((e) => e.x);
    // two unit-variance coordinates: expected squared distance to the true centre is 2
    expect(km.inertia(test) / test.length).toBeCloseTo(2, 0);
  });

  it('with decay 0 follows the latest batch alone', () => {
    const km = new OnlineKMeans({ k: 1, globalBatchSize: 2 });
    for (const a of [0, 2, 10, 12]) km.learnOne({ a });
    expect(km.centroids()).toEqual([{ a: 11 }]);
  });

  it("init 'random' starts from uniform [0, 1) coordinates (Flink's generateRandomModelData)", () => {
    const km = new OnlineKMeans({ k: 3, globalBatchSize: 1, init: 'random', seed: 4 });
    km.learnOne({ a: 0.5, b: 0.5 });
    const moved = km.predictOne({ a: 0.5, b: 0.5 });
    const others = km.centroids().filter((_, i) => i !== moved);
    for (const c of others) for (const v of Object.values(c)) expect(v >= 0 && v < 1).toBe(true);
    expect(km.centroids()[moved]).toEqual({ a: 0.5, b: 0.5 });
  });

  it('validates its hyperparameters', () => {
    expect(() => new OnlineKMeans({ k: 0 })).toThrow(/k must/);
    expect(() => new OnlineKMeans({ decayFactor: 1.5 })).toThrow(/decayFactor/);
    expect(() => new OnlineKMeans({ k: 5, globalBatchSize: 2 })).toThrow(/globalBatchSize/);
  });
});
