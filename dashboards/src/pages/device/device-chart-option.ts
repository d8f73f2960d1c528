import type {
  ComposeOption,
  GridComponentOption,
  LegendComponentOption,
  LineSeriesOption,
  MarkLineComponentOption,
  ScatterSeriesOption,
  TooltipComponentOption,
} from 'echarts';
import { escapeHtml, formatNumber } from '../../live/chart-option.ts';
import type { AnomalyMark, MetricView } from './device-series.ts';

export type DeviceChartOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | MarkLineComponentOption
>;

const READING = '#2563eb';
const BAND = '#64748b';
const FORECAST = ['#d97706', '#7c3aed', '#059669', '#db2777'];
const ANOMALY = '#dc2626';

/** An anomaly marker's datum: [ts, y, score, index into the view's anomalies]. */
type AnomalyDatum = [number, number, number | null, number];

/** What a device chart shows, counted for `data-points` and `data-anomalies`. */
export interface DeviceChart {
  readonly option: DeviceChartOption;
  /** Points given to the chart: readings, band, forecast and anomaly points. */
  readonly points: number;
  /** Anomaly markers drawn (those with a place on the y axis). */
  readonly anomalies: number;
}

/**
 * Where an anomaly's marker sits: its reading, else the reading nearest in time, else the
 * detector's expected value; `null` when none is known (then it is not drawn).
 *
 * @example
 * anomalyY({ ts: 5, value: null, expected: 3, detector: 'd', score: 1, reason: '' }, [[4, 20], [9, 30]]); // 20
 */
export function anomalyY(mark: AnomalyMark, readings: MetricView['readings']): number | null {
  if (mark.value !== null) return mark.value;
  let best: readonly [number, number] | undefined;
  for (const r of readings) if (!best || Math.abs(r[0] - mark.ts) < Math.abs(best[0] - mark.ts)) best = r;
  return best ? best[1] : mark.expected;
}

/**
 * The ECharts option of one metric of the device page: the raw readings, the window band
 * (min–max area and a dashed mean), each model's forecast line with its interval, and the
 * anomalies as red markers sized by score; an `at` moment (from the anomalies page) as a
 * vertical line. The tooltip lists what is under the pointer, with the anomalies' scores.
 *
 * @example
 * const { option, points, anomalies } = deviceChartOption('temperature', store.view('temperature'), { from, to });
 * chart.setOption(option, { notMerge: true });
 */
export function deviceChartOption(
  metric: string,
  view: MetricView,
  range: { readonly from: number; readonly to: number; readonly at?: number },
): DeviceChart {
  const series: (LineSeriesOption | ScatterSeriesOption)[] = [
    ...stackedBand(
      'band',
      'window min–max',
      view.band.map((b) => [b.ts, b.min, b.max]),
      BAND,
      0.15,
    ),
    {
      id: 'band-mean',
      name: 'window mean',
      type: 'line',
      data: view.band.map((b) => [b.ts, b.mean]),
      symbol: 'none',
      lineStyle: { type: 'dashed', width: 1 },
      color: BAND,
      z: 2,
    },
    {
      id: 'reading',
      name: 'reading',
      type: 'line',
      data: view.readings.map(([ts, v]) => [ts, v]),
      showSymbol: view.readings.length <= 80,
      symbolSize: 4,
      lineStyle: { width: 1.5 },
      color: READING,
      z: 3,
      ...(range.at === undefined
        ? {}
        : {
            markLine: {
              silent: true,
              symbol: 'none',
              lineStyle: { color: ANOMALY, type: 'dotted' },
              label: { formatter: 'selected moment' },
              data: [{ xAxis: range.at }],
            },
          }),
    },
  ];
  view.forecasts.forEach(({ model, points }, i) => {
    const color = FORECAST[i % FORECAST.length]!;
    series.push(
      ...stackedBand(
        `interval:${model}`,
        forecastName(model),
        points.map((p) => [p.ts, p.lower, p.upper]),
        color,
        0.12,
      ),
      {
        id: `forecast:${model}`,
        name: forecastName(model),
        type: 'line',
        data: points.map((p) => [p.ts, p.expected]),
        symbol: 'none',
        lineStyle: { width: 1.5 },
        color,
        z: 2,
      },
    );
  });
  const marks: AnomalyDatum[] = [];
  view.anomalies.forEach((mark, index) => {
    const y = anomalyY(mark, view.readings);
    if (y !== null) marks.push([mark.ts, y, mark.score, index]);
  });
  series.push({
    id: 'anomalies',
    name: 'anomalies',
    type: 'scatter',
    data: marks,
    symbol: 'diamond',
    symbolSize: (datum: AnomalyDatum) => 10 + 8 * (datum[2] ?? 0.5),
    itemStyle: { color: ANOMALY, borderColor: '#fff', borderWidth: 1 },
    z: 5,
  });

  const forecastPoints = view.forecasts.reduce((n, f) => n + f.points.length, 0);
  return {
    points: view.readings.length + view.band.length + forecastPoints + marks.length,
    anomalies: marks.length,
    option: {
      animationDuration: 300,
      animationDurationUpdate: 200,
      grid: { left: 64, right: 24, top: 40, bottom: 40 },
      legend: {
        top: 4,
        data: [
          'reading',
          'window min–max',
          'window mean',
          ...view.forecasts.map((f) => forecastName(f.model)),
          'anomalies',
        ],
      },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'line' },
        formatter: deviceTooltip(metric, view.anomalies),
      },
      xAxis: { type: 'time', min: range.from, max: range.to },
      yAxis: { type: 'value', scale: true, name: metric, nameTextStyle: { align: 'left' } },
      series,
    },
  };
}

