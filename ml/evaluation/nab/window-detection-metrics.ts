import { checkScores, type ScoredSeries } from './labelled-series.ts';
import { NAB_PROBATION_PERCENT, probationaryLength } from './probationary-period.ts';
import { windowRows } from './window-rows.ts';

/** Window-level detection quality at one threshold (see {@link windowDetectionMetrics}). */
export interface WindowDetectionMetrics {
  readonly threshold: number;
  /** Scorable windows (with at least one post-probation record). */
  readonly windows: number;
  /** Windows with at least one post-probation detection inside. */
  readonly detectedWindows: number;
  /** Post-probation detections outside every window. */
  readonly falsePositives: number;
  /** `detectedWindows / (detectedWindows + falsePositives)`; 0 when nothing was detected. */
  readonly precision: number;
  /** `detectedWindows / windows`; 0 when there are no windows. */
  readonly recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  readonly f1: number;
  /** Mean of (first detection's timestamp - window start) over detected windows; null when none. */
  readonly meanDelayMs: number | null;
}

/**
 * Window precision, recall, F1 and mean detection delay of a detector at a threshold (detections:
 * records scored `>= threshold`), counted as NAB counts (only post-probation records, windows with
 * none of those left out; NAB rewards only the first detection in a window):
 *
 * - a window is detected when any detection falls inside it, and is one true positive however many
 *   detections it holds (later ones in the same window are neither rewarded nor penalised);
 * - each detection outside every window is one false positive;
 * - precision = detected windows / (detected windows + false positives), recall = detected windows /
 *   windows: window-level, so a detector that fires on every record of a window is not favoured
 *   over one that fires once;
 * - delay = timestamp of the first detection in a window - the window's start, averaged over the
 *   detected windows.
 *
 * @example
 * // one window [10, 19] in 40 one-ms records; detections at 12 and 13 (inside) and 30 (outside)
 * const m = windowDetectionMetrics([{ series, scores }], 0.5);
 * [m.precision, m.recall, m.meanDelayMs]; // [0.5, 1, 2]
 */
export function windowDetectionMetrics(
  scored: readonly ScoredSeries[],
  threshold: number,
  probationPercent = NAB_PROBATION_PERCENT,
): WindowDetectionMetrics {
  let windows = 0;
  let detectedWindows = 0;
  let falsePositives = 0;
  let delaySum = 0;
  for (const s of scored) {
    checkScores(s);
    const { series, scores } = s;
    const rows = windowRows(series);
    const probation = probationaryLength(series.timestamps.length, probationPercent);
    let next = 0;
    for (let i = 0; i < scores.length; i++) {
      while (next < rows.length && rows[next]!.last < i) next++;
      const inside = rows[next] !== undefined && rows[next]!.first <= i;
      if (i >= probation && !inside && scores[i]! >= threshold) falsePositives++;
    }
    rows.forEach((w, k) => {
      const from = Math.max(w.first, Math.ceil(probation));
      if (from > w.last) return;
      windows++;
      for (let i = from; i <= w.last; i++) {
        if (scores[i]! >= threshold) {
          detectedWindows++;
          delaySum += series.timestamps[i]! - series.windows[k]!.startMs;
          return;
        }
      }
    });
  }
  const detections = detectedWindows + falsePositives;
  const precision = detections > 0 ? detectedWindows / detections : 0;
  const recall = windows > 0 ? detectedWindows / windows : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const meanDelayMs = detectedWindows > 0 ? delaySum / detectedWindows : null;
  return { threshold, windows, detectedWindows, falsePositives, precision, recall, f1, meanDelayMs };
}
