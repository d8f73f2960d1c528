/**
 * The device page (`#/device?id=boiler-1&metric=temperature&range=1h&at=&from=&to=`): per metric
 * a chart of the raw readings, the window band, each model's forecast with its interval and the
 * anomalies with their scores, over a time range (the last 15 min / 1 h / 6 h / 24 h, a custom
 * from–to, or a preset centred on `at`); history from `/api/devices/:id/series`, then live from
 * the `prediction`, `aggregate` and `anomaly` events of this device, appended without refetching.
 * Each chart carries `data-metric`, `data-points`, `data-drawn` and `data-anomalies`.
 */
import type { SeriesResponse } from '../../../services/api/schemas/series.ts';
import type { AnomalyEvent } from '../../../services/domain/anomaly.ts';
import type { Prediction } from '../../../services/domain/prediction.ts';
import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';
import { type MountedChart, mountChart } from '../app/chart.ts';
import type { DashboardPage, LiveEvent, PageContext } from '../app/page.ts';
import { deviceChartOption } from './device/device-chart-option.ts';
import { DeviceSeriesStore } from './device/device-series.ts';
import { discoverMetrics } from './device/discover-metrics.ts';
import { errorText, h, say, selectOf } from './device/dom.ts';
import { frameScheduler } from './device/frame-scheduler.ts';
import {
  fromLocalInput,
  isRangePreset,
  RANGE_PRESETS,
  rangeParams,
  resolveTimeRange,
  toLocalInput,
} from './device/time-range.ts';

const ALL = '';

/** A metric's chart and the element carrying its data attributes. */
interface MetricChart {
  readonly element: HTMLElement;
  readonly chart: MountedChart;
}

