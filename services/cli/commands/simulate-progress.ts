import type { RunStats } from '../../../simulators/fleet-runner.ts';
import { type Cancel, type Clock, every } from '../../engine/time/clock.ts';

/** Where progress goes: a terminal gets one rewritten line, anything else a line now and then. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * One progress line, e.g. `simulate: 1,200 messages · 1,200 readings · 20.0 msg/s · 2 anomalies ·
 * event time 2024-01-01T00:01:00.000Z · 1m00s elapsed`.
 */
export function progressLine(stats: RunStats): string {
  const seconds = stats.elapsedMs / 1_000;
  const rate = seconds > 0 ? stats.messages / seconds : 0;
  const parts = [
    `${formatCount(stats.messages)} messages`,
    `${formatCount(stats.readings)} readings`,
    `${formatCount(Math.round(rate * 10) / 10, 1)} msg/s`,
    `${formatCount(stats.anomalies)} anomalies`,
  ];
  if (stats.eventTime !== undefined) parts.push(`event time ${new Date(stats.eventTime).toISOString()}`);
  parts.push(`${formatDuration(stats.elapsedMs)} elapsed`);
  return `simulate: ${parts.join(' · ')}`;
}

/** The end-of-run summary, several lines. */
export function summaryText(stats: RunStats, context: { devices: number; groundTruth?: string }): string {
  const seconds = stats.elapsedMs / 1_000;
  const perSecond = seconds > 0 ? formatCount(Math.round((stats.readings / seconds) * 10) / 10, 1) : '-';
  const f = stats.faults;
  const lines = [
    `simulated ${formatCount(context.devices)} devices for ${formatDuration(stats.elapsedMs)} (${stats.state}): ` +
      `${formatCount(stats.messages)} messages, ${formatCount(stats.readings)} readings (${perSecond} readings/s), ` +
      `${formatCount(stats.anomalies)} anomalies`,
    `faults: ${formatCount(f.outOfOrder)} out-of-order, ${formatCount(f.late)} late, ` +
      `${formatCount(f.duplicates)} duplicates, ${formatCount(f.malformed)} malformed`,
  ];
  if (context.groundTruth !== undefined) {
    lines.push(`ground truth: ${formatCount(stats.labels)} labels written to ${context.groundTruth}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Shows `progressLine(read())` on `stream` until the returned function is called: rewritten in
 * place every `ttyPeriodMs` on a terminal, appended every `plainPeriodMs` otherwise. The returned
 * function clears the terminal line.
 */
export function startProgress(
  stream: ProgressStream,
  clock: Clock,
  read: () => RunStats,
  options: { ttyPeriodMs?: number; plainPeriodMs?: number } = {},
): Cancel {
  if (stream.isTTY) {
    const draw = () => stream.write(`\r\x1b[2K${progressLine(read())}`);
    const cancel = every(clock, options.ttyPeriodMs ?? 250, draw);
    return () => {
      cancel();
      stream.write('\r\x1b[2K');
    };
  }
  return every(clock, options.plainPeriodMs ?? 5_000, () => stream.write(progressLine(read()) + '\n'));
}

function formatCount(n: number, decimals = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** `750ms`, `12.0s`, `3m05s`, `2h03m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1_000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.floor(seconds);
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
