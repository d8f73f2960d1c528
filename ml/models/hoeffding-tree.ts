import type { Classifier, EstimatorSnapshot } from '../core/estimator.ts';
import type { ClassLabel, Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';
import { GaussianSplitter } from './hoeffding/gaussian-splitter.ts';
import { argMax, type LeafPrediction, leafProba, scoreLeafPredictors } from './hoeffding/leaf-prediction.ts';
import {
  type BranchNode,
  findLeaf,
  leafWeight,
  newLeaf,
  nodeFromJSON,
  nodeToJSON,
  type TreeNode,
  type TreeNodeState,
  treeSummary,
} from './hoeffding/nodes.ts';
import { attemptSplit } from './hoeffding/split-attempt.ts';

/** Hyperparameters: River's `HoeffdingTreeClassifier` names (camel-cased) and defaults. */
export type HoeffdingTreeParams = {
  /** Weight a leaf sees between split attempts. */
  readonly gracePeriod: number;
  /** 1 − confidence of the Hoeffding bound (River's `delta`). */
  readonly delta: number;
  /** Tie threshold: split anyway when the bound falls below it. */
  readonly tau: number;
  readonly leafPrediction: LeafPrediction;
  /** Weight a leaf needs before it predicts by naive Bayes. */
  readonly nbThreshold: number;
  /** Deepest a leaf may be to split (root = 0); 0 = no limit. */
  readonly maxDepth: number;
  /** Candidate thresholds per numeric feature (River's `GaussianSplitter(n_splits)`). */
  readonly nSplits: number;
  /** A split needs two branches with more than this share of the weight. */
  readonly minBranchFraction: number;
};

const DEFAULTS: HoeffdingTreeParams = {
  gracePeriod: 200,
  delta: 1e-7,
  tau: 0.05,
  leafPrediction: 'nba',
  nbThreshold: 0,
  maxDepth: 0,
  nSplits: 10,
  minBranchFraction: 0.01,
};

const KIND = 'hoeffding-tree';
const VERSION = 1;

/** The learned state: the labels (their index is used everywhere in the tree) and the whole tree. */
interface HoeffdingTreeState {
  readonly classes: ClassLabel[];
  readonly root: TreeNodeState;
}

/**
 * Hoeffding tree (VFDT, Domingos & Hulten 2000, "Mining High-Speed Data Streams"), as River's
 * `HoeffdingTreeClassifier`: each leaf keeps class weights and, per numeric feature, a Gaussian
 * split estimator (files in `hoeffding/`); every `gracePeriod` of weight it tries a split by
 * information gain and splits when the best beats the runner-up (or not splitting) by more than
 * the Hoeffding bound, or the bound is below `tau`. Leaves predict by majority class, naive Bayes,
 * or whichever of the two has been right more often there (`nba`, the default). A missing feature
 * at a branch follows the side that has had more weight. The snapshot holds the whole tree as JSON.
 * Unlike River, a leaf whose null split wins is not deactivated: it keeps learning and retries.
 *
 * @example
 * const tree = new HoeffdingTree();
 * for (let i = 0; i < 400; i++) {
 *   const x = ((i * 37) % 101) / 100;
 *   tree.learnOne({ x }, x > 0.5 ? 1 : 0);
 * }
 * tree.tree(); // { kind: 'branch', feature: 'x', threshold: 0.5454..., ... } (split at 200)
 * tree.predictOne({ x: 0.9 }); // 1
 */
export class HoeffdingTree implements Classifier {
  readonly kind = KIND;
  readonly params: HoeffdingTreeParams;
  private classes: ClassLabel[] = [];
  private root: TreeNode = newLeaf(0, []);

  constructor(params: Partial<HoeffdingTreeParams> = {}) {
    const p = { ...DEFAULTS, ...params };
    if (!(p.gracePeriod >= 1)) throw new Error(`${KIND}: gracePeriod must be >= 1, got ${p.gracePeriod}`);
    if (!(p.delta > 0 && p.delta < 1)) throw new Error(`${KIND}: delta must be in (0, 1), got ${p.delta}`);
    if (!(p.tau >= 0)) throw new Error(`${KIND}: tau must be >= 0, got ${p.tau}`);
    if (!['mc', 'nb', 'nba'].includes(p.leafPrediction)) {
      throw new Error(`${KIND}: leafPrediction must be mc, nb or nba, got ${p.leafPrediction}`);
    }
    if (!(p.nbThreshold >= 0)) throw new Error(`${KIND}: nbThreshold must be >= 0, got ${p.nbThreshold}`);
    if (!Number.isInteger(p.maxDepth) || p.maxDepth < 0) {
      throw new Error(`${KIND}: maxDepth must be an integer >= 0 (0 = no limit), got ${p.maxDepth}`);
    }
    if (!Number.isInteger(p.nSplits) || p.nSplits < 1)
      throw new Error(`${KIND}: nSplits must be an integer >= 1, got ${p.nSplits}`);
    if (!(p.minBranchFraction >= 0 && p.minBranchFraction < 0.5)) {
      throw new Error(`${KIND}: minBranchFraction must be in [0, 0.5), got ${p.minBranchFraction}`);
    }
    this.params = p;
  }

  learnOne(x: Features, y: ClassLabel): void {
    let c = this.classes.indexOf(y);
    if (c < 0) {
      c = this.classes.length;
      this.classes.push(y);
    }
    let parent: BranchNode | null = null;
    let side: 0 | 1 = 0;
    const leaf = findLeaf(this.root, x, (branch, s) => {
      branch.weights[s] += 1;
      parent = branch;
      side = s;
    });
    if (this.params.leafPrediction === 'nba') scoreLeafPredictors(leaf, x, c, 1);
    while (leaf.stats.length <= c) leaf.stats.push(0);
    leaf.stats[c]! += 1;
    for (const name of Object.keys(x)) {
      let splitter = leaf.splitters.get(name);
      if (splitter === undefined) {
        splitter = new GaussianSplitter();
        leaf.splitters.set(name, splitter);
      }
      splitter.update(x[name]!, c);
    }
    const { maxDepth, gracePeriod } = this.params;
    const weight = leafWeight(leaf);
    if (weight - leaf.lastSplitAttemptAt < gracePeriod || (maxDepth > 0 && leaf.depth >= maxDepth)) return;
    leaf.lastSplitAttemptAt = weight;
    const branch = attemptSplit(leaf, this.params);
    if (branch === null) return;
    if (parent === null) this.root = branch;
    else (parent as BranchNode).children[side] = branch;
  }

  predictProbaOne(x: Features): ReadonlyMap<ClassLabel, number> {
    if (this.classes.length === 0) return new Map();
    const proba = this.leafProba(x);
    const sum = proba.reduce((a, b) => a + b, 0);
    // a fresh leaf after a split may hold no weight for some class; an empty one holds none at all
    return new Map(
      this.classes.map((label, c) => [label, sum > 0 ? (proba[c] ?? 0) / sum : 1 / this.classes.length]),
    );
  }

  predictOne(x: Features): ClassLabel | undefined {
    if (this.classes.length === 0) return undefined;
    const best = argMax(this.leafProba(x));
    return this.classes[Math.max(best, 0)];
  }

  /** Branches, leaves and depth of the tree now. */
  summary(): { branches: number; leaves: number; depth: number } {
    return treeSummary(this.root);
  }

  /** The tree as nested JSON (the snapshot's `state.root`), for inspection. */
  tree(): TreeNodeState {
    return nodeToJSON(this.root);
  }

  snapshot(): EstimatorSnapshot {
    const state: HoeffdingTreeState = { classes: [...this.classes], root: nodeToJSON(this.root) };
    return { kind: KIND, version: VERSION, params: { ...this.params }, state };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, VERSION);
    const state = snapshot.state as HoeffdingTreeState;
    this.classes = [...state.classes];
    this.root = nodeFromJSON(state.root);
  }

  clone(): this {
    return new HoeffdingTree(this.params) as this;
  }

  private leafProba(x: Features): number[] {
    const leaf = findLeaf(this.root, x);
    return leafProba(leaf, x, this.params.leafPrediction, this.params.nbThreshold);
  }
}

