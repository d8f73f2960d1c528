import { describe, expect, it } from 'vitest';
import { MAX_SAMPLES } from '../../../../ml/models/global/online-kmeans.ts';
import { OnlineKMeans, onlineKMeansSpec } from '../../../../ml/models/online-kmeans.ts';
import { clusterStream, plantedCentres } from '../../support/streams.ts';
import { applyRound, type Ex, simulateRounds } from './simulate-rounds.ts';

const PARAMS = { k: 2, globalBatchSize: 4, decayFactor: 0.5, seed: 1 };
const points = (...as: number[]): Ex[] => as.map((a) => ({ x: { a } }));

describe('global online-kmeans', () => {
  it("initialises from the first round's samples, then moves by Flink ML's formula c' = (c·w·d + sum) / (w·d + count)", () => {
    // round 1: no centroids yet, the subtasks send samples: the model initialises from all four
    const { model, learning } = simulateRounds(onlineKMeansSpec, PARAMS, [
      [points(0, 0.2), points(10, 10.2)],
    ]);
    const km = model as OnlineKMeans;
    const low = km.predictOne({ a: 0 });
    expect(km.centroids()[low]!.a).toBeCloseTo(0.1, 12);
    expect(km.centroids()[1 - low]!.a).toBeCloseTo(10.1, 12);
    expect(km.weights()).toEqual([2, 2]);
    // round 2: subtask A assigns 1, 1 to the low centroid; subtask B 1 (low) and 20 (high)
    applyRound(learning, km, [points(1, 1), points(1, 20)]);
    const [w, d] = [2, PARAMS.decayFactor];
    expect(km.centroids()[low]!.a).toBeCloseTo((0.1 * w * d + 3) / (w * d + 3), 12);
    expect(km.centroids()[1 - low]!.a).toBeCloseTo((10.1 * w * d + 20) / (w * d + 1), 12);
    expect(km.weights()[low]).toBe(w * d + 3);
    expect(km.weights()[1 - low]).toBe(w * d + 1);
    // the same as one model learning the same points as two batches
    const single = new OnlineKMeans(PARAMS);
    for (const a of [0, 0.2, 10, 10.2, 1, 1, 1, 20]) single.learnOne({ a });
    expect(km.snapshot()).toEqual(single.snapshot());
  });

  it('a replica without centroids sends its points (at most MAX_SAMPLES a round); an initialised model assigns them itself', () => {
    const { model, learning } = simulateRounds(onlineKMeansSpec, PARAMS, [
      [points(0, 0.2), points(10, 10.2)],
    ]);
    const partial = learning.emptyPartial();
    expect(learning.addExample(partial, model, { a: 0.3 }, undefined)).toBe(true);
    const fresh = new OnlineKMeans(PARAMS); // no centroids: the points themselves, none lost
    const samples = learning.emptyPartial();
    const added = [1, 2, 3, 4, 5].map((a) => learning.addExample(samples, fresh, { a }, undefined));
    expect(added).toEqual([true, true, true, true, true]);
    const full = learning.emptyPartial();
    for (let i = 0; i < MAX_SAMPLES; i++)
      expect(learning.addExample(full, fresh, { a: i }, undefined)).toBe(true);
    expect(learning.addExample(full, fresh, { a: -1 }, undefined)).toBe(false); // the round's bound
    learning.mergePartials(partial, samples); // samples reaching an initialised model are assigned by it
    learning.applyPartial(model, partial);
    expect((model as OnlineKMeans).weights().reduce((s, w) => s + w, 0)).toBe((2 + 2) * 0.5 + 6);
  });

  it('recovers planted centres from 3 subtasks (the stream and parameters of the single model test)', () => {
    const stream = clusterStream({ n: 2000, seed: 11, spread: 1 }) as Ex[];
    const params = { k: 3, globalBatchSize: 32, decayFactor: 0.9, seed: 7 };
    // rounds of 60 records, dealt round-robin to 3 subtasks
    const rounds = Array.from({ length: Math.ceil(stream.length / 60) }, (_, r) =>
      [0, 1, 2].map((s) => stream.slice(r * 60, (r + 1) * 60).filter((_, i) => i % 3 === s)),
    );
    const { model } = simulateRounds(onlineKMeansSpec, params, rounds);
    const found = (model as OnlineKMeans).centroids();
    for (const centre of plantedCentres) {
      const nearest = Math.min(...found.map((c) => Math.hypot(c.a! - centre.a!, c.b! - centre.b!)));
      expect(nearest).toBeLessThan(0.5);
    }
    const test = clusterStream({ n: 500, seed: 12, spread: 1 }).map((e) => e.x);
    expect((model as OnlineKMeans).inertia(test) / test.length).toBeCloseTo(2, 0);
  });
});
