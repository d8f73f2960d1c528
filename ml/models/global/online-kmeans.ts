import type { Features } from '../../core/features.ts';
import type { GlobalLearning, GlobalLearningSpec } from '../../core/partial-update.ts';
import type { OnlineKMeans, OnlineKMeansParams } from '../online-kmeans.ts';

/** Per feature: the sum of the values of a centroid's points that have it, and how many do. */
type FeatureSums = Map<string, { sum: number; count: number }>;

/** A subtask's round: per centroid of its replica the points assigned and their sums, or samples. */
interface KMeansPartial {
  readonly counts: number[];
  readonly sums: FeatureSums[];
  /** Points seen while the replica had no centroids yet (at most {@link MAX_SAMPLES} per subtask and round). */
  readonly samples: Features[];
}

/** {@link KMeansPartial} as plain data. */
interface SavedKMeansPartial {
  readonly counts: number[];
  readonly sums: [string, number, number][][];
  readonly samples: [string, number][][];
}

/**
 * Global online k-means with Flink ML `OnlineKMeans` semantics: each subtask assigns its points
 * to the nearest centroid of its replica (the current global centroids) and sums them per
 * centroid; the merger adds the subtasks' counts and sums (Flink's global reducer) and moves every
 * centroid once per round, with the model's decay factor d:
 *
 *     w' = w·d + count,   c' = (c·w·d + sum) / (w·d + count)
 *
 * Before its replica has centroids, a subtask sends the points themselves (up to
 * {@link MAX_SAMPLES} a round; beyond that they are not learned): the merger feeds the first
 * `globalBatchSize` to the global model, which initialises from them as it does from its first
 * batch (`init`, seeded), and assigns the rest to the new centroids, so no point is lost while
 * the first centroids travel to the replicas (Flink ML needs initial model data instead). A feature first seen after initialisation starts at its points' mean (even with
 * `init: 'random'`).
 *
 * @example
 * const learning = onlineKMeansGlobal.create({ k: 2, decayFactor: 0.5, globalBatchSize: 4, seed: 0, init: 'sample' });
 * const p = learning.emptyPartial();
 * learning.addExample(p, replica, { a: 0.1 }, undefined); // to the replica's nearest centroid
 * learning.applyPartial(global, p);
 */
export const onlineKMeansGlobal: GlobalLearningSpec = {
  model: 'online-kmeans',
  update: 'per-centroid sums and counts, one decayed move per round (Flink ML OnlineKMeans)',
  create(params): GlobalLearning<OnlineKMeans, KMeansPartial> {
    const { k } = params as unknown as OnlineKMeansParams;
    const empty = (): KMeansPartial => ({
      counts: new Array<number>(k).fill(0),
      sums: Array.from({ length: k }, () => new Map()),
      samples: [],
    });
    const mergePartials = (into: KMeansPartial, from: KMeansPartial): void => {
      for (let i = 0; i < k; i++) {
        into.counts[i]! += from.counts[i]!;
        for (const [name, { sum, count }] of from.sums[i]!) addSum(into.sums[i]!, name, sum, count);
      }
      into.samples.push(...from.samples.map((x) => ({ ...x })));
    };
    return {
      emptyPartial: empty,
      addExample(partial, replica, x) {
        if (replica.centroidCount() === 0) {
          if (partial.samples.length >= MAX_SAMPLES) return false;
          partial.samples.push({ ...x });
          return true;
        }
        assign(partial, replica.predictOne(x), x);
        return true;
      },
      mergePartials,
      applyPartial(model, partial) {
        const merged = empty();
        let assigned = false;
        for (const x of partial.samples) {
          if (model.centroidCount() === 0) model.learnOne(x);
          else {
            assign(merged, model.predictOne(x), x);
            assigned = true;
          }
        }
        if (partial.counts.some((n) => n > 0)) {
          mergePartials(merged, { ...partial, samples: [] });
          assigned = true;
        }
        if (assigned) model.applySums(merged.counts, merged.sums);
      },
      savePartial: (partial): SavedKMeansPartial => ({
        counts: [...partial.counts],
        sums: partial.sums.map((s) => [...s].map(([name, { sum, count }]) => [name, sum, count])),
        samples: partial.samples.map((x) => Object.entries(x)),
      }),
      loadPartial(saved) {
        const s = saved as SavedKMeansPartial;
        return {
          counts: [...s.counts],
          sums: s.sums.map((pairs) => new Map(pairs.map(([name, sum, count]) => [name, { sum, count }]))),
          samples: s.samples.map((pairs) => Object.fromEntries(pairs)),
        };
      },
    };
  },
};

/**
 * Points a subtask sends in one round while its replica has no centroids yet: a bound on the
 * memory of a round, far above what arrives before the first centroids reach the replicas.
 */
export const MAX_SAMPLES = 10_000;

function assign(partial: KMeansPartial, centroid: number, x: Features): void {
  partial.counts[centroid]! += 1;
  const sums = partial.sums[centroid]!;
  for (const name of Object.keys(x)) addSum(sums, name, x[name]!, 1);
}

function addSum(sums: FeatureSums, name: string, sum: number, count: number): void {
  const s = sums.get(name);
  if (s === undefined) sums.set(name, { sum, count });
  else {
    s.sum += sum;
    s.count += count;
  }
}