/** The registry's entry: `--model hoeffding-tree`. */
export const hoeffdingTreeSpec: ModelSpec = {
  name: KIND,
  type: 'classifier',
  description:
    'Hoeffding tree (VFDT) with Gaussian numeric splits and naive-Bayes-adaptive leaves (River defaults).',
  params: {
    gracePeriod: {
      type: 'number',
      default: DEFAULTS.gracePeriod,
      min: 1,
      description: 'weight a leaf sees between split attempts',
    },
    delta: {
      type: 'number',
      default: DEFAULTS.delta,
      min: Number.MIN_VALUE,
      max: 1,
      description: 'one minus the confidence of the Hoeffding bound',
    },
    tau: {
      type: 'number',
      default: DEFAULTS.tau,
      min: 0,
      description: 'tie threshold: split when the bound is below it',
    },
    leafPrediction: {
      type: 'string',
      default: DEFAULTS.leafPrediction,
      choices: ['mc', 'nb', 'nba'],
      description: 'majority class, naive Bayes, or adaptive',
    },
    nbThreshold: {
      type: 'number',
      default: DEFAULTS.nbThreshold,
      min: 0,
      description: 'weight a leaf needs before predicting by naive Bayes',
    },
    maxDepth: {
      type: 'integer',
      default: DEFAULTS.maxDepth,
      min: 0,
      description: 'deepest a leaf may be to split (0 = no limit)',
    },
    nSplits: {
      type: 'integer',
      default: DEFAULTS.nSplits,
      min: 1,
      description: 'candidate thresholds per numeric feature',
    },
    minBranchFraction: {
      type: 'number',
      default: DEFAULTS.minBranchFraction,
      min: 0,
      max: 0.49,
      description: 'least share of weight in two branches of a split',
    },
  },
  create: (params) => new HoeffdingTree(params as Partial<HoeffdingTreeParams>),
};
