import { createRandom, type Random, randomFromState } from '../../services/common/random.ts';
import type { Clusterer, EstimatorSnapshot } from '../core/estimator.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';

/** Hyperparameters: Flink ML 2.x `OnlineKMeans`'s names and defaults, plus `init`. */
export type OnlineKMeansParams = {
  readonly k: number;
  /** Weight kept by the centroids' past per batch: 0 = each batch alone, 1 = no forgetting. */
  readonly decayFactor: number;
  /** Examples per mini-batch update. */
  readonly globalBatchSize: number;
  readonly seed: number;
  /**
   * `sample`: k distinct points of the first batch, chosen by the seed (Forgy), weight 0.
   * `random`: Flink's `generateRandomModelData`: every coordinate uniform in [0, 1), weight 0.
   */
  readonly init: 'sample' | 'random';
};

const DEFAULTS: OnlineKMeansParams = { k: 2, decayFactor: 0, globalBatchSize: 32, seed: 0, init: 'sample' };
const KIND = 'online-kmeans';
const VERSION = 1;

/** The learned state as `snapshot()` writes it. */
interface OnlineKMeansState {
  /** Per centroid, `[feature, coordinate]` pairs; empty before the first update. */
  readonly centroids: [string, number][][];
  readonly weights: number[];
  /** The batch being collected, each example as `[feature, value]` pairs. */
  readonly batch: [string, number][][];
  readonly random: number[];
}

/**
 * Online k-means with Flink ML's `OnlineKMeans` semantics: examples are collected into batches of
 * `globalBatchSize`; each batch is assigned to the nearest centroids (squared Euclidean distance),
 * then, as Flink ML's `ModelDataLocalUpdater` does (flink-ml-lib, `clustering/kmeans/
 * OnlineKMeans.java`), every weight is scaled by the decay factor and each centroid that received
 * m points with sum s moves to the weighted mean of its past and the batch:
 *
 *     w ← w·decayFactor + m,   λ = m / w,   c ← (1 − λ)·c + λ·s/m
 *     i.e.  c ← (c·w_old·decayFactor + s) / (w_old·decayFactor + m)
 *
 * (Flink divides the decay by the parallelism because its global reducer then sums the subtasks'
 * weights; here there is one learner, parallelism 1.) Flink ML needs initial model data, made in
 * its examples by `KMeansModelData.generateRandomModelData(k, dim, weight 0, seed)`: coordinates
 * uniform in [0, 1). `init: 'random'` does that (a feature gets its random coordinates in the batch
 * it first appears); the default `init: 'sample'` starts from k distinct points of the first batch,
 * which works whatever the scale of the features. A feature missing from an example is left out of
 * its distances and of the updates of that coordinate (which then uses the points that have it).
 *
 * @example
 * const km = new OnlineKMeans({ k: 2, globalBatchSize: 4, decayFactor: 0.5 });
 * for (const a of [0, 0.2, 10, 10.2]) km.learnOne({ a });
 * km.centroids(); // [{ a: 10.1 }, { a: 0.1 }]
 * km.predictOne({ a: 9 }); // the index of the centroid at 10.1
 */
export class OnlineKMeans implements Clusterer {
  readonly kind = KIND;
  readonly params: OnlineKMeansParams;
  private centroidMaps: Map<string, number>[] = [];
  private weightList: number[] = [];
  private batch: Features[] = [];
  private random: Random;

  constructor(params: Partial<OnlineKMeansParams> = {}) {
    const p = { ...DEFAULTS, ...params };
    if (!Number.isInteger(p.k) || p.k < 1) throw new Error(`${KIND}: k must be an integer >= 1, got ${p.k}`);
    if (!(p.decayFactor >= 0 && p.decayFactor <= 1)) {
      throw new Error(`${KIND}: decayFactor must be in [0, 1], got ${p.decayFactor}`);
    }
    if (!Number.isInteger(p.globalBatchSize) || p.globalBatchSize < 1) {
      throw new Error(`${KIND}: globalBatchSize must be an integer >= 1, got ${p.globalBatchSize}`);
    }
    if (p.init !== 'sample' && p.init !== 'random')
      throw new Error(`${KIND}: init must be sample or random, got ${p.init}`);
    if (p.init === 'sample' && p.globalBatchSize < p.k) {
      throw new Error(
        `${KIND}: init 'sample' picks k points from the first batch: globalBatchSize (${p.globalBatchSize}) must be >= k (${p.k})`,
      );
    }
    this.params = p;
    this.random = createRandom(p.seed);
  }

  learnOne(x: Features): void {
    this.batch.push({ ...x });
    if (this.batch.length >= this.params.globalBatchSize) this.update();
  }

  /** Index of the nearest centroid (0 before the first batch). */
  predictOne(x: Features): number {
    return this.nearest(x).index;
  }

  /** Squared distance from `x` to its nearest centroid: its share of the inertia (0 before the first batch). */
  inertiaOne(x: Features): number {
    return this.nearest(x).distance;
  }

  /** Sum of squared distances of `xs` to their nearest centroids (k-means' objective). */
  inertia(xs: Iterable<Features>): number {
    let sum = 0;
    for (const x of xs) sum += this.inertiaOne(x);
    return sum;
  }

