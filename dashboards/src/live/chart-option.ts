import type {
  ComposeOption,
  GridComponentOption,
  LegendComponentOption,
  LineSeriesOption,
  TooltipComponentOption,
} from 'echarts';
import type { ChartSeries } from './series-store.ts';

export type LiveChartOption = ComposeOption<
  LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

/** Series colours: distinguishable, readable on white. */
export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#059669',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#4b5563',
  '#65a30d',
  '#9333ea',
];

/** One tooltip row's data: [start, mean, min, max, count]. */
type MeanDatum = [number, number, number, number, number];

/**
 * The ECharts option of the live chart: per series a line of window means (x = window start) over a
 * faint min–max band; the tooltip lists mean, min, max and count per device. The band is two stacked,
 * invisible-line series named like the mean line, so a legend click hides all three.
 *
 * @example
 * chart.setOption(liveChartOption('temperature', store.series('temperature')), { replaceMerge: ['series'] });
 */
export function liveChartOption(metric: string, series: readonly ChartSeries[]): LiveChartOption {
  const lines: LineSeriesOption[] = [];
  series.forEach((s, index) => {
    const color = PALETTE[index % PALETTE.length]!;
    const band = `band:${s.name}`;
    lines.push(
      {
        id: `min:${s.name}`,
        name: s.name,
        type: 'line',
        data: s.points.map((p) => [p.start, p.min]),
        stack: band,
        stackStrategy: 'all',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        silent: true,
        tooltip: { show: false },
        color,
        z: 1,
      },
      {
        id: `range:${s.name}`,
        name: s.name,
        type: 'line',
        data: s.points.map((p) => [p.start, p.max - p.min]),
        stack: band,
        stackStrategy: 'all',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color, opacity: 0.12 },
        silent: true,
        tooltip: { show: false },
        color,
        z: 1,
      },
      {
        id: `mean:${s.name}`,
        name: s.name,
        type: 'line',
        data: s.points.map((p): MeanDatum => [p.start, p.mean, p.min, p.max, p.count]),
        showSymbol: s.points.length <= 60,
        symbolSize: 5,
        lineStyle: { width: 2 },
        color,
        z: 3,
      },
    );
  });

  return {
    animationDuration: 400,
    animationDurationUpdate: 300,
    grid: { left: 64, right: 24, top: 48, bottom: 48 },
    legend: { top: 8, type: 'plain', data: series.map((s) => s.name) },
    tooltip: { trigger: 'axis', formatter: tooltipText(metric), axisPointer: { type: 'line' } },
    xAxis: { type: 'time', name: 'window start', nameLocation: 'middle', nameGap: 28 },
    yAxis: {
      type: 'value',
      scale: true,
      name: `${metric} (mean, min–max band)`,
      nameTextStyle: { align: 'left' },
    },
    series: lines,
  };
}

interface TooltipParam {
  seriesId?: string;
  seriesName?: string;
  color?: unknown;
  data?: unknown;
}

/** Tooltip: the window start, then one line per device. Text is escaped: names come from the network. */
function tooltipText(metric: string) {
  return (raw: unknown): string => {
    const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
    const rows = params.filter((p) => p.seriesId?.startsWith('mean:') && Array.isArray(p.data));
    const first = rows[0]?.data as MeanDatum | undefined;
    if (!first) return '';
    const lines = rows.map((p) => {
      const [, mean, min, max, count] = p.data as MeanDatum;
      const color = typeof p.color === 'string' ? p.color : '#888';
      return (
        `<span style="display:inline-block;width:8px;height:8px;border-radius:4px;background:${escapeHtml(color)}"></span> ` +
        `<b>${escapeHtml(p.seriesName ?? '')}</b> ${formatNumber(mean)} ` +
        `<span style="color:#6b7280">(min ${formatNumber(min)}, max ${formatNumber(max)}, n=${count})</span>`
      );
    });
    return [`${escapeHtml(metric)} · ${new Date(first[0]).toLocaleTimeString()}`, ...lines].join('<br>');
  };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)
    ? value.toExponential(3)
    : String(+value.toFixed(3));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
