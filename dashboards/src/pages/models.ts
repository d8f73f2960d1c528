/**
 * The models page (`#/models?name=&key=&scope=&range=`): the job's models (`GET /api/models`, a
 * table with `data-rows`) and, for the chosen model and key, its prequential metrics over time from
 * `GET /api/models/:name/metrics`: one chart per metric (`data-metric`, `data-points`,
 * `data-drawn`), a dashed line where the model version changes, live `model_metrics` events
 * appended.
 */

import type { ModelMetricsReport } from '../../../ml/operators/model-outputs.ts';
import type { ModelMetricsPoint, ModelMetricsResponse } from '../../../services/api/schemas/model-metrics.ts';
import { type MountedChart, mountChart } from '../app/chart.ts';
import type { DashboardPage, PageContext } from '../app/page.ts';
import { errorText, h, say, selectOf } from './device/dom.ts';
import { frameScheduler } from './device/frame-scheduler.ts';
import { RANGE_PRESETS, rangeParams, resolveTimeRange } from './device/time-range.ts';
import { appendReport, metricNamesOf, modelMetricChartOption } from './models/model-metrics-chart.ts';

/** A model as `GET /api/models` lists it. */
interface ModelSummary {
  readonly name: string;
  readonly estimator: string;
  readonly type: string;
  readonly per: string;
  readonly keys: number;
  readonly latestVersion: number | null;
  readonly learned: number;
}

