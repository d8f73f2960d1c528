import { checkScores, type ScoredSeries } from './labelled-series.ts';
import type { CostMatrix } from './nab-profiles.ts';
import { NAB_PROBATION_PERCENT, probationaryLength } from './probationary-period.ts';
import { scaledSigmoid } from './scaled-sigmoid.ts';
import { windowRows } from './window-rows.ts';

/** One scorable (post-probation) record of a file, as NAB's sweeper sees it. */
export interface SweepPoint {
  /** Record index in the file. */
  readonly row: number;
  readonly anomalyScore: number;
  /** What a detection here adds to the score (before the first-detection-per-window rule). */
  readonly sweepScore: number;
  /** Index of the window the record is in; -1 outside every window. */
  readonly window: number;
}

/** A file's records ready for threshold sweeping. */
export interface FileSweep {
  readonly name: string;
  /** The post-probation records in file order. */
  readonly points: readonly SweepPoint[];
  /** Windows in the file, scorable or not (what a perfect detector is credited for). */
  readonly windowCount: number;
  /** Indices of the windows with at least one post-probation record (the ones scored). */
  readonly scorableWindows: readonly number[];
}

/**
 * Scores every record of a file as if it were a detection, exactly as `Sweeper.calcSweepScore` in
 * NAB's `nab/sweeper.py` (github.com/numenta/NAB, commit d62afec) does:
 *
 * - inside a window of `w` records ending at record `r`, record `i` sits at
 *   `y = -(r - i + 1) / w` and earns `tpWeight × scaledSigmoid(y) / scaledSigmoid(-1)`: exactly
 *   `tpWeight` at the window's first record, less the later it comes;
 * - outside every window before the first one, a detection costs `-fpWeight`;
 * - after a window of `w` records ending at `r`, record `i` sits at `y = (i - r) / (w - 1)` and
 *   earns `fpWeight × scaledSigmoid(y)` (just after the window almost nothing, from three window
 *   lengths on `-fpWeight`);
 * - records before {@link probationaryLength} are dropped; a window whose records all fall there is
 *   not scored (NAB's labeller removes such windows from its corpus).
 *
 * Throws when the scores do not match the records or a window is malformed (see `windowRows`).
 *
 * @example
 * const series = { name: 'a/b.csv', timestamps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], values: Array(10).fill(0),
 *   windows: [{ startMs: 4, endMs: 6 }] };
 * const sweep = sweepFile({ series, scores: Array(10).fill(0) }, { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 });
 * sweep.points[3]; // { row: 4, anomalyScore: 0, sweepScore: 1, window: 0 } (record 0 is probationary)
 */
export function sweepFile(
  scored: ScoredSeries,
  cost: CostMatrix,
  probationPercent = NAB_PROBATION_PERCENT,
): FileSweep {
  checkScores(scored);
  const { series, scores } = scored;
  const windows = windowRows(series);
  const probation = probationaryLength(series.timestamps.length, probationPercent);
  const maxTp = scaledSigmoid(-1);
  const points: SweepPoint[] = [];
  let next = 0; // the next window not yet passed
  for (let i = 0; i < scores.length; i++) {
    while (next < windows.length && windows[next]!.last < i) next++;
    const current = windows[next];
    const inside = current !== undefined && current.first <= i;
    let sweepScore: number;
    if (inside) {
      const width = current.last - current.first + 1;
      sweepScore = (scaledSigmoid(-(current.last - i + 1) / width) * cost.tpWeight) / maxTp;
    } else if (next === 0) {
      sweepScore = -cost.fpWeight;
    } else {
      const previous = windows[next - 1]!;
      const width = previous.last - previous.first + 1;
      sweepScore = scaledSigmoid((i - previous.last) / (width - 1)) * cost.fpWeight;
    }
    if (i >= probation)
      points.push({ row: i, anomalyScore: scores[i]!, sweepScore, window: inside ? next : -1 });
  }
  const scorableWindows = windows.flatMap((w, k) => (w.last >= probation ? [k] : []));
  return { name: series.name, points, windowCount: windows.length, scorableWindows };
}
