import { DEFAULT_DETECTOR_SET } from '../../../ml/detectors/default-set.ts';
import type { DetectorEvaluation, LabelledDataSet } from '../../../ml/evaluation/detector-evaluation.ts';

const COLUMNS = ['standard', 'low FP', 'low FN', 'threshold', 'precision', 'recall', 'F1', 'mean delay'];

/**
 * `eddy evaluate`'s tables: per data set a heading (series, records, how records are scored), then
 * one row per detector: NAB standard / reward-low-FP / reward-low-FN, the standard profile's
 * threshold, window precision / recall / F1 there and the mean detection delay.
 *
 * @example
 * formatEvaluationTables(results, dataSets, true);
 * // 'test/data/nab: 13 series, 93,752 records; scored as alerts (...)\n  detector  standard ...'
 */
export function formatEvaluationTables(
  results: readonly DetectorEvaluation[],
  dataSets: readonly LabelledDataSet[],
  alerts: boolean,
): string {
  const { threshold, clearThreshold, cooldownRecords } = DEFAULT_DETECTOR_SET.decision;
  const how = alerts
    ? `scored as alerts (an incident at ${threshold}, cleared below ${clearThreshold}, ${cooldownRecords} records of cool-down)`
    : 'raw scores of every record';
  return dataSets
    .map((data) => {
      const rows = results.filter((r) => r.dataSet === data.name).map(row);
      const records = data.series.reduce((n, s) => n + s.values.length, 0);
      const heading = `${data.name}: ${data.series.length} series, ${records.toLocaleString('en-US')} records; ${how}`;
      return `${heading}\n${table([['detector', ...COLUMNS], ...rows])}`;
    })
    .join('\n');
}

function row(r: DetectorEvaluation): string[] {
  const fixed = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '-');
  return [
    r.name,
    fixed(r.standard, 2),
    fixed(r.rewardLowFP, 2),
    fixed(r.rewardLowFN, 2),
    fixed(r.threshold, 4),
    fixed(r.precision, 4),
    fixed(r.recall, 4),
    fixed(r.f1, 4),
    r.meanDelayMs === null ? '-' : duration(r.meanDelayMs),
  ];
}

/** `950 ms`, `12.5 s`, `3.2 min`, `27.6 h`. */
function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map(
      (r) =>
        `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}\n`,
    )
    .join('');
}
