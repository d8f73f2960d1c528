import type { SplitSuggestion } from './gaussian-splitter.ts';
import { infoGainRange } from './info-gain.ts';
import { type BranchNode, type LeafNode, leafWeight, newLeaf } from './nodes.ts';

/** What a split attempt needs from the tree's hyperparameters. */
export interface SplitOptions {
  readonly delta: number;
  readonly tau: number;
  readonly nSplits: number;
  readonly minBranchFraction: number;
}

/**
 * The Hoeffding bound (Domingos & Hulten 2000): with probability 1 − δ the true mean of a variable
 * of range R is within ε = √(R² ln(1/δ) / 2n) of the mean of n observations.
 */
export function hoeffdingBound(range: number, delta: number, n: number): number {
  return Math.sqrt((range * range * Math.log(1 / delta)) / (2 * n));
}

/**
 * VFDT's split decision at a leaf: the best split per feature, plus the null split (no split, gain
 * 0: the paper's pre-pruning X∅); split on the best when it beats the runner-up by more than ε, or
 * when ε < τ (a tie: either will do). Returns the branch to put in the leaf's place, or `null`.
 * Features are visited in sorted order so that ties break the same whatever the input order.
 */
export function attemptSplit(leaf: LeafNode, options: SplitOptions): BranchNode | null {
  if (leaf.stats.filter((w) => w > 0).length < 2) return null;
  const suggestions: SplitSuggestion[] = [];
  for (const name of [...leaf.splitters.keys()].sort()) {
    const s = leaf.splitters
      .get(name)!
      .bestSplit(name, leaf.stats, options.nSplits, options.minBranchFraction);
    if (s !== null) suggestions.push(s);
  }
  if (suggestions.length === 0) return null;
  // stable sort, best first: on equal merit the feature first in sorted order wins
  suggestions.sort((a, b) => b.merit - a.merit);
  const best = suggestions[0]!;
  const secondMerit = Math.max(suggestions[1]?.merit ?? 0, 0);
  const epsilon = hoeffdingBound(infoGainRange(leaf.stats), options.delta, leafWeight(leaf));
  if (best.merit <= 0) return null;
  if (!(best.merit - secondMerit > epsilon || epsilon < options.tau)) return null;
  const [left, right] = best.children;
  return {
    kind: 'branch',
    depth: leaf.depth,
    feature: best.feature,
    threshold: best.threshold,
    weights: [left.reduce((a, b) => a + b, 0), right.reduce((a, b) => a + b, 0)],
    children: [newLeaf(leaf.depth + 1, left), newLeaf(leaf.depth + 1, right)],
  };
}
