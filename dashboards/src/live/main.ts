/**
 * The live page: window means per device for one metric, drawn with ECharts, first from
 * `/api/aggregates/recent` and then live from `/api/live`. The chart element carries `data-points`
 * (points in the chart), `data-drawn` (the same, once ECharts finished drawing them), `data-series`,
 * `data-metric` and `data-state` (`live` while the stream is open) for tests and tools.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type StreamState, streamAggregates } from './aggregate-stream.ts';
import { liveChartOption } from './chart-option.ts';
import { pollHealth } from './health-panel.ts';
import { SeriesStore } from './series-store.ts';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Points kept per (device, window) series: with 10 s windows, the last 50 minutes. */
const MAX_POINTS_PER_SERIES = 300;

const chartEl = element('chart');
const metricSelect = element('metric') as HTMLSelectElement;
const streamStateEl = element('stream-state');
const summaryEl = element('summary');
const emptyEl = element('empty');

const store = new SeriesStore(MAX_POINTS_PER_SERIES);
const chart = echarts.init(chartEl, undefined, { renderer: 'canvas' });
let selected = new URLSearchParams(window.location.search).get('metric') ?? undefined;
let renderPending = false;

window.addEventListener('resize', () => chart.resize());
// `data-drawn` follows `data-points` once ECharts has finished drawing (animations included).
chart.on('finished', () => {
  chartEl.dataset.drawn = chartEl.dataset.points;
});
metricSelect.addEventListener('change', () => {
  selected = metricSelect.value;
  const url = new URL(window.location.href);
  url.searchParams.set('metric', selected);
  window.history.replaceState(null, '', url);
  render();
});

pollHealth(element('health'), 5_000);
streamAggregates({
  onAggregates(aggregates) {
    for (const aggregate of aggregates) store.add(aggregate);
    scheduleRender();
  },
  onState: showState,
});

function scheduleRender(): void {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => {
    renderPending = false;
    render();
  });
}

function render(): void {
  const metrics = store.metrics();
  if (selected === undefined || !metrics.includes(selected)) selected = metrics[0];
  syncMetricOptions(metrics);
  if (selected === undefined) return;

  const series = store.series(selected);
  chart.setOption(liveChartOption(selected, series), { replaceMerge: ['series'] });
  const points = store.pointCount(selected);
  chartEl.dataset.points = String(points);
  chartEl.dataset.series = String(series.length);
  chartEl.dataset.metric = selected;
  emptyEl.hidden = true;
  summaryEl.textContent = `${series.length} series · ${points} windows`;
}

/** Adds newly seen metrics to the selector, keeping the current choice. */
function syncMetricOptions(metrics: readonly string[]): void {
  const shown = [...metricSelect.options].map((o) => o.value);
  if (metrics.length === 0 || (shown.length === metrics.length && shown.every((m, i) => m === metrics[i]))) {
    return;
  }
  metricSelect.replaceChildren(
    ...metrics.map((metric) => {
      const option = document.createElement('option');
      option.value = metric;
      option.textContent = metric;
      return option;
    }),
  );
  metricSelect.disabled = false;
  if (selected !== undefined) metricSelect.value = selected;
}

function showState(state: StreamState, detail?: string): void {
  chartEl.dataset.state = state;
  streamStateEl.dataset.state = state;
  streamStateEl.textContent = state === 'live' ? '● live' : state;
  streamStateEl.title = detail ?? '';
}

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id} element`);
  return found;
}