  /** The centroids now (empty before the first batch). */
  centroids(): Features[] {
    return this.centroidMaps.map((c) =>
      Object.fromEntries([...c].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    );
  }

  /** How many centroids there are: 0 before the first batch, then k. */
  centroidCount(): number {
    return this.centroidMaps.length;
  }

  /** Each centroid's weight: its decayed count of points. */
  weights(): number[] {
    return [...this.weightList];
  }

  snapshot(): EstimatorSnapshot {
    const state: OnlineKMeansState = {
      centroids: this.centroidMaps.map((c) => [...c]),
      weights: [...this.weightList],
      batch: this.batch.map((x) => Object.entries(x)),
      random: this.random.state(),
    };
    return { kind: KIND, version: VERSION, params: { ...this.params }, state };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, VERSION);
    const state = snapshot.state as OnlineKMeansState;
    this.centroidMaps = state.centroids.map((c) => new Map(c));
    this.weightList = [...state.weights];
    this.batch = state.batch.map((pairs) => Object.fromEntries(pairs));
    this.random = randomFromState(state.random);
  }

  clone(): this {
    return new OnlineKMeans(this.params) as this;
  }

  /** One mini-batch step: assign, decay the weights, move the centroids. */
  private update(): void {
    const points = this.batch;
    this.batch = [];
    if (this.centroidMaps.length === 0) this.initialise(points);
    this.addRandomCoordinates(points);
    const k = this.params.k;
    const counts = new Array<number>(k).fill(0);
    const sums = Array.from({ length: k }, () => new Map<string, { sum: number; count: number }>());
    for (const x of points) {
      const i = this.nearest(x).index;
      counts[i]! += 1;
      for (const name of Object.keys(x)) {
        const s = sums[i]!.get(name);
        if (s === undefined) sums[i]!.set(name, { sum: x[name]!, count: 1 });
        else {
          s.sum += x[name]!;
          s.count += 1;
        }
      }
    }
    this.applySums(counts, sums);
  }

  /**
   * One mini-batch step from what a batch's points add up to, assigned to the current centroids:
   * per centroid its point count and per feature the sum of the values (and how many points had
   * the feature). Each weight decays and each centroid moves as in the class comment. Global
   * learning calls it with the sums merged from every subtask (Flink ML's global reducer).
   *
   * @example
   * km.applySums([2, 0], [new Map([['a', { sum: 0.2, count: 2 }]]), new Map()]);
   */
  applySums(
    counts: readonly number[],
    sums: readonly ReadonlyMap<string, { readonly sum: number; readonly count: number }>[],
  ): void {
    const k = this.params.k;
    if (this.centroidMaps.length !== k || counts.length !== k || sums.length !== k) {
      throw new Error(
        `${KIND}: applySums needs the ${k} centroids (${this.centroidMaps.length} so far) and ${k} counts and sums (got ${counts.length} and ${sums.length})`,
      );
    }
    for (let i = 0; i < k; i++) {
      const past = this.weightList[i]! * this.params.decayFactor;
      this.weightList[i] = past + counts[i]!;
      const centroid = this.centroidMaps[i]!;
      for (const [name, { sum, count }] of sums[i]!) {
        const c = centroid.get(name);
        centroid.set(name, c === undefined ? sum / count : (c * past + sum) / (past + count));
      }
    }
  }

  private initialise(points: readonly Features[]): void {
    const k = this.params.k;
    this.weightList = new Array<number>(k).fill(0);
    if (this.params.init === 'random') {
      this.centroidMaps = Array.from({ length: k }, () => new Map());
      return;
    }
    // partial Fisher-Yates: k distinct indices of the batch
    const indices = points.map((_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.random.int(indices.length - i);
      [indices[i], indices[j]] = [indices[j]!, indices[i]!];
    }
    this.centroidMaps = indices.slice(0, k).map((i) => new Map(Object.entries(points[i]!)));
  }

  /** `init: 'random'`: features new in this batch get uniform [0, 1) coordinates, in name order. */
  private addRandomCoordinates(points: readonly Features[]): void {
    if (this.params.init !== 'random') return;
    const known = this.centroidMaps[0]!;
    const fresh = new Set<string>();
    for (const x of points) for (const name of Object.keys(x)) if (!known.has(name)) fresh.add(name);
    for (const name of [...fresh].sort()) for (const c of this.centroidMaps) c.set(name, this.random.next());
  }

  private nearest(x: Features): { index: number; distance: number } {
    let index = 0;
    let distance = this.centroidMaps.length === 0 ? 0 : Number.POSITIVE_INFINITY;
    const names = Object.keys(x).sort();
    this.centroidMaps.forEach((c, i) => {
      let d = 0;
      for (const name of names) {
        const v = c.get(name);
        if (v !== undefined) d += (x[name]! - v) ** 2;
      }
      if (d < distance) {
        index = i;
        distance = d;
      }
    });
    return { index, distance };
  }
}

/** The registry's entry: `--model online-kmeans`. */
export const onlineKMeansSpec: ModelSpec = {
  name: KIND,
  type: 'clusterer',
  description: "Online mini-batch k-means with a decay factor (Flink ML's OnlineKMeans).",
  params: {
    k: { type: 'integer', default: DEFAULTS.k, min: 1, description: 'number of clusters' },
    decayFactor: {
      type: 'number',
      default: DEFAULTS.decayFactor,
      min: 0,
      max: 1,
      description: "weight kept by the centroids' past per batch",
    },
    globalBatchSize: {
      type: 'integer',
      default: DEFAULTS.globalBatchSize,
      min: 1,
      description: 'examples per mini-batch update',
    },
    seed: { type: 'integer', default: DEFAULTS.seed, description: 'seed of the initial centroids' },
    init: {
      type: 'string',
      default: DEFAULTS.init,
      choices: ['sample', 'random'],
      description: 'k points of the first batch, or uniform [0, 1) (Flink)',
    },
  },
  create: (params) => new OnlineKMeans(params as Partial<OnlineKMeansParams>),
};
