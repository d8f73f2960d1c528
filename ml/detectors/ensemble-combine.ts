import type { AnomalyExplanation } from './detector.ts';
import { formatNumber } from './explanation-text.ts';

/** How an ensemble's member scores become one: the highest, or a vote. */
export type EnsembleCombine = 'max' | 'vote';

/** A member votes "anomalous" at or above this score (every detector's threshold maps to 0.5). */
export const VOTE_SCORE = 0.5;

/**
 * One score from the members' scores:
 *
 * - `max`: the highest;
 * - `vote`: with `v` of `n` members at or above 0.5 and `k = floor(n/2) + 1` a majority, and `m` the
 *   members' mean score (which orders records with the same votes): `0.5·(v + m)/k` below a
 *   majority (always < 0.5), `0.5 + 0.5·(v - k + m)/(n - k + 1)` from a majority on (>= 0.5; 1 when
 *   every member scores 1). No member scoring gives 0.
 *
 * @example
 * combineScores('max', [0.2, 0.9, 0.4]); // 0.9
 * combineScores('vote', [0.6, 0.8, 0.1]); // 0.5 + 0.5·(2 - 2 + 0.5)/2 = 0.625 (2 of 3 voted)
 * combineScores('vote', [0.9, 0.1, 0.2]); // 0.5·(1 + 0.4)/2 = 0.35 (1 of 3)
 */
export function combineScores(combine: EnsembleCombine, scores: readonly number[]): number {
  if (combine === 'max') return scores.reduce((a, b) => Math.max(a, b), 0);
  const n = scores.length;
  if (n === 0) return 0;
  const votes = scores.filter((s) => s >= VOTE_SCORE).length;
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const majority = Math.floor(n / 2) + 1;
  if (votes < majority) return (0.5 * (votes + mean)) / majority;
  return 0.5 + (0.5 * (votes - majority + mean)) / (n - majority + 1);
}

/**
 * The ensemble's explanation from its members' (`names[i]` explained `explanations[i]`), with the
 * score {@link combineScores} gives: for `max` the highest member's explanation, its reason
 * prefixed with the member's name; for `vote` the members that voted and their scores, with the
 * expected value and range of the highest of them.
 *
 * @example
 * combineExplanations('max', ['ewma', 'stuck-sensor'], [{ score: 0.9, reason: '25 is 4 std from 20' }, { score: 0, reason: '25 starts a new run' }]);
 * // { score: 0.9, reason: 'ewma: 25 is 4 std from 20' }
 */
export function combineExplanations(
  combine: EnsembleCombine,
  names: readonly string[],
  explanations: readonly AnomalyExplanation[],
): AnomalyExplanation {
  const score = combineScores(
    combine,
    explanations.map((e) => e.score),
  );
  let top = 0;
  explanations.forEach((e, i) => {
    if (e.score > explanations[top]!.score) top = i;
  });
  const best = explanations[top];
  if (best === undefined) return { score, reason: 'no members' };
  const range = { expected: best.expected, lower: best.lower, upper: best.upper };
  const defined = Object.fromEntries(Object.entries(range).filter(([, v]) => v !== undefined));
  if (combine === 'max') return { ...defined, score, reason: `${names[top]}: ${best.reason}` };
  const voters = explanations.map((e, i) => [names[i]!, e.score] as const).filter(([, s]) => s >= VOTE_SCORE);
  const reason =
    voters.length === 0
      ? `no member of ${names.length} voted (highest ${names[top]}: ${formatNumber(best.score)})`
      : `${voters.length} of ${names.length} voted: ${voters.map(([n, s]) => `${n} (${formatNumber(s)})`).join(', ')}; ${names[top]}: ${best.reason}`;
  return voters.length === 0 ? { score, reason } : { ...defined, score, reason };
}
