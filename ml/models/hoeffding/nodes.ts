import type { Features } from '../../core/features.ts';
import { GaussianSplitter, type GaussianSplitterState } from './gaussian-splitter.ts';

/** A leaf: it learns (class weights, one splitter per feature) until it splits. */
export interface LeafNode {
  readonly kind: 'leaf';
  readonly depth: number;
  /** Weight per class index. */
  readonly stats: number[];
  readonly splitters: Map<string, GaussianSplitter>;
  /** Total weight at the last split attempt (a split is tried every `gracePeriod` of weight). */
  lastSplitAttemptAt: number;
  /** Weight of examples the majority class and naive Bayes predicted right (adaptive leaves). */
  mcCorrect: number;
  nbCorrect: number;
}

/** A numeric test: `x[feature] ≤ threshold` goes left. */
export interface BranchNode {
  readonly kind: 'branch';
  readonly depth: number;
  readonly feature: string;
  readonly threshold: number;
  readonly children: [TreeNode, TreeNode];
  /** Weight sent each way (from the split's estimate, then counted): where a missing value goes. */
  readonly weights: [number, number];
}

export type TreeNode = LeafNode | BranchNode;

/** A node as JSON (the snapshot holds the whole tree this way). */
export type TreeNodeState =
  | {
      kind: 'leaf';
      depth: number;
      stats: number[];
      splitters: [string, GaussianSplitterState][];
      lastSplitAttemptAt: number;
      mcCorrect: number;
      nbCorrect: number;
    }
  | {
      kind: 'branch';
      depth: number;
      feature: string;
      threshold: number;
      weights: [number, number];
      children: [TreeNodeState, TreeNodeState];
    };

export function newLeaf(depth: number, stats: number[]): LeafNode {
  const total = stats.reduce((a, b) => a + b, 0);
  return {
    kind: 'leaf',
    depth,
    stats,
    splitters: new Map(),
    lastSplitAttemptAt: total,
    mcCorrect: 0,
    nbCorrect: 0,
  };
}

/** The total weight a leaf has seen. */
export function leafWeight(leaf: LeafNode): number {
  return leaf.stats.reduce((a, b) => a + b, 0);
}

/**
 * Walks from `node` to the leaf for `x`; `onBranch` sees each branch and the side taken. A missing
 * feature follows the side that has had more weight (River's "most common path").
 */
export function findLeaf(
  node: TreeNode,
  x: Features,
  onBranch?: (branch: BranchNode, side: 0 | 1) => void,
): LeafNode {
  let current = node;
  while (current.kind === 'branch') {
    const value = x[current.feature];
    const side: 0 | 1 =
      value === undefined
        ? current.weights[1] > current.weights[0]
          ? 1
          : 0
        : value <= current.threshold
          ? 0
          : 1;
    onBranch?.(current, side);
    current = current.children[side];
  }
  return current;
}

export function nodeToJSON(node: TreeNode): TreeNodeState {
  if (node.kind === 'branch') {
    return {
      kind: 'branch',
      depth: node.depth,
      feature: node.feature,
      threshold: node.threshold,
      weights: [node.weights[0], node.weights[1]],
      children: [nodeToJSON(node.children[0]), nodeToJSON(node.children[1])],
    };
  }
  return {
    kind: 'leaf',
    depth: node.depth,
    stats: [...node.stats],
    splitters: [...node.splitters].map(([name, s]) => [name, s.toJSON()]),
    lastSplitAttemptAt: node.lastSplitAttemptAt,
    mcCorrect: node.mcCorrect,
    nbCorrect: node.nbCorrect,
  };
}

export function nodeFromJSON(state: TreeNodeState): TreeNode {
  if (state.kind === 'branch') {
    return {
      kind: 'branch',
      depth: state.depth,
      feature: state.feature,
      threshold: state.threshold,
      weights: [state.weights[0], state.weights[1]],
      children: [nodeFromJSON(state.children[0]), nodeFromJSON(state.children[1])],
    };
  }
  return {
    kind: 'leaf',
    depth: state.depth,
    stats: [...state.stats],
    splitters: new Map(state.splitters.map(([name, s]) => [name, GaussianSplitter.fromJSON(s)])),
    lastSplitAttemptAt: state.lastSplitAttemptAt,
    mcCorrect: state.mcCorrect,
    nbCorrect: state.nbCorrect,
  };
}

/** How many branches and leaves, and how deep: for inspection and tests. */
export function treeSummary(node: TreeNode): { branches: number; leaves: number; depth: number } {
  if (node.kind === 'leaf') return { branches: 0, leaves: 1, depth: node.depth };
  const a = treeSummary(node.children[0]);
  const b = treeSummary(node.children[1]);
  return {
    branches: a.branches + b.branches + 1,
    leaves: a.leaves + b.leaves,
    depth: Math.max(a.depth, b.depth),
  };
}
