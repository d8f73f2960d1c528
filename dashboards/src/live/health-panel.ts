import type { HealthReport } from '../../../services/api/health-report.ts';

/** What the header shows: the API's status, or `unreachable` when the request failed. */
export type PanelStatus = HealthReport['status'] | 'unreachable';

/**
 * Polls `GET /api/health` every `periodMs` and shows the status in the header: a badge (`ok`,
 * `degraded`, `unreachable`) and one line of job counters. Sets `data-status` on the panel element.
 *
 * @example
 * const stop = pollHealth(document.getElementById('health')!, 5_000);
 */
export function pollHealth(panel: HTMLElement, periodMs = 5_000): () => void {
  const badge = panel.querySelector<HTMLElement>('[data-role="status"]');
  const detail = panel.querySelector<HTMLElement>('[data-role="detail"]');
  let stopped = false;
  let timer: number | undefined;

  const show = (status: PanelStatus, text: string, title = '') => {
    panel.dataset.status = status;
    if (badge) badge.textContent = status;
    if (detail) detail.textContent = text;
    panel.title = title;
  };

  const tick = async () => {
    try {
      const res = await fetch('/api/health', { headers: { accept: 'application/json' }, cache: 'no-store' });
      const report = (await res.json()) as HealthReport; // 200 and 503 both carry the report
      if (!report?.job) throw new Error(`unexpected answer (HTTP ${res.status})`);
      show(report.status, describe(report), problems(report).join('; '));
    } catch (error) {
      show('unreachable', 'the Eddy API does not answer', String(error));
    } finally {
      if (!stopped) timer = window.setTimeout(tick, periodMs);
    }
  };
  void tick();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

/** One line of job counters, e.g. `job default running · 1,204 in · 40 out · 0 late · 2 dead letters`. */
export function describe(report: HealthReport): string {
  const job = report.job;
  const n = (value: number) => value.toLocaleString('en-US');
  const watermark =
    job.watermark === null ? 'no watermark yet' : `watermark ${new Date(job.watermark).toLocaleTimeString()}`;
  return `job ${job.name} ${job.state} · ${n(job.recordsIn)} in · ${n(job.resultsOut)} out · ${n(job.lateRecords)} late · ${n(job.deadLetters)} dead letters · ${watermark}`;
}

/** Which components are down, for the panel's tooltip. */
export function problems(report: HealthReport): string[] {
  const found: string[] = [];
  if (!report.broker.connected) found.push(`MQTT broker ${report.broker.url} disconnected`);
  if (report.influx.mode !== 'disabled' && !report.influx.reachable) {
    found.push(
      `InfluxDB ${report.influx.url} unreachable${report.influx.lastError ? `: ${report.influx.lastError}` : ''}`,
    );
  }
  if (report.job.state !== 'running') found.push(`job ${report.job.state}`);
  return found;
}
