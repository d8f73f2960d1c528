/**
 * Engine: the running job's throughput (records in per second, from successive polls of
 * `/api/jobs`), watermark lag per source, late and dead-letter counts, checkpoint durations and
 * sizes (`/api/checkpoints` and the job's checkpoint statistics), backpressure, per-operator
 * counters and the TensorFlow.js backend in use.
 */

import type { JobReport } from '../../../services/api/schemas/jobs.ts';
import { mountChart } from '../app/chart.ts';
import { el, formatBytes, formatNumber, tile } from '../app/dom.ts';
import { ApiRequestError, type DashboardPage } from '../app/page.ts';
import {
  type CheckpointRow,
  checkpointBars,
  pushBounded,
  sourceLabel,
  type ThroughputSample,
  throughput,
} from './engine-model.ts';

const JOBS_REFRESH_MS = 2_000;
const CHECKPOINTS_REFRESH_MS = 5_000;
/** Points per line: 10 minutes at one per poll. */
const MAX_POINTS = 300;

export const page: DashboardPage = {
  id: 'engine',
  title: 'Engine',
  mount(root, ctx) {
    const tiles = {
      state: tile('state', 'Job state'),
      throughput: tile('throughput', 'Records in / s'),
      recordsIn: tile('records-in', 'Records in'),
      resultsOut: tile('results-out', 'Results out'),
      late: tile('late', 'Late records'),
      deadLetters: tile('dead-letters', 'Dead letters'),
      backpressure: tile('backpressure', 'Backpressure'),
      checkpoints: tile('checkpoints', 'Checkpoints'),
      lastCheckpoint: tile('last-checkpoint', 'Last checkpoint'),
      tensorflow: tile('tensorflow', 'TensorFlow.js backend'),
    };
    const throughputEl = chartElement('engine-throughput', 'Records in per second');
    const lagEl = chartElement('engine-lag', 'Watermark lag per source');
    const checkpointEl = chartElement('engine-checkpoints', 'Checkpoint durations and sizes');
    const operators = el('table', 'data');
    operators.id = 'engine-operators';
    operators.dataset.rows = '0';
    const note = el('p', 'page-error');
    note.hidden = true;
    root.append(
      el(
        'div',
        'tiles',
        Object.values(tiles).map((t) => t.element),
      ),
      note,
      el('div', 'panels', [
        el('div', 'panel', [el('h2', '', 'Throughput (records in / s)'), throughputEl]),
        el('div', 'panel', [el('h2', '', 'Watermark lag per source (s)'), lagEl]),
        el('div', 'panel', [el('h2', '', 'Checkpoints'), checkpointEl]),
      ]),
      el('div', 'panel', [el('h2', '', 'Operators'), operators]),
    );

    const throughputChart = mountChart(throughputEl);
    const lagChart = mountChart(lagEl);
    const checkpointChart = mountChart(checkpointEl);
    const rates: [number, number][] = [];
    const lags = new Map<string, [number, number][]>();
    let previous: ThroughputSample | undefined;
    let stopped = false;
    const timers: number[] = [];

    const pollJobs = async () => {
      try {
        const { jobs } = await ctx.api.get<{ jobs: JobReport[] }>('/api/jobs');
        if (stopped) return;
        const job = jobs[0];
        if (!job) throw new Error('no job is running');
        const now = Date.now();
        const sample = { at: now, recordsIn: job.recordsIn };
        const rate = previous ? throughput(previous, sample) : undefined;
        previous = sample;
        if (rate !== undefined) pushBounded(rates, [now, rate], MAX_POINTS);
        for (const source of job.sources) {
          if (source.watermarkLagMs === null) continue;
          const label = sourceLabel(source);
          const series = lags.get(label) ?? [];
          pushBounded(series, [now, source.watermarkLagMs / 1000], MAX_POINTS);
          lags.set(label, series);
        }
        showJob(job, rate);
        drawLines();
        note.hidden = true;
        root.dataset.state = 'ready';
      } catch (failure) {
        if (!stopped) fail(failure);
      } finally {
        if (!stopped) timers[0] = window.setTimeout(pollJobs, JOBS_REFRESH_MS);
      }
    };

    const pollCheckpoints = async () => {
      try {
        const { checkpoints } = await ctx.api.get<{ checkpoints: CheckpointRow[] }>('/api/checkpoints');
        if (stopped) return;
        const bars = checkpointBars(checkpoints);
        checkpointChart.set(
          {
            animation: false,
            grid: { left: 56, right: 56, top: 32, bottom: 28 },
            legend: { top: 0 },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: bars.ids, name: 'id' },
            yAxis: [
              { type: 'value', name: 'ms', min: 0 },
              { type: 'value', name: 'KiB', min: 0 },
            ],
            series: [
              { name: 'duration (ms)', type: 'bar', data: bars.durationsMs },
              { name: 'size (KiB)', type: 'line', yAxisIndex: 1, data: bars.sizesKiB },
            ],
          },
          bars.ids.length,
        );
      } catch (failure) {
        if (stopped) return;
        checkpointEl.dataset.note =
          failure instanceof ApiRequestError && failure.status === 404 ? 'no checkpoints' : String(failure);
      } finally {
        if (!stopped) timers[1] = window.setTimeout(pollCheckpoints, CHECKPOINTS_REFRESH_MS);
      }
    };

    const showJob = (job: JobReport, rate: number | undefined) => {
      tiles.state.set(job.state, job.state === 'running' ? 'ok' : 'bad');
      tiles.state.element.title = `job ${job.name}, parallelism ${job.parallelism}`;
      tiles.throughput.set(rate === undefined ? '…' : formatNumber(rate, 1));
      tiles.recordsIn.set(formatNumber(job.recordsIn));
      tiles.resultsOut.set(formatNumber(job.resultsOut));
      tiles.late.set(formatNumber(job.lateRecords), job.lateRecords > 0 ? 'warn' : undefined);
      tiles.deadLetters.set(formatNumber(job.deadLetters), job.deadLetters > 0 ? 'warn' : undefined);
      const pauses = job.sources.reduce((sum, s) => sum + s.backpressurePauses, 0);
      const b = job.backpressure;
      const held = b.pausedSources > 0 || b.blockedChannels > 0;
      tiles.backpressure.set(held ? 'holding' : 'none', held ? 'warn' : 'ok');
      tiles.backpressure.element.title =
        `${b.pausedSources} sources paused, ${b.blockedChannels} channels blocked, ` +
        `fullest channel ${Math.round(b.maxChannelFill * 100)}%, ${b.queuedBatches} batches queued, ${pauses} pauses so far`;
      const c = job.checkpoints;
      tiles.checkpoints.set(
        c ? `${formatNumber(c.completed)} ok · ${formatNumber(c.aborted)} aborted` : 'off',
        c && c.aborted > 0 ? 'warn' : undefined,
      );
      tiles.lastCheckpoint.set(
        c?.lastDurationMs != null && c.lastSizeBytes != null
          ? `${formatNumber(c.lastDurationMs)} ms · ${formatBytes(c.lastSizeBytes)}`
          : '–',
      );
      tiles.tensorflow.set(job.tensorflowBackend ?? 'not started');
      showOperators(job.operators);
    };

    const showOperators = (rows: JobReport['operators']) => {
      const head = el(
        'tr',
        '',
        ['Operator', 'In', 'Out', 'Watermark lag', 'Late dropped', 'State keys', 'State'].map((h, i) =>
          el('th', i === 0 ? '' : 'num', h),
        ),
      );
      const body = rows.map((op) => {
        const tr = el('tr', '', [
          el('td', '', op.name),
          el('td', 'num', formatNumber(op.recordsIn)),
          el('td', 'num', formatNumber(op.recordsOut)),
          el(
            'td',
            'num',
            op.watermarkLagMs === null ? '–' : `${formatNumber(op.watermarkLagMs / 1000, 1)} s`,
          ),
          el('td', 'num', formatNumber(op.lateRecordsDropped)),
          el('td', 'num', formatNumber(op.stateKeys)),
          el('td', 'num', formatBytes(op.stateBytes)),
        ]);
        tr.dataset.operator = op.name;
        return tr;
      });
      operators.replaceChildren(el('thead', '', [head]), el('tbody', '', body));
      operators.dataset.rows = String(rows.length);
    };

    const drawLines = () => {
      const line = {
        animation: false,
        grid: { left: 56, right: 16, top: 32, bottom: 28 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'time' },
      };
      throughputChart.set(
        {
          ...line,
          yAxis: { type: 'value', min: 0, name: 'rec/s' },
          series: [{ name: 'records in / s', type: 'line', showSymbol: rates.length < 30, data: rates }],
        },
        rates.length,
      );
      const lagSeries = [...lags.entries()].map(([name, data]) => ({
        name,
        type: 'line',
        showSymbol: false,
        data,
      }));
      lagChart.set(
        { ...line, legend: { top: 0 }, yAxis: { type: 'value', min: 0, name: 's' }, series: lagSeries },
        lagSeries.reduce((sum, s) => sum + s.data.length, 0),
      );
    };

    const fail = (failure: unknown) => {
      note.hidden = false;
      note.textContent =
        failure instanceof ApiRequestError && failure.status === 404
          ? 'This Eddy does not report its jobs (no /api/jobs).'
          : `Could not load the job: ${failure instanceof Error ? failure.message : String(failure)}`;
      if (root.dataset.state === 'loading') root.dataset.state = 'error';
    };

    void pollJobs();
    void pollCheckpoints();
    return () => {
      stopped = true;
      for (const timer of timers) window.clearTimeout(timer);
      throughputChart.dispose();
      lagChart.dispose();
      checkpointChart.dispose();
    };
  },
};

function chartElement(id: string, label: string): HTMLElement {
  const element = el('div', 'chart');
  element.id = id;
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', label);
  return element;
}
