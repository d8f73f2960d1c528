import type { ScoredSeries } from './labelled-series.ts';
import { formatNabTimestamp, parseNabTimestamp } from './nab-timestamp.ts';
import { windowRows } from './window-rows.ts';

/** The header of a NAB result file. */
export const NAB_RESULT_HEADER = 'timestamp,value,anomaly_score,label';

/** A NAB result file's columns, row for row. */
export interface NabResultColumns {
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
  readonly anomalyScores: readonly number[];
  /** 1 inside an anomaly window, 0 outside. */
  readonly labels: readonly (0 | 1)[];
}

/**
 * Where NAB keeps a detector's results for a data file: `<detector>/<category>/<detector>_<file>`
 * (relative to a results directory; `series` is `<category>/<file>.csv`). The detector name may hold
 * only letters, digits and `-`: NAB recovers it from result file names by splitting on `_` and `.`.
 *
 * @example
 * nabResultPath('holt-winters', 'realKnownCause/nyc_taxi.csv');
 * // 'holt-winters/realKnownCause/holt-winters_nyc_taxi.csv'
 */
export function nabResultPath(detector: string, series: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(detector)) {
    throw new Error(
      `detector name "${detector}": a NAB result file name needs letters, digits and "-" only ` +
        '(NAB splits result file names on "_" and ".")',
    );
  }
  const m = /^([^/\\]+)\/([^/\\]+\.csv)$/.exec(series);
  if (!m || m[1] === '.' || m[1] === '..') {
    throw new Error(
      `series name "${series}": a NAB result file needs a name of the form <category>/<file>.csv`,
    );
  }
  return `${detector}/${m[1]}/${detector}_${m[2]}`;
}

/**
 * A detector's NAB result file for one series: the header `timestamp,value,anomaly_score,label`,
 * then one line a record with its NAB timestamp, value, anomaly score and label (1 inside a window),
 * numbers written so they read back exactly. NAB's own scorer reads these.
 *
 * @example
 * formatNabResultCsv({ series: { name: 'a/b.csv', timestamps: [0, 60000, 120000], values: [1, 2, 3],
 *   windows: [{ startMs: 60000, endMs: 120000 }] }, scores: [0, 0.5, 1] });
 * // 'timestamp,value,anomaly_score,label\n1970-01-01 00:00:00,1,0,0\n1970-01-01 00:01:00,2,0.5,1\n...'
 */
export function formatNabResultCsv({ series, scores }: ScoredSeries): string {
  if (scores.length !== series.timestamps.length || series.values.length !== series.timestamps.length) {
    throw new Error(
      `${series.name}: ${series.timestamps.length} records, ${series.values.length} values, ${scores.length} scores`,
    );
  }
  const labels = new Uint8Array(series.timestamps.length);
  for (const w of windowRows(series)) labels.fill(1, w.first, w.last + 1);
  const lines = [NAB_RESULT_HEADER];
  series.timestamps.forEach((t, i) => {
    lines.push(`${formatNabTimestamp(t)},${series.values[i]},${scores[i]},${labels[i]}`);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Reads a NAB result file strictly (the header {@link NAB_RESULT_HEADER}, then a NAB timestamp,
 * two finite numbers and a 0/1 label a line); throws an error naming `source` and the 1-based line.
 *
 * @example
 * parseNabResultCsv('timestamp,value,anomaly_score,label\n2014-04-01 00:00:00,3.5,0.25,0\n').anomalyScores;
 * // [0.25]
 */
export function parseNabResultCsv(text: string, source = 'results.csv'): NabResultColumns {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== NAB_RESULT_HEADER) {
    throw new Error(`${source}:1: expected the header "${NAB_RESULT_HEADER}", got "${lines[0] ?? ''}"`);
  }
  const timestamps: number[] = [];
  const values: number[] = [];
  const anomalyScores: number[] = [];
  const labels: (0 | 1)[] = [];
  for (let i = 1; i < lines.length; i++) {
    const where = `${source}:${i + 1}`;
    const cells = lines[i]!.split(',');
    if (cells.length !== 4)
      throw new Error(`${where}: ${cells.length} cells, expected 4 (${NAB_RESULT_HEADER})`);
    const [timeText, valueText, scoreText, labelText] = cells as [string, string, string, string];
    const t = parseNabTimestamp(timeText);
    if (t === undefined)
      throw new Error(`${where}: timestamp: expected "YYYY-MM-DD HH:MM:SS", got "${timeText}"`);
    const number = (text: string, column: string): number => {
      const x = Number(text);
      if (text.trim() === '' || !Number.isFinite(x)) {
        throw new Error(`${where}: ${column}: expected a finite number, got "${text}"`);
      }
      return x;
    };
    if (labelText !== '0' && labelText !== '1')
      throw new Error(`${where}: label: expected 0 or 1, got "${labelText}"`);
    timestamps.push(t);
    values.push(number(valueText, 'value'));
    anomalyScores.push(number(scoreText, 'anomaly_score'));
    labels.push(labelText === '1' ? 1 : 0);
  }
  return { timestamps, values, anomalyScores, labels };
}
