import type { SeriesResponse } from '../../../../services/api/schemas/series.ts';
import type { AnomalyEvent } from '../../../../services/domain/anomaly.ts';
import type { Prediction } from '../../../../services/domain/prediction.ts';
import type { WindowAggregate } from '../../../../services/domain/window-aggregate.ts';

/** One bucket (or live window) of the window band. */
export interface BandPoint {
  readonly ts: number;
  readonly min: number | null;
  readonly mean: number | null;
  readonly max: number | null;
}

/** One prediction of one model: what it expected and its interval. */
export interface ForecastPoint {
  readonly ts: number;
  readonly expected: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
}

/** One anomaly marker. `value` null: the detector had no single reading (multivariate, silence). */
export interface AnomalyMark {
  readonly ts: number;
  readonly detector: string;
  readonly score: number | null;
  readonly value: number | null;
  readonly expected: number | null;
  readonly reason: string;
}

/** Everything drawn for one metric, each list oldest first. */
export interface MetricView {
  readonly readings: readonly (readonly [number, number])[];
  readonly band: readonly BandPoint[];
  /** Per model, by model name (sorted). */
  readonly forecasts: readonly { readonly model: string; readonly points: readonly ForecastPoint[] }[];
  readonly anomalies: readonly AnomalyMark[];
}

interface MetricData {
  readonly readings: Map<number, number>;
  readonly band: Map<number, BandPoint>;
  readonly forecasts: Map<string, Map<number, ForecastPoint>>;
  readonly anomalies: Map<string, AnomalyMark>;
}

/**
 * The data of one device's page, per metric: readings, window band, forecasts per model and
 * anomalies, keyed by time so that history (`/api/devices/:id/series`) and live events
 * (`prediction`, `aggregate`, `anomaly`) merge without duplicates. Events of other devices, or
 * outside the range set by {@link DeviceSeriesStore.keepRange}, are ignored.
 *
 * @example
 * const store = new DeviceSeriesStore('boiler-1');
 * store.loadSeries(await api.get('/api/devices/boiler-1/series', { metric: 'temperature' }));
 * store.addPrediction({ device: 'boiler-1', metric: 'temperature', model: 'f', ts, value: 21, expected: 21.2, lower: 20, upper: 22 });
 * store.view('temperature').readings; // [..., [ts, 21]]
 */
export class DeviceSeriesStore {
  private readonly metricsData = new Map<string, MetricData>();
  private from = Number.NEGATIVE_INFINITY;
  private to = Number.POSITIVE_INFINITY;

  constructor(readonly device: string) {}

  /** Keeps only points in `[from, to)`: drops older ones now and ignores events outside later. */
  keepRange(from: number, to: number = Number.POSITIVE_INFINITY): void {
    this.from = from;
    this.to = to;
    for (const data of this.metricsData.values()) {
      for (const map of [data.readings, data.band, ...data.forecasts.values()]) {
        for (const ts of map.keys()) if (ts < from || ts >= to) map.delete(ts);
      }
      for (const [key, mark] of data.anomalies)
        if (mark.ts < from || mark.ts >= to) data.anomalies.delete(key);
    }
  }

  /** Merges one answer of the series route (its readings are the forecasts' `value`). */
  loadSeries(answer: SeriesResponse): void {
    const data = this.data(answer.metric);
    for (const b of answer.band) if (this.inRange(b.ts)) data.band.set(b.ts, b);
    for (const f of answer.forecast) {
      if (!this.inRange(f.ts)) continue;
      if (f.value !== null && !data.readings.has(f.ts)) data.readings.set(f.ts, f.value);
      this.forecastOf(data, f.model).set(f.ts, f);
    }
    for (const a of answer.anomalies) {
      if (this.inRange(a.ts)) data.anomalies.set(`${a.ts}|${a.detector}`, a);
    }
  }

  /** A live prediction: a reading and a forecast point. True when it was this device's and in range. */
  addPrediction(p: Prediction): boolean {
    if (p.device !== this.device || !this.inRange(p.ts)) return false;
    const data = this.data(p.metric);
    const value = finite(p.value);
    if (value !== null) data.readings.set(p.ts, value);
    this.forecastOf(data, p.model).set(p.ts, {
      ts: p.ts,
      expected: finite(p.expected),
      lower: finite(p.lower),
      upper: finite(p.upper),
    });
    return true;
  }

  /** A live window aggregate: a band point at the window's start. */
  addAggregate(a: WindowAggregate): boolean {
    if (a.device !== this.device || !this.inRange(a.start)) return false;
    this.data(a.metric).band.set(a.start, {
      ts: a.start,
      min: finite(a.min),
      mean: finite(a.mean),
      max: finite(a.max),
    });
    return true;
  }

  /** A live anomaly: a marker on each of its metrics (one, or several for multivariate detectors). */
  addAnomaly(a: AnomalyEvent): boolean {
    if (a.device !== this.device || !this.inRange(a.ts)) return false;
    const metrics = a.metrics.length > 0 ? a.metrics : a.metric.split(',');
    for (const metric of metrics) {
      this.data(metric).anomalies.set(`${a.ts}|${a.detector}`, {
        ts: a.ts,
        detector: a.detector,
        score: finite(a.score),
        value: metrics.length === 1 ? finite(a.value) : null,
        expected: metrics.length === 1 ? finite(a.expected) : null,
        reason: a.reason,
      });
    }
    return true;
  }

  /** The metrics seen so far, sorted. */
  metrics(): string[] {
    return [...this.metricsData.keys()].sort();
  }

  /** One metric's data, each list oldest first (empty lists for a metric not seen). */
  view(metric: string): MetricView {
    const data = this.metricsData.get(metric);
    if (!data) return { readings: [], band: [], forecasts: [], anomalies: [] };
    const byTs = <T extends { ts: number }>(items: Iterable<T>) => [...items].sort((a, b) => a.ts - b.ts);
    return {
      readings: [...data.readings].sort((a, b) => a[0] - b[0]),
      band: byTs(data.band.values()),
      forecasts: [...data.forecasts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([model, points]) => ({ model, points: byTs(points.values()) })),
      anomalies: byTs(data.anomalies.values()),
    };
  }

  private inRange(ts: number): boolean {
    return ts >= this.from && ts < this.to;
  }

  private data(metric: string): MetricData {
    let data = this.metricsData.get(metric);
    if (!data) {
      data = { readings: new Map(), band: new Map(), forecasts: new Map(), anomalies: new Map() };
      this.metricsData.set(metric, data);
    }
    return data;
  }

  private forecastOf(data: MetricData, model: string): Map<number, ForecastPoint> {
    let points = data.forecasts.get(model);
    if (!points) {
      points = new Map();
      data.forecasts.set(model, points);
    }
    return points;
  }
}

/** A finite number, else null (NaN arrives as null over JSON, but be safe). */
function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
