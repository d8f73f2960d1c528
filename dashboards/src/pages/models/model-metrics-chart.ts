import type {
  ComposeOption,
  GridComponentOption,
  LineSeriesOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts';
import type { ModelMetricsReport } from '../../../../ml/operators/model-outputs.ts';
import type { ModelMetricsPoint } from '../../../../services/api/schemas/model-metrics.ts';
import { escapeHtml, formatNumber } from '../../live/chart-option.ts';

export type ModelMetricChartOption = ComposeOption<
  LineSeriesOption | GridComponentOption | TooltipComponentOption | MarkLineComponentOption
>;

/** The order metrics are shown in; others follow alphabetically. */
const METRIC_ORDER = ['mae', 'rmse', 'r2', 'accuracy', 'log_loss', 'f1', 'roc_auc', 'inertia'];

/**
 * The metrics the points carry, in a fixed order (regression first, then classification, clustering).
 *
 * @example
 * metricNamesOf([{ ts: 1, version: 1, count: 5, metrics: { r2: 0.9, mae: 0.4 } }]); // ['mae', 'r2']
 */
export function metricNamesOf(points: readonly ModelMetricsPoint[]): string[] {
  const names = new Set<string>();
  for (const p of points) for (const name of Object.keys(p.metrics)) names.add(name);
  const rank = (name: string) => {
    const i = METRIC_ORDER.indexOf(name);
    return i < 0 ? METRIC_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Where the model version changes: the first point of each version after the first one seen.
 *
 * @example
 * versionChanges([{ ts: 1, version: 1, ... }, { ts: 2, version: 1, ... }, { ts: 3, version: 2, ... }]);
 * // [{ ts: 3, version: 2 }]
 */
export function versionChanges(points: readonly ModelMetricsPoint[]): { ts: number; version: number }[] {
  const changes: { ts: number; version: number }[] = [];
  let last: number | null | undefined;
  for (const p of points) {
    if (p.version === null) continue;
    if (last !== undefined && p.version !== last) changes.push({ ts: p.ts, version: p.version });
    last = p.version;
  }
  return changes;
}

/**
 * Points with a live report merged in (by time; a report at a time already held replaces it),
 * oldest first, at most `max` (the oldest dropped). The report is ignored unless it is of the
 * shown model, key and scope.
 *
 * @example
 * appendReport(points, report, { model: 'forecast', key: 'boiler-1/temperature', scope: 'rolling' });
 */
export function appendReport(
  points: readonly ModelMetricsPoint[],
  report: ModelMetricsReport,
  shown: { readonly model: string; readonly key: string; readonly scope: string },
  max = 5_000,
): ModelMetricsPoint[] | undefined {
  if (report.model !== shown.model || report.key !== shown.key || report.scope !== shown.scope)
    return undefined;
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(report.metrics)) {
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
  }
  const point: ModelMetricsPoint = { ts: report.ts, version: report.version, count: report.count, metrics };
  const merged = points.filter((p) => p.ts !== report.ts);
  merged.push(point);
  merged.sort((a, b) => a.ts - b.ts);
  return merged.slice(Math.max(0, merged.length - max));
}

/**
 * The ECharts option of one metric over time: a line of its values, a dashed vertical line where
 * the model version changes (labelled `v<version>`), and a tooltip with the version and count;
 * the x axis spans `range` when given.
 *
 * @example
 * const { option, points } = modelMetricChartOption('mae', answer.points, { from, to });
 */
export function modelMetricChartOption(
  metric: string,
  points: readonly ModelMetricsPoint[],
  range?: { readonly from: number; readonly to: number },
): { option: ModelMetricChartOption; points: number } {
  const data = points
    .filter((p) => typeof p.metrics[metric] === 'number')
    .map(
      (p) => [p.ts, p.metrics[metric]!, p.version ?? -1, p.count ?? -1] as [number, number, number, number],
    );
  return {
    points: data.length,
    option: {
      animationDuration: 300,
      animationDurationUpdate: 200,
      grid: { left: 64, right: 24, top: 32, bottom: 36 },
      tooltip: {
        trigger: 'axis',
        formatter: (raw: unknown) => {
          const first = (Array.isArray(raw) ? raw[0] : raw) as { data?: unknown } | undefined;
          if (!first || !Array.isArray(first.data)) return '';
          const [ts, value, version, count] = first.data as [number, number, number, number];
          return (
            `${escapeHtml(metric)} ${formatNumber(value)}<br>` +
            `${new Date(ts).toLocaleString()} · v${version < 0 ? '?' : version}` +
            (count < 0 ? '' : ` · n=${count}`)
          );
        },
      },
      xAxis: { type: 'time', ...(range ? { min: range.from, max: range.to } : {}) },
      yAxis: { type: 'value', scale: true, name: metric, nameTextStyle: { align: 'left' } },
      series: [
        {
          id: metric,
          name: metric,
          type: 'line',
          data,
          showSymbol: data.length <= 60,
          symbolSize: 4,
          color: '#2563eb',
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { color: '#d97706', type: 'dashed' },
            label: { formatter: '{b}', position: 'insideEndTop' },
            data: versionChanges(points).map((c) => ({ name: `v${c.version}`, xAxis: c.ts })),
          },
        },
      ],
    },
  };
}
