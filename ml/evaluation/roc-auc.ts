import type { ClassLabel } from '../core/features.ts';
import { listOf, type MetricState, numbersOf, type ProbaMetric } from './metric.ts';

/**
 * Exact area under the ROC curve of a binary classifier, from the scores seen (the predicted
 * probability of `positive`): the probability that a random positive scores above a random
 * negative, ties counting half (Mann–Whitney U / (P·N), as scikit-learn's `roc_auc_score`).
 *
 * Cost: it keeps a count of positives and negatives per distinct score, so memory grows with
 * the number of distinct scores (up to one entry per update; bounded by the window when
 * rolling), and `get()` sorts them: O(k log k) for k distinct scores. `update`/`revert` are O(1).
 * 0.5 (no information) until both classes have been seen.
 *
 * @example
 * const m = new RocAuc(1);
 * [[0, 0.1], [0, 0.4], [1, 0.35], [1, 0.8]].forEach(([y, s]) => m.update(y, new Map([[1, s]])));
 * m.get(); // 0.75
 */
export class RocAuc implements ProbaMetric {
  readonly name = 'roc_auc';
  /** score → [positives, negatives] with that score. */
  private readonly byScore = new Map<number, [number, number]>();
  private positives = 0;
  private negatives = 0;

  constructor(readonly positive: ClassLabel = 1) {}

  update(yTrue: ClassLabel, proba: ReadonlyMap<ClassLabel, number>): void {
    this.apply(yTrue, proba, 1);
  }

  revert(yTrue: ClassLabel, proba: ReadonlyMap<ClassLabel, number>): void {
    this.apply(yTrue, proba, -1);
  }

  get(): number {
    if (this.positives === 0 || this.negatives === 0) return 0.5;
    const scores = [...this.byScore.keys()].sort((a, b) => a - b);
    let negativesBelow = 0;
    let u = 0;
    for (const s of scores) {
      const [pos, neg] = this.byScore.get(s)!;
      u += pos * (negativesBelow + neg / 2);
      negativesBelow += neg;
    }
    return u / (this.positives * this.negatives);
  }

  /** `[positives, negatives, [score, positives, negatives][]]` (scores in first-seen order). */
  snapshot(): [number, number, [number, number, number][]] {
    const scores = [...this.byScore].map(([s, [pos, neg]]): [number, number, number] => [s, pos, neg]);
    return [this.positives, this.negatives, scores];
  }

  restore(state: MetricState): void {
    this.positives = 0;
    this.negatives = 0;
    this.byScore.clear();
    this.merge(state);
  }

  merge(state: MetricState): void {
    const [positives, negatives, scores] = listOf(state, this.name);
    const [pos = 0, neg = 0] = numbersOf([positives ?? null, negatives ?? null], 2, this.name);
    const entries = listOf(scores ?? null, this.name).map((entry) => numbersOf(entry, 3, this.name));
    this.positives += pos;
    this.negatives += neg;
    for (const [score = 0, p = 0, n = 0] of entries) {
      const entry = this.byScore.get(score);
      if (entry === undefined) this.byScore.set(score, [p, n]);
      else {
        entry[0] += p;
        entry[1] += n;
      }
    }
  }

  private apply(yTrue: ClassLabel, proba: ReadonlyMap<ClassLabel, number>, by: 1 | -1): void {
    const score = proba.get(this.positive) ?? 0;
    const isPositive = yTrue === this.positive;
    let entry = this.byScore.get(score);
    if (!entry) {
      entry = [0, 0];
      this.byScore.set(score, entry);
    }
    entry[isPositive ? 0 : 1] += by;
    if (isPositive) this.positives += by;
    else this.negatives += by;
    if (entry[0] === 0 && entry[1] === 0) this.byScore.delete(score);
  }
}