export const page: DashboardPage = {
  id: 'models',
  title: 'Models',
  mount(root: HTMLElement, ctx: PageContext): () => void {
    root.dataset.page = 'models';
    root.dataset.state = 'loading';
    const range = resolveTimeRange(ctx.params, Date.now());
    const scope = ctx.params.get('scope') === 'cumulative' ? 'cumulative' : 'rolling';
    const charts = new Map<string, MountedChart>();
    let points: ModelMetricsPoint[] = [];
    let shown: { model: string; key: string; scope: string } | undefined;
    let disposed = false;
    let stopLive = () => {};

    const message = h('p', { 'data-role': 'message', className: 'muted' });
    message.hidden = true;
    const controls = h('form', { className: 'toolbar', 'data-role': 'controls' });
    controls.addEventListener('submit', (event) => event.preventDefault());
    const tbody = h('tbody');
    const table = h('table', { className: 'data models', 'data-rows': '0' }, [
      h('thead', {}, [
        h(
          'tr',
          {},
          ['Model', 'Estimator', 'Type', 'Per', 'Keys', 'Latest version', 'Learned'].map((t) =>
            h('th', { text: t }),
          ),
        ),
      ]),
      tbody,
    ]);
    const chartsBox = h('div', { 'data-role': 'charts', className: 'panels' });
    root.append(
      h('div', { className: 'toolbar' }, [h('h2', { text: 'Models' }), controls]),
      table,
      message,
      chartsBox,
    );

    const go = (changes: Record<string, string>) => {
      const current: Record<string, string> = {
        scope,
        ...rangeParams({ preset: range.preset === 'custom' ? '1h' : range.preset }),
      };
      if (shown) Object.assign(current, { name: shown.model, key: shown.key });
      ctx.navigate('models', { ...current, ...changes });
    };

    const render = frameScheduler(() => {
      const names = metricNamesOf(points);
      for (const name of names) {
        if (charts.has(name)) continue;
        const element = h('div', { className: 'chart', 'data-metric': name });
        chartsBox.append(h('section', { className: 'panel' }, [h('h2', { text: name }), element]));
        charts.set(name, mountChart(element));
      }
      const now = Date.now();
      const span = range.follow ? { from: now - (range.to - range.from), to: now } : range;
      for (const [name, host] of charts) {
        const { option, points: count } = modelMetricChartOption(name, points, span);
        host.set(option, count);
      }
      say(
        message,
        names.length === 0 && shown
          ? `No metrics of ${shown.model} for ${shown.key} (${shown.scope}) in this range yet.`
          : '',
      );
    });

    async function load(): Promise<void> {
      const { models } = await ctx.api.get<{ models: ModelSummary[] }>('/api/models');
      if (disposed) return;
      tbody.replaceChildren(
        ...models.map((m) => {
          const row = h('tr', { 'data-model': m.name }, [
            h('td', {}, [h('button', { type: 'button', className: 'link', text: m.name })]),
            ...[
              m.estimator,
              m.type,
              m.per,
              String(m.keys),
              m.latestVersion === null ? '–' : `v${m.latestVersion}`,
              String(m.learned),
            ].map((t) => h('td', { text: t })),
          ]);
          row.querySelector('button')?.addEventListener('click', () => go({ name: m.name, key: '' }));
          return row;
        }),
      );
      table.dataset.rows = String(models.length);
      const model = models.find((m) => m.name === ctx.params.get('name')) ?? models[0];
      if (!model) {
        root.dataset.state = 'ready';
        say(message, 'The job has no models.');
        return;
      }
      const description = await ctx.api.get<{ keys: { key: string; version: number }[] }>(
        `/api/models/${encodeURIComponent(model.name)}`,
        { limit: 1_000 },
      );
      if (disposed) return;
      const keys = description.keys.map((k) => k.key).sort();
      const wantedKey = ctx.params.get('key');
      const key = wantedKey && keys.includes(wantedKey) ? wantedKey : (keys[0] ?? '*');
      shown = { model: model.name, key, scope };

      const modelSelect = selectOf(
        'model',
        models.map((m): [string, string] => [m.name, m.name]),
        model.name,
      );
      modelSelect.addEventListener('change', () => go({ name: modelSelect.value, key: '' }));
      const keySelect = selectOf(
        'key',
        (keys.length > 0 ? keys : ['*']).map((k): [string, string] => [k, k]),
        key,
      );
      keySelect.addEventListener('change', () => go({ key: keySelect.value }));
      const scopeSelect = selectOf(
        'scope',
        [
          ['rolling', 'rolling'],
          ['cumulative', 'cumulative'],
        ],
        scope,
      );
      scopeSelect.addEventListener('change', () => go({ scope: scopeSelect.value }));
      const rangeSelect = selectOf(
        'range',
        Object.keys(RANGE_PRESETS).map((p): [string, string] => [p, `last ${p}`]),
        range.preset === 'custom' ? '1h' : range.preset,
      );
      rangeSelect.addEventListener('change', () => go({ range: rangeSelect.value }));
      controls.replaceChildren(
        h('label', {}, ['Model ', modelSelect]),
        h('label', {}, ['Key ', keySelect]),
        h('label', {}, ['Scope ', scopeSelect]),
        h('label', {}, ['Range ', rangeSelect]),
      );

      const live = shown;
      stopLive = ctx.live.subscribe(['model_metrics'], (event) => {
        const merged = appendReport(points, event.data as ModelMetricsReport, live);
        if (!merged) return;
        points = merged;
        render.schedule();
      });
      const answer = await ctx.api.get<ModelMetricsResponse>(
        `/api/models/${encodeURIComponent(model.name)}/metrics`,
        {
          key,
          scope,
          from: Math.trunc(range.from),
          ...(range.follow ? {} : { to: Math.trunc(range.to) }),
        },
      );
      if (disposed) return;
      const liveSoFar = points;
      points = answer.points;
      for (const p of liveSoFar) if (!points.some((q) => q.ts === p.ts)) points.push(p);
      points.sort((a, b) => a.ts - b.ts);
      root.dataset.state = 'ready';
      render.schedule();
    }

    load().catch((error: unknown) => {
      if (disposed) return;
      root.dataset.state = 'error';
      say(message, `Could not load the models: ${errorText(error)}`);
    });

    return () => {
      disposed = true;
      stopLive();
      render.cancel();
      for (const host of charts.values()) host.dispose();
    };
  },
};
