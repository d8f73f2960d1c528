/**
 * A labelled anomaly window: every record with `startMs <= timestamp <= endMs` is inside it (both
 * ends inclusive, as NAB's windows are).
 */
export interface AnomalyWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * One labelled time series, whatever its source (a NAB data file, a simulator's ground truth):
 * records in time order and the anomaly windows a detector should find.
 */
export interface LabelledSeries {
  /** Unique within a data set; for NAB `<category>/<file>.csv`, which result files are named after. */
  readonly name: string;
  /**
   * Epoch ms in file order: increasing, except that NAB's real files repeat or step back a few
   * stretches at clock changes (records are scored by position; windows found by scanning in order).
   */
  readonly timestamps: readonly number[];
  /** One value a record. */
  readonly values: readonly number[];
  /** In time order, not overlapping. */
  readonly windows: readonly AnomalyWindow[];
}

/** A series with a detector's anomaly score for each of its records (higher = more anomalous). */
export interface ScoredSeries {
  readonly series: LabelledSeries;
  /** One finite score a record, row for row with `series.timestamps`. */
  readonly scores: readonly number[];
}

/**
 * Checks that a detector gave one finite score for each record of its series, and throws an error
 * naming the series and the record otherwise.
 *
 * @example
 * const series = { name: 'a/b.csv', timestamps: [0, 1], values: [5, 6], windows: [] };
 * checkScores({ series, scores: [0.1] }); // throws 'a/b.csv: 1 anomaly scores for 2 records'
 */
export function checkScores({ series, scores }: ScoredSeries): void {
  if (scores.length !== series.timestamps.length) {
    throw new Error(
      `${series.name}: ${scores.length} anomaly scores for ${series.timestamps.length} records`,
    );
  }
  scores.forEach((s, i) => {
    if (!Number.isFinite(s)) {
      throw new Error(`${series.name}: record ${i}: anomaly score must be a finite number, got ${s}`);
    }
  });
}
