import type { Features } from '../../core/features.ts';
import type { LeafNode } from './nodes.ts';

/** How a leaf predicts (River's `leaf_prediction`): majority class, naive Bayes, or adaptive. */
export type LeafPrediction = 'mc' | 'nb' | 'nba';

/** The leaf's class weights, normalised (all zero for an empty leaf). */
export function majorityProba(leaf: LeafNode): number[] {
  const total = leaf.stats.reduce((a, b) => a + b, 0);
  return leaf.stats.map((w) => (total > 0 ? w / total : 0));
}

/**
 * Naive Bayes at a leaf (River's `do_naive_bayes_prediction`): log prior from the leaf's class
 * weights plus, per feature of `x` the leaf has a splitter for, the log density of its value under
 * that class's Gaussian (a zero density adds nothing); normalised by log-sum-exp.
 */
export function naiveBayesProba(leaf: LeafNode, x: Features): number[] {
  const total = leaf.stats.reduce((a, b) => a + b, 0);
  if (total <= 0) return leaf.stats.map(() => 0);
  const names = Object.keys(x).sort();
  const votes = leaf.stats.map((w, c) => {
    if (w <= 0) return Number.NEGATIVE_INFINITY;
    let v = Math.log(w / total);
    for (const name of names) {
      const p = leaf.splitters.get(name)?.condProba(x[name]!, c) ?? 0;
      if (p > 0) v += Math.log(p);
    }
    return v;
  });
  const max = Math.max(...votes);
  const exps = votes.map((v) => (v === Number.NEGATIVE_INFINITY ? 0 : Math.exp(v - max)));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** The leaf's prediction under `mode`; `nbThreshold`: weight below which naive Bayes is not used. */
export function leafProba(leaf: LeafNode, x: Features, mode: LeafPrediction, nbThreshold: number): number[] {
  const total = leaf.stats.reduce((a, b) => a + b, 0);
  if (mode === 'mc' || total < nbThreshold) return majorityProba(leaf);
  if (mode === 'nb') return naiveBayesProba(leaf, x);
  return leaf.nbCorrect >= leaf.mcCorrect ? naiveBayesProba(leaf, x) : majorityProba(leaf);
}

/** Index of the largest value (the first on ties), or -1 for an empty or all-zero array. */
export function argMax(values: readonly number[]): number {
  let best = -1;
  let bestValue = 0;
  values.forEach((v, i) => {
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  });
  return best;
}

/**
 * Before a leaf learns `classIndex` (adaptive leaves): credits the majority class and naive Bayes
 * for predicting it. As River's, an empty leaf counts as a right majority-class guess.
 */
export function scoreLeafPredictors(leaf: LeafNode, x: Features, classIndex: number, w: number): void {
  const total = leaf.stats.reduce((a, b) => a + b, 0);
  if (total <= 0 || argMax(leaf.stats) === classIndex) leaf.mcCorrect += w;
  if (total > 0 && argMax(naiveBayesProba(leaf, x)) === classIndex) leaf.nbCorrect += w;
}
