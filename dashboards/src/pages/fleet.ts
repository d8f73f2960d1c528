/**
 * Fleet: devices online / offline / unknown, messages per second (the devices' message rates summed,
 * and a live line of it), anomalies of the last hour, and a grid of devices coloured by state (red:
 * an unacknowledged anomaly in the last hour). A device's tile opens `#/device?id=...`. Polls the API
 * every few seconds and follows `anomaly` events live.
 */
import { mountChart } from '../app/chart.ts';
import { el, formatNumber, tile } from '../app/dom.ts';
import { ApiRequestError, type DashboardPage } from '../app/page.ts';
import {
  type DeviceTile,
  deviceTiles,
  type FleetAnomaly,
  type FleetDevice,
  fleetSummary,
  HOUR_MS,
  mergeAnomalies,
  toFleetAnomaly,
} from './fleet-model.ts';

const REFRESH_MS = 3_000;
/** Points of the messages-per-second line: 10 minutes at one per refresh. */
const RATE_POINTS = 200;

export const page: DashboardPage = {
  id: 'fleet',
  title: 'Fleet',
  mount(root, ctx) {
    const online = tile('online', 'Online');
    const offline = tile('offline', 'Offline');
    const unknown = tile('unknown', 'Unknown');
    const rate = tile('messages-per-second', 'Messages / s');
    const anomalyCount = tile('anomalies', 'Anomalies, last hour');
    const chartEl = el('div', 'chart');
    chartEl.id = 'fleet-rate';
    chartEl.setAttribute('role', 'img');
    chartEl.setAttribute('aria-label', 'Messages per second, fleet-wide');
    const grid = el('div', 'device-grid');
    grid.id = 'device-grid';
    grid.dataset.devices = '0';
    const gridNote = el('p', 'empty', 'Waiting for devices…');
    const error = el('p', 'page-error');
    error.hidden = true;
    root.append(
      el(
        'div',
        'tiles',
        [online, offline, unknown, rate, anomalyCount].map((t) => t.element),
      ),
      error,
      el('div', 'panel', [el('h2', '', 'Messages per second'), chartEl]),
      el('div', 'panel', [el('h2', '', 'Devices'), gridNote, grid]),
    );

    const chart = mountChart(chartEl);
    const ratePoints: [number, number][] = [];
    let devices: FleetDevice[] = [];
    let anomalies: FleetAnomaly[] = [];
    let historyNote = '';
    let stopped = false;
    let timer: number | undefined;

    grid.addEventListener('click', (event) => {
      const target = (event.target as HTMLElement).closest<HTMLElement>('[data-device]');
      if (target?.dataset.device) ctx.navigate('device', { id: target.dataset.device });
    });

    const render = () => {
      const summary = fleetSummary(devices, anomalies);
      online.set(formatNumber(summary.online), summary.online > 0 ? 'ok' : undefined);
      offline.set(formatNumber(summary.offline), summary.offline > 0 ? 'warn' : undefined);
      unknown.set(formatNumber(summary.unknown));
      rate.set(formatNumber(summary.messagesPerSecond, 1));
      anomalyCount.set(
        historyNote || formatNumber(summary.anomaliesLastHour),
        summary.anomaliesLastHour > 0 ? 'bad' : undefined,
      );
      const tiles = deviceTiles(devices, anomalies);
      grid.replaceChildren(...tiles.map(deviceButton));
      grid.dataset.devices = String(tiles.length);
      gridNote.hidden = tiles.length > 0;
    };

    const drawRate = () => {
      chart.set(
        {
          animation: false,
          grid: { left: 48, right: 16, top: 16, bottom: 28 },
          tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${formatNumber(Number(v), 1)} msg/s` },
          xAxis: { type: 'time' },
          yAxis: { type: 'value', min: 0, name: 'msg/s' },
          series: [
            {
              name: 'messages / s',
              type: 'line',
              showSymbol: false,
              areaStyle: { opacity: 0.15 },
              data: ratePoints,
            },
          ],
        },
        ratePoints.length,
      );
    };

    const refresh = async () => {
      const now = Date.now();
      try {
        const [list, recent] = await Promise.all([
          ctx.api.get<{ devices: FleetDevice[] }>('/api/devices', { limit: 1_000 }),
          recentAnomalies(now),
        ]);
        if (stopped) return;
        devices = list.devices;
        if (recent) anomalies = mergeAnomalies([], recent, now);
        else anomalies = mergeAnomalies(anomalies, [], now);
        ratePoints.push([now, fleetSummary(devices, []).messagesPerSecond]);
        if (ratePoints.length > RATE_POINTS) ratePoints.splice(0, ratePoints.length - RATE_POINTS);
        error.hidden = true;
        render();
        drawRate();
        root.dataset.state = 'ready';
      } catch (failure) {
        if (stopped) return;
        error.hidden = false;
        error.textContent = `Could not load the fleet: ${failure instanceof Error ? failure.message : String(failure)}`;
        if (root.dataset.state === 'loading') root.dataset.state = 'error';
      } finally {
        if (!stopped) timer = window.setTimeout(refresh, REFRESH_MS);
      }
    };

    /** The last hour's anomalies, or `undefined` when the API has no history (no InfluxDB). */
    const recentAnomalies = async (now: number): Promise<FleetAnomaly[] | undefined> => {
      try {
        const body = await ctx.api.get<{ anomalies: FleetAnomaly[] }>('/api/anomalies', {
          from: now - HOUR_MS,
          limit: 1_000,
        });
        historyNote = '';
        return body.anomalies;
      } catch (failure) {
        if (failure instanceof ApiRequestError && failure.status === 404) {
          historyNote = 'no history';
          return undefined;
        }
        throw failure;
      }
    };

    const stopLive = ctx.live.subscribe(['anomaly'], (event) => {
      const anomaly = toFleetAnomaly(event.data);
      if (!anomaly) return;
      anomalies = mergeAnomalies(anomalies, [anomaly], Date.now());
      render();
    });
    void refresh();

    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stopLive();
      chart.dispose();
    };
  },
};

function deviceButton(device: DeviceTile): HTMLElement {
  const button = el('button', 'device-tile', [
    el('span', 'name', device.label),
    el(
      'span',
      'meta',
      `${device.state} · ${formatNumber(device.messageRate, 1)} msg/s${device.anomalies > 0 ? ` · ${device.anomalies} anomal${device.anomalies === 1 ? 'y' : 'ies'}` : ''}`,
    ),
  ]);
  button.type = 'button';
  button.dataset.device = device.id;
  button.dataset.state = device.state;
  button.dataset.anomaly = String(device.anomalous);
  button.title = `${device.id}: open its readings`;
  return button;
}