export const page: DashboardPage = {
  id: 'device',
  title: 'Device',
  mount(root: HTMLElement, ctx: PageContext): () => void {
    root.dataset.page = 'device';
    root.dataset.state = 'loading';
    const id = ctx.params.get('id') ?? '';
    if (id === '') {
      root.dataset.state = 'error';
      root.append(h('p', { className: 'muted', text: 'No device chosen: open one from the fleet page.' }));
      return () => {};
    }
    const range = resolveTimeRange(ctx.params, Date.now());
    const wanted = (ctx.params.get('metric') ?? '').split(',').filter((m) => m !== '');
    const store = new DeviceSeriesStore(id);
    store.keepRange(range.from, range.follow ? Number.POSITIVE_INFINITY : range.to);
    const charts = new Map<string, MetricChart>();
    let disposed = false;

    // Controls: metric, range preset or custom from–to.
    const go = (changes: Record<string, string>) => {
      const keep: Record<string, string> = { id };
      const metric = ctx.params.get('metric');
      if (metric) keep.metric = metric;
      ctx.navigate('device', { ...keep, ...changes });
    };
    const metricSelect = selectOf('metric', [[ALL, 'all metrics']], wanted.join(','));
    metricSelect.addEventListener('change', () => {
      const params: Record<string, string> = { id, ...currentRangeParams() };
      if (metricSelect.value !== ALL) params.metric = metricSelect.value;
      ctx.navigate('device', params);
    });
    const rangeSelect = selectOf(
      'range',
      [...Object.keys(RANGE_PRESETS).map((p): [string, string] => [p, `last ${p}`]), ['custom', 'custom']],
      range.preset,
    );
    const fromInput = h('input', {
      type: 'datetime-local',
      'data-role': 'from',
      value: toLocalInput(range.from),
    });
    const toInput = h('input', { type: 'datetime-local', 'data-role': 'to', value: toLocalInput(range.to) });
    const apply = h('button', { type: 'button', 'data-role': 'apply', text: 'Apply' });
    const customBox = h('span', { className: 'custom-range' }, [fromInput, ' – ', toInput, apply]);
    customBox.hidden = range.preset !== 'custom';
    rangeSelect.addEventListener('change', () => {
      if (rangeSelect.value === 'custom') customBox.hidden = false;
      else if (isRangePreset(rangeSelect.value)) go(rangeParams({ preset: rangeSelect.value }));
    });
    apply.addEventListener('click', () => {
      const from = fromLocalInput(fromInput.value);
      const to = fromLocalInput(toInput.value);
      if (from === undefined || to === undefined || from >= to) {
        say(message, 'Choose a "from" before the "to".');
        return;
      }
      go(rangeParams({ preset: 'custom', from, to }));
    });
    function currentRangeParams(): Record<string, string> {
      if (range.preset === 'custom') return rangeParams({ preset: 'custom', from: range.from, to: range.to });
      return rangeParams({ preset: range.preset, ...(range.at === undefined ? {} : { at: range.at }) });
    }

    const status = h('span', { 'data-role': 'device-status', className: 'device-status' });
    const liveBadge = h('span', {
      'data-role': 'live',
      className: 'live-badge',
      text: range.follow
        ? '● live'
        : `${new Date(range.from).toLocaleString()} – ${new Date(range.to).toLocaleString()}`,
    });
    const message = h('p', { 'data-role': 'message', className: 'muted' });
    message.hidden = true;
    const chartsBox = h('div', { 'data-role': 'charts', className: 'panels' });
    root.append(
      h('div', { className: 'toolbar' }, [
        h('h2', { text: id }),
        status,
        h('label', {}, ['Metric ', metricSelect]),
        h('label', {}, ['Range ', rangeSelect]),
        customBox,
        liveBadge,
      ]),
      message,
      chartsBox,
    );

    const width = range.to - range.from;
    const render = frameScheduler(() => {
      const now = Date.now();
      const shown = range.follow ? { from: now - width, to: now } : range;
      for (const [metric, host] of charts) {
        const { option, points, anomalies } = deviceChartOption(metric, store.view(metric), shown);
        host.element.dataset.anomalies = String(anomalies);
        host.chart.set(option, points);
      }
    });

    /** Adds a metric to the selector and, when shown, a chart and its history. */
    const known = new Set<string>();
    function addMetric(metric: string): void {
      if (known.has(metric)) return;
      known.add(metric);
      const options = [...known].sort();
      metricSelect.replaceChildren(
        h('option', { value: ALL, text: 'all metrics' }),
        ...options.map((m) => h('option', { value: m, text: m })),
      );
      metricSelect.value = wanted.length === 1 ? wanted[0]! : ALL;
      if (wanted.length > 0 && !wanted.includes(metric)) return;
      const element = h('div', { className: 'chart', 'data-metric': metric });
      const panel = h('section', { className: 'panel' }, [h('h2', { text: metric }), element]);
      const after = [...charts.keys()].sort().find((m) => m > metric);
      chartsBox.insertBefore(panel, after ? (charts.get(after)?.element.parentElement ?? null) : null);
      charts.set(metric, { element, chart: mountChart(element) });
      void loadHistory(metric);
    }

    async function loadHistory(metric: string): Promise<void> {
      try {
        const answer = await ctx.api.get<SeriesResponse>(`/api/devices/${encodeURIComponent(id)}/series`, {
          metric,
          from: Math.trunc(range.from),
          to: Math.trunc(range.to),
        });
        if (disposed) return;
        store.loadSeries(answer);
        if (root.dataset.state === 'loading') root.dataset.state = 'ready';
        render.schedule();
      } catch (error) {
        if (disposed) return;
        root.dataset.state = 'error';
        say(message, `Could not load ${metric} of ${id}: ${errorText(error)}`);
      }
    }

    const onEvent = (event: LiveEvent) => {
      let fresh = false;
      if (event.type === 'prediction') fresh = store.addPrediction(event.data as Prediction);
      else if (event.type === 'aggregate') fresh = store.addAggregate(event.data as WindowAggregate);
      else if (event.type === 'anomaly') fresh = store.addAnomaly(event.data as AnomalyEvent);
      if (!fresh) return;
      if (range.follow) store.keepRange(Date.now() - width);
      for (const metric of store.metrics()) addMetric(metric);
      render.schedule();
    };
    const stopLive = ctx.live.subscribe(['prediction', 'aggregate', 'anomaly'], onEvent);

    for (const metric of wanted) addMetric(metric);
    ctx.api
      .get<{ status?: string; name?: string | null }>(`/api/devices/${encodeURIComponent(id)}`)
      .then((device) => {
        if (disposed) return;
        status.textContent = [device.name, device.status].filter(Boolean).join(' · ');
        status.dataset.status = device.status ?? 'unknown';
      })
      .catch(() => {
        status.textContent = '';
      });
    discoverMetrics(ctx.api, id, range).then(
      (metrics) => {
        if (disposed) return;
        for (const metric of metrics) addMetric(metric);
        if (known.size === 0) {
          root.dataset.state = 'ready';
          say(message, `No data for ${id} in this range yet: waiting for live readings.`);
        }
      },
      (error: unknown) => {
        if (disposed || known.size > 0) return;
        root.dataset.state = 'error';
        say(message, `Could not find the metrics of ${id}: ${errorText(error)}`);
      },
    );

    return () => {
      disposed = true;
      stopLive();
      render.cancel();
      for (const host of charts.values()) host.chart.dispose();
      charts.clear();
    };
  },
};