/** The legend name of a model's forecast (and its interval). */
function forecastName(model: string): string {
  return `predicted · ${model}`;
}

/** A band as two stacked series: an invisible lower line and the (upper − lower) area above it. */
function stackedBand(
  id: string,
  name: string,
  rows: readonly (readonly [number, number | null, number | null])[],
  color: string,
  opacity: number,
): LineSeriesOption[] {
  const common = {
    name,
    type: 'line' as const,
    stack: id,
    stackStrategy: 'all' as const,
    symbol: 'none',
    lineStyle: { opacity: 0 },
    silent: true,
    tooltip: { show: false },
    color,
    z: 1,
  };
  return [
    { ...common, id: `${id}:lower`, data: rows.map(([ts, lower]) => [ts, lower]) },
    {
      ...common,
      id: `${id}:width`,
      data: rows.map(([ts, lower, upper]) => [ts, lower === null || upper === null ? null : upper - lower]),
      areaStyle: { color, opacity },
    },
  ];
}

interface TooltipParam {
  seriesId?: string;
  seriesName?: string;
  color?: unknown;
  data?: unknown;
}

/**
 * The tooltip: the time, then the reading, band mean, forecasts and any anomaly under the pointer
 * with its score, detector and reason. Text is escaped: names come from the network.
 *
 * @example
 * deviceTooltip('temperature', anomalies)([{ seriesId: 'reading', seriesName: 'reading', data: [ts, 21.4] }]);
 * // 'temperature · 12:00:00<br>reading 21.4'
 */
export function deviceTooltip(metric: string, anomalies: readonly AnomalyMark[]) {
  return (raw: unknown): string => {
    const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
    const rows = params.filter(
      (p) => Array.isArray(p.data) && !p.seriesId?.endsWith(':lower') && !p.seriesId?.endsWith(':width'),
    );
    const first = rows[0]?.data as [number, unknown] | undefined;
    if (!first) return '';
    const lines = rows.map((p) => {
      const datum = p.data as unknown[];
      if (p.seriesId === 'anomalies') {
        const mark = anomalies[datum[3] as number];
        if (!mark) return '';
        return (
          `<b style="color:${ANOMALY}">anomaly</b> score ${mark.score === null ? '–' : formatNumber(mark.score)} ` +
          `(${escapeHtml(mark.detector)})${mark.reason ? `: ${escapeHtml(mark.reason)}` : ''}`
        );
      }
      const value = datum[1];
      return `${escapeHtml(p.seriesName ?? '')} ${typeof value === 'number' ? formatNumber(value) : '–'}`;
    });
    return [
      `${escapeHtml(metric)} · ${new Date(first[0]).toLocaleTimeString()}`,
      ...lines.filter(Boolean),
    ].join('<br>');
  };
}
