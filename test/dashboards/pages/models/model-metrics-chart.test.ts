import type { LineSeriesOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import {
  appendReport,
  metricNamesOf,
  modelMetricChartOption,
  versionChanges,
} from '../../../../dashboards/src/pages/models/model-metrics-chart.ts';
import type { ModelMetricsReport } from '../../../../ml/operators/model-outputs.ts';
import type { ModelMetricsPoint } from '../../../../services/api/schemas/model-metrics.ts';

const T0 = 1_700_000_000_000;
const points: ModelMetricsPoint[] = [
  { ts: T0, version: 1, count: 100, metrics: { r2: 0.5, mae: 0.9 } },
  { ts: T0 + 60_000, version: 1, count: 200, metrics: { r2: 0.7, mae: 0.6, custom: 3 } },
  { ts: T0 + 120_000, version: 2, count: 300, metrics: { mae: 0.5 } },
  { ts: T0 + 180_000, version: null, count: null, metrics: { mae: 0.45 } },
  { ts: T0 + 240_000, version: 3, count: 400, metrics: { mae: 0.4, rmse: 0.5 } },
];
const shown = { model: 'forecast', key: 'boiler-1/temperature', scope: 'rolling' };

function report(overrides: Partial<ModelMetricsReport> = {}): ModelMetricsReport {
  return {
    model: 'forecast',
    key: 'boiler-1/temperature',
    scope: 'rolling',
    version: 3,
    ts: T0 + 300_000,
    count: 500,
    metrics: { mae: 0.38, r2: Number.NaN },
    ...overrides,
  };
}

describe('model metrics chart', () => {
  it('names the metrics in a fixed order, unknown ones last', () => {
    expect(metricNamesOf(points)).toEqual(['mae', 'rmse', 'r2', 'custom']);
    expect(metricNamesOf([])).toEqual([]);
  });

  it('finds where the version changes, skipping points without one', () => {
    expect(versionChanges(points)).toEqual([
      { ts: T0 + 120_000, version: 2 },
      { ts: T0 + 240_000, version: 3 },
    ]);
    expect(versionChanges(points.slice(0, 2))).toEqual([]);
  });

  it("charts one metric's values with the version changes as lines", () => {
    const { option, points: count } = modelMetricChartOption('r2', points);
    const [line] = option.series as LineSeriesOption[];
    expect(count).toBe(2);
    expect(line!.data).toEqual([
      [T0, 0.5, 1, 100],
      [T0 + 60_000, 0.7, 1, 200],
    ]);
    expect(line!.markLine).toMatchObject({
      data: [
        { name: 'v2', xAxis: T0 + 120_000 },
        { name: 'v3', xAxis: T0 + 240_000 },
      ],
    });
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(formatter([{ data: [T0, 0.5, 1, 100] }])).toMatch(/^r2 0\.5<br>.* · v1 · n=100$/);
    expect(formatter([{ data: [T0, 0.5, -1, -1] }])).toMatch(/ · v\?$/);
    expect(option.xAxis).toEqual({ type: 'time' });
    const spanned = modelMetricChartOption('r2', points, { from: T0 - 1, to: T0 + 1 }).option;
    expect(spanned.xAxis).toEqual({ type: 'time', min: T0 - 1, max: T0 + 1 });
  });

  it('appends a live report of the shown model, key and scope, replacing one at the same time', () => {
    const merged = appendReport(points, report(), shown)!;
    expect(merged).toHaveLength(6);
    expect(merged.at(-1)).toEqual({ ts: T0 + 300_000, version: 3, count: 500, metrics: { mae: 0.38 } });
    const replaced = appendReport(points, report({ ts: T0, metrics: { mae: 1 } }), shown)!;
    expect(replaced).toHaveLength(5);
    expect(replaced[0]).toMatchObject({ ts: T0, metrics: { mae: 1 } });
    expect(appendReport(points, report(), shown, 2)!.map((p) => p.ts)).toEqual([T0 + 240_000, T0 + 300_000]);
  });

  it('ignores reports of other models, keys or scopes', () => {
    expect(appendReport(points, report({ model: 'other' }), shown)).toBeUndefined();
    expect(appendReport(points, report({ key: 'boiler-2/temperature' }), shown)).toBeUndefined();
    expect(appendReport(points, report({ scope: 'cumulative' }), shown)).toBeUndefined();
  });
});
