import type { Random } from '../../services/common/random.ts';

/** River's padding: a split falls in the middle 70% of its node's range on the feature. */
const PADDING = 0.15;

/** Where a walk down a tree stopped while scoring, and what it added to the score. */
export interface HstWalk {
  /** `Σ r_mass · 2^depth` over the nodes visited. */
  readonly score: number;
  /** Depth of the last node visited (0 = root). */
  readonly depth: number;
  /** Its reference mass (records of the last full window that reached it). */
  readonly mass: number;
}

/**
 * One half-space tree (Tan, Ting and Liu 2011, as River's `HalfSpaceTrees`) over features scaled
 * to [0, 1], as a complete binary tree in heap order (node i has children 2i+1 and 2i+2; the
 * leaves are the last 2^height). Each node keeps two masses: `l` (records of the window being
 * filled that reached it) and `r` (those of the last complete window, the reference).
 *
 * `build` draws the splits as River's `make_padded_tree`, depth first: a feature with probability
 * proportional to the width of the node's range on it, a split point uniform in the middle 70% of
 * that range. The structure depends only on the random source, the number of features and the
 * height, never on the data.
 *
 * @example
 * const t = HstTree.build(1, 1, createRandom(0)); // one split of one feature
 * t.learn([0.0]); t.learn([0.0]); t.pivot();
 * t.walk([0.0], 0.2); // { score: 6, depth: 1, mass: 2 }  (root 2·1 + leaf 2·2)
 * t.walk([1.0], 0.2); // { score: 2, depth: 1, mass: 0 }
 */
export class HstTree {
  private constructor(
    readonly height: number,
    private readonly feature: Int32Array,
    private readonly threshold: Float64Array,
    private readonly lMass: Float64Array,
    private readonly rMass: Float64Array,
  ) {}

  /** A tree of `height` over `dims` features with random splits drawn from `random`. */
  static build(height: number, dims: number, random: Random): HstTree {
    const internal = 2 ** height - 1;
    const nodes = 2 ** (height + 1) - 1;
    const feature = new Int32Array(internal);
    const threshold = new Float64Array(internal);
    const lower = new Array<number>(dims).fill(0);
    const upper = new Array<number>(dims).fill(1);
    const split = (node: number): void => {
      if (node >= internal) return;
      const on = pickWeighted(
        lower.map((lo, i) => upper[i]! - lo),
        random,
      );
      const a = lower[on]!;
      const b = upper[on]!;
      const at = a + PADDING * (b - a) + random.next() * (1 - 2 * PADDING) * (b - a);
      feature[node] = on;
      threshold[node] = at;
      upper[on] = at;
      split(2 * node + 1);
      upper[on] = b;
      lower[on] = at;
      split(2 * node + 2);
      lower[on] = a;
    };
    split(0);
    return new HstTree(height, feature, threshold, new Float64Array(nodes), new Float64Array(nodes));
  }

  /** Adds one record (scaled features, NaN for a missing one) to the masses of its path. */
  learn(x: Float64Array | readonly number[]): void {
    let node = 0;
    for (;;) {
      this.lMass[node]! += 1;
      if (node >= this.feature.length) return;
      node = this.next(node, x);
    }
  }

  /**
   * Scores a record as River does: from the root, add `r_mass · 2^depth` of each node on its path,
   * stopping after the first node whose reference mass is below `sizeLimit` (or at the leaf).
   */
  walk(x: Float64Array | readonly number[], sizeLimit: number): HstWalk {
    let node = 0;
    let score = 0;
    for (let depth = 0; ; depth++) {
      const mass = this.rMass[node]!;
      score += mass * 2 ** depth;
      if (mass < sizeLimit || node >= this.feature.length) return { score, depth, mass };
      node = this.next(node, x);
    }
  }

  /** The window is complete: its masses become the reference, and a new window starts. */
  pivot(): void {
    this.rMass.set(this.lMass);
    this.lMass.fill(0);
  }

  /** The masses `[l, r]` (the structure comes back from the seed). */
  masses(): [number[], number[]] {
    return [Array.from(this.lMass), Array.from(this.rMass)];
  }

  loadMasses(l: readonly number[], r: readonly number[]): void {
    if (l.length !== this.lMass.length || r.length !== this.rMass.length) {
      throw new Error(`half-space tree: ${l.length} masses for a tree of ${this.lMass.length} nodes`);
    }
    this.lMass.set(l);
    this.rMass.set(r);
  }

  /**
   * The child a record goes to: by the split, or, when its feature is missing, the child more
   * records of the current window went to (River's rule).
   */
  private next(node: number, x: Float64Array | readonly number[]): number {
    const left = 2 * node + 1;
    const v = x[this.feature[node]!] ?? Number.NaN;
    if (Number.isNaN(v)) return this.lMass[left]! < this.lMass[left + 1]! ? left + 1 : left;
    return v < this.threshold[node]! ? left : left + 1;
  }
}

/** An index drawn with probability proportional to its weight (River's `rng.choices`). */
function pickWeighted(weights: readonly number[], random: Random): number {
  let total = 0;
  for (const w of weights) total += w;
  let r = random.next() * total;
  for (let i = 0; i < weights.length - 1; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}
