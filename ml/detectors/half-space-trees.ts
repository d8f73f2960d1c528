import { createRandom } from '../../services/common/random.ts';
import { EstimatorBase } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { AnomalyDetector, AnomalyExplanation, DetectorSpec } from './detector.ts';
import { formatNumber } from './explanation-text.ts';
import { type Bounds, FeatureBounds, parseLimits } from './feature-bounds.ts';
import { HstTree } from './hst-tree.ts';
import { checkInteger } from './param-checks.ts';

/** Hyperparameters of {@link HalfSpaceTrees} (River's names in camelCase, and its defaults). */
export type HalfSpaceTreesParams = {
  readonly nTrees: number;
  /** Height of each tree: 2^(height+1) - 1 nodes. */
  readonly height: number;
  /** Records per window: masses are counted over one window and used as reference in the next. */
  readonly windowSize: number;
  readonly seed: number;
  /** Known feature ranges, `name:lower:upper,...`; other features use their learned min and max. */
  readonly limits: string;
};

const DEFAULTS: HalfSpaceTreesParams = { nTrees: 10, height: 8, windowSize: 250, seed: 0, limits: '' };

/** The nodes below which a walk stops: River's (and the paper's) 10% of a window. */
const SIZE_LIMIT_FRACTION = 0.1;

/**
 * Half-Space Trees (Tan, Ting and Liu 2011; River's `anomaly.HalfSpaceTrees`): an online variant
 * of isolation forests. `nTrees` random trees of `height` split the feature space (scaled to
 * [0, 1], {@link FeatureBounds}); each node counts the records of the current window that reach it,
 * and every `windowSize` records those counts become the reference masses. A record's score is
 * River's: per tree, walk its path adding `mass · 2^depth` until a node holds under 10% of a
 * window; then `1 - total / (nTrees · windowSize · (2^(height+1) - 1))`. Records in dense regions
 * collect big masses deep down (score near 0), isolated ones small masses early (near 1). The
 * score is River's own normalisation, already in [0, 1] and monotone in the mass, so it is kept as
 * is; note that typical records do not score near 0 (with the defaults, around 0.2-0.6), so pick a
 * threshold from the data (e.g. the NAB sweep). The first window scores 0 (warm-up).
 *
 * The trees are built at the first `learnOne` over the features of that record (in name order);
 * features that appear later are not used, a missing one follows the busier child (River's rules);
 * a record with none of the trees' features scores 0 and is not learned.
 * Since features are scaled, the trees depend only on the seed and their number: snapshots hold the
 * masses, not the splits. Following drift: within two windows of a change, the reference is the
 * new regime. O(nTrees · height) per record.
 *
 * @example
 * const d = new HalfSpaceTrees({ nTrees: 1, height: 1, windowSize: 2, limits: 'x:0:1' });
 * d.learnOne({ x: 0 }, 0); d.learnOne({ x: 0 }, 1);
 * d.scoreOne({ x: 0 }, 2); // 0      (mass 2·1 + 2·2 = 6 of 6)
 * d.scoreOne({ x: 1 }, 2); // 0.667  (mass 2 of 6)
 */
export class HalfSpaceTrees extends EstimatorBase<HalfSpaceTreesParams> implements AnomalyDetector {
  readonly kind = 'half-space-trees';
  protected readonly version = 1;
  private readonly given: ReadonlyMap<string, Bounds>;
  private bounds: FeatureBounds;
  private features: string[] = [];
  private trees: HstTree[] = [];
  private counter = 0;
  private firstWindow = true;

  constructor(params: Partial<HalfSpaceTreesParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkInteger(this.kind, 'nTrees', this.params.nTrees, 1, 1000);
    checkInteger(this.kind, 'height', this.params.height, 1, 16);
    checkInteger(this.kind, 'windowSize', this.params.windowSize, 1);
    checkInteger(this.kind, 'seed', this.params.seed, -(2 ** 31), 2 ** 31 - 1);
    this.given = parseLimits(this.kind, this.params.limits);
    this.bounds = new FeatureBounds(this.given);
  }

  scoreOne(x: Features, _ts?: number): number {
    if (this.firstWindow) return 0;
    const scaled = this.scale(x);
    if (scaled === undefined) return 0;
    let total = 0;
    for (const tree of this.trees) total += tree.walk(scaled, this.sizeLimit()).score;
    return 1 - total / this.maxScore();
  }

