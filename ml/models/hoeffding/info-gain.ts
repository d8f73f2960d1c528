/**
 * Information gain, the Hoeffding tree's split criterion (River's `InfoGainSplitCriterion`):
 * class distributions are arrays of weights indexed by class.
 */

/** Entropy in bits of one class distribution. */
export function entropy(dist: readonly number[]): number {
  let total = 0;
  for (const w of dist) total += w;
  if (total <= 0) return 0;
  let h = 0;
  for (const w of dist) if (w > 0) h -= (w / total) * Math.log2(w / total);
  return h;
}

/** The weighted mean entropy of the branches of a split. */
export function splitEntropy(branches: readonly (readonly number[])[]): number {
  let total = 0;
  let sum = 0;
  for (const dist of branches) {
    const w = dist.reduce((a, b) => a + b, 0);
    total += w;
    sum += w * entropy(dist);
  }
  return total > 0 ? sum / total : 0;
}

/**
 * `H(pre) − H(branches)`, or −∞ when fewer than two branches hold more than `minBranchFraction`
 * of the weight (a split that sends almost everything one way is no split).
 */
export function infoGain(
  pre: readonly number[],
  branches: readonly (readonly number[])[],
  minBranchFraction: number,
): number {
  const weights = branches.map((dist) => dist.reduce((a, b) => a + b, 0));
  const total = weights.reduce((a, b) => a + b, 0);
  const big = weights.filter((w) => total > 0 && w / total > minBranchFraction).length;
  if (big < 2) return Number.NEGATIVE_INFINITY;
  return entropy(pre) - splitEntropy(branches);
}

/** The range R of information gain for the Hoeffding bound: log2 of the number of classes (≥ 2). */
export function infoGainRange(pre: readonly number[]): number {
  const classes = pre.filter((w) => w > 0).length;
  return Math.log2(Math.max(classes, 2));
}
