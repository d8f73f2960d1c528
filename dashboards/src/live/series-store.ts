import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';

/** One point of a chart series: a window's statistics at its start time. */
export interface ChartPoint {
  readonly start: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** The points of one (device, window size) series of a metric, oldest first. */
export interface ChartSeries {
  /** Legend name: the device, plus the window label when the metric has several window sizes. */
  readonly name: string;
  readonly device: string;
  readonly window: string;
  readonly points: readonly ChartPoint[];
}

/**
 * Window aggregates as the live page draws them: per metric, one series per (device, window size),
 * sorted by window start, at most `maxPointsPerSeries` newest points each. A window that fires again
 * (late records within the allowed lateness) replaces its earlier point.
 *
 * @example
 * const store = new SeriesStore(2);
 * store.add({ device: 'a', metric: 't', window: '10s', start: 0, end: 10_000, count: 3, mean: 1, min: 0, max: 2, stddev: 1 });
 * store.metrics();          // ['t']
 * store.pointCount('t');    // 1
 */
export class SeriesStore {
  private readonly byMetric = new Map<
    string,
    Map<string, { device: string; window: string; points: ChartPoint[] }>
  >();

  constructor(readonly maxPointsPerSeries = 300) {
    if (!(maxPointsPerSeries >= 1)) throw new RangeError('maxPointsPerSeries must be >= 1');
  }

  /** Adds (or replaces) the point of one window. */
  add(aggregate: WindowAggregate): void {
    let series = this.byMetric.get(aggregate.metric);
    if (!series) {
      series = new Map();
      this.byMetric.set(aggregate.metric, series);
    }
    const key = `${aggregate.device}\u0000${aggregate.window}`;
    let entry = series.get(key);
    if (!entry) {
      entry = { device: aggregate.device, window: aggregate.window, points: [] };
      series.set(key, entry);
    }
    const point: ChartPoint = {
      start: aggregate.start,
      mean: aggregate.mean,
      min: aggregate.min,
      max: aggregate.max,
      count: aggregate.count,
    };
    insertSorted(entry.points, point);
    if (entry.points.length > this.maxPointsPerSeries) {
      entry.points.splice(0, entry.points.length - this.maxPointsPerSeries);
    }
  }

  /** Metric names seen so far, sorted. */
  metrics(): string[] {
    return [...this.byMetric.keys()].sort();
  }

  /** The series of `metric`, sorted by name. */
  series(metric: string): ChartSeries[] {
    const entries = [...(this.byMetric.get(metric)?.values() ?? [])];
    const windows = new Set(entries.map((e) => e.window));
    return entries
      .map((e) => ({ ...e, name: windows.size > 1 ? `${e.device} (${e.window})` : e.device }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Points drawn for `metric`, over all its series. */
  pointCount(metric: string): number {
    let total = 0;
    for (const entry of this.byMetric.get(metric)?.values() ?? []) total += entry.points.length;
    return total;
  }
}

/** Inserts by `start`, replacing a point with the same start. Appending in order is O(1). */
function insertSorted(points: ChartPoint[], point: ChartPoint): void {
  let lo = 0;
  let hi = points.length;
  if (hi > 0 && points[hi - 1]!.start < point.start) lo = hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.start < point.start) lo = mid + 1;
    else hi = mid;
  }
  if (points[lo]?.start === point.start) points[lo] = point;
  else points.splice(lo, 0, point);
}

/** True when `value` has the fields the page draws, all finite (data from the network is checked, not trusted). */
export function isDrawableAggregate(value: unknown): value is WindowAggregate {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.device === 'string' &&
    typeof v.metric === 'string' &&
    typeof v.window === 'string' &&
    Number.isFinite(v.start) &&
    Number.isFinite(v.mean) &&
    Number.isFinite(v.min) &&
    Number.isFinite(v.max) &&
    typeof v.count === 'number'
  );
}