  explainOne(x: Features, _ts?: number): AnomalyExplanation {
    if (this.firstWindow) {
      return {
        score: 0,
        reason: `warming up (${this.counter} of ${this.params.windowSize} records learned)`,
      };
    }
    const scaled = this.scale(x);
    if (scaled === undefined)
      return { score: 0, reason: `none of ${this.features.join(', ')} in the record` };
    let total = 0;
    let depth = 0;
    let mass = 0;
    for (const tree of this.trees) {
      const walk = tree.walk(scaled, this.sizeLimit());
      total += walk.score;
      depth += walk.depth;
      mass += walk.mass;
    }
    const n = this.trees.length;
    const share = mass / n / this.params.windowSize;
    return {
      score: 1 - total / this.maxScore(),
      reason: `isolated after ${formatNumber(depth / n)} of ${this.params.height} splits on average, in a region holding ${formatNumber(100 * share)}% of the last window`,
    };
  }

  learnOne(x: Features, _ts?: number): void {
    if (this.trees.length === 0 && !this.plant(x)) return;
    this.bounds.learn(x);
    const scaled = this.scale(x);
    if (scaled === undefined) return;
    for (const tree of this.trees) tree.learn(scaled);
    this.counter += 1;
    if (this.counter === this.params.windowSize) {
      for (const tree of this.trees) tree.pivot();
      this.firstWindow = false;
      this.counter = 0;
    }
  }

  /** Builds the trees over `x`'s features; false when it has none. */
  private plant(x: Features): boolean {
    this.features = Object.keys(x)
      .filter((name) => Number.isFinite(x[name]))
      .sort();
    if (this.features.length === 0) return false;
    this.trees = this.growTrees();
    return true;
  }

  private growTrees(): HstTree[] {
    const random = createRandom(this.params.seed);
    return Array.from({ length: this.params.nTrees }, () =>
      HstTree.build(this.params.height, this.features.length, random),
    );
  }

  /** The tree features of `x`, scaled, NaN where missing; undefined when `x` has none of them. */
  private scale(x: Features): Float64Array | undefined {
    const out = new Float64Array(this.features.length);
    let present = 0;
    this.features.forEach((name, i) => {
      const v = Object.hasOwn(x, name) ? x[name] : undefined;
      const known = v !== undefined && Number.isFinite(v);
      out[i] = known ? this.bounds.scale(name, v) : Number.NaN;
      if (known) present += 1;
    });
    return present > 0 ? out : undefined;
  }

  private sizeLimit(): number {
    return SIZE_LIMIT_FRACTION * this.params.windowSize;
  }

  private maxScore(): number {
    return this.params.nTrees * this.params.windowSize * (2 ** (this.params.height + 1) - 1);
  }

  protected saveState(): unknown {
    return {
      features: [...this.features],
      counter: this.counter,
      firstWindow: this.firstWindow,
      bounds: this.bounds.toJSON(),
      masses: this.trees.map((t) => t.masses()),
    };
  }

  protected loadState(state: unknown): void {
    const s = state as {
      features: string[];
      counter: number;
      firstWindow: boolean;
      bounds: [string, number, number][];
      masses: [number[], number[]][];
    };
    this.features = [...s.features];
    this.counter = s.counter;
    this.firstWindow = s.firstWindow;
    this.bounds = new FeatureBounds(this.given);
    this.bounds.load(s.bounds);
    this.trees = this.features.length === 0 ? [] : this.growTrees();
    this.trees.forEach((tree, i) => {
      const [l, r] = s.masses[i] ?? [[], []];
      tree.loadMasses(l, r);
    });
  }
}

export const halfSpaceTreesSpec: DetectorSpec = {
  name: 'half-space-trees',
  description: "Half-Space Trees (River's HalfSpaceTrees): mass of a record's region in random trees.",
  input: 'multivariate',
  detects: ['spike'],
  params: {
    nTrees: { type: 'integer', default: DEFAULTS.nTrees, min: 1, max: 1000, description: 'Number of trees.' },
    height: {
      type: 'integer',
      default: DEFAULTS.height,
      min: 1,
      max: 16,
      description: 'Height of each tree.',
    },
    windowSize: {
      type: 'integer',
      default: DEFAULTS.windowSize,
      min: 1,
      description: 'Records per window of masses.',
    },
    seed: {
      type: 'integer',
      default: DEFAULTS.seed,
      min: -(2 ** 31),
      max: 2 ** 31 - 1,
      description: 'Seed of the random splits.',
    },
    limits: {
      type: 'string',
      default: DEFAULTS.limits,
      description: 'Known feature ranges name:lower:upper,...; others use learned min/max.',
    },
  },
  create: (p) =>
    new HalfSpaceTrees({
      nTrees: p.nTrees as number,
      height: p.height as number,
      windowSize: p.windowSize as number,
      seed: p.seed as number,
      limits: p.limits as string,
    }),
};
