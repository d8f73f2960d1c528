import type { Random } from '../services/common/random.ts';
import { ANOMALY_KINDS, type AnomalyKind, type AnomalyLabel } from './ground-truth.ts';
import { METRIC_PROFILES, type MetricName, type Range } from './metric-profiles.ts';
import { uniform } from './signal-model.ts';

/** How often and which anomalies are injected. */
export interface AnomalyOptions {
  /** Anomalies started per device-hour of normal operation; 0 turns injection off. */
  readonly ratePerHour: number;
  /** Relative weight of each kind; a kind left out (or 0) is never injected. Default: all equal. */
  readonly weights?: Partial<Record<AnomalyKind, number>>;
}

/** How long each kind lasts (event time), before rounding up to {@link MIN_READINGS} readings. */
export const ANOMALY_DURATION_MS: Readonly<Record<AnomalyKind, Range>> = {
  spike: [0, 0],
  level_shift: [120_000, 600_000],
  stuck: [60_000, 300_000],
  dropout: [30_000, 180_000],
};

/** Each anomaly covers at least this many reading intervals, so it shows at any rate. */
export const MIN_READINGS: Readonly<Record<AnomalyKind, number>> = {
  spike: 1,
  level_shift: 5,
  stuck: 5,
  dropout: 3,
};

interface ActiveAnomaly {
  readonly kind: AnomalyKind;
  readonly metric: MetricName | null;
  readonly start: number;
  readonly end: number;
  /** Spike or shift size, signed on first use (away from the metric's bounds). */
  delta: number;
  signed: boolean;
  stuckValue: number | undefined;
}

/**
 * Injects labelled anomalies into one device's readings, one at a time: the next anomaly starts an
 * exponentially distributed gap (mean `1 / ratePerHour` hours) after the previous one ends, at a
 * reading tick. Its label is reported when it ends (or when the run is cut short, clipped).
 *
 * Draws only from its own `random`, so the device's normal signal is the same with or without it.
 */
export class AnomalyInjector {
  private readonly weights: readonly (readonly [AnomalyKind, number])[];
  private readonly totalWeight: number;
  private nextStart: number;
  private current: ActiveAnomaly | undefined;
  private started = 0;

  constructor(
    private readonly device: string,
    private readonly metrics: readonly MetricName[],
    private readonly random: Random,
    private readonly options: AnomalyOptions & { readonly intervalMs: number; readonly origin: number },
  ) {
    this.weights = ANOMALY_KINDS.map((k) => [k, options.weights?.[k] ?? 1] as const).filter(([, w]) => w > 0);
    this.totalWeight = this.weights.reduce((sum, [, w]) => sum + w, 0);
    this.nextStart = options.origin + this.gap();
  }

  /** Anomalies started so far. */
  get startedCount(): number {
    return this.started;
  }

  /** The anomaly in progress, as a label with its planned end. */
  get active(): AnomalyLabel | undefined {
    return this.current && toLabel(this.device, this.current, this.current.end);
  }

  /**
   * Moves to the reading tick `ts`: ends the current anomaly if `ts` is past it (returning its
   * label) and starts the next one if it is due.
   */
  advance(ts: number): AnomalyLabel | undefined {
    let finished: AnomalyLabel | undefined;
    if (this.current && ts >= this.current.end) {
      finished = toLabel(this.device, this.current, this.current.end);
      this.current = undefined;
      this.nextStart = ts + this.gap();
    }
    if (!this.current && ts >= this.nextStart) this.current = this.begin(ts);
    return finished;
  }

  /** True while the device is in a dropout at `ts`. */
  silent(ts: number): boolean {
    return this.current?.kind === 'dropout' && ts >= this.current.start && ts < this.current.end;
  }

  /** The value published for `metric` at `ts`, given its normal value. */
  apply(metric: MetricName, value: number, ts: number): number {
    const a = this.current;
    if (!a || a.metric !== metric || ts < a.start || ts >= a.end) return value;
    switch (a.kind) {
      case 'spike':
      case 'level_shift': {
        if (!a.signed) {
          const profile = METRIC_PROFILES[metric];
          if (value + a.delta > profile.max) a.delta = -Math.abs(a.delta);
          else if (value + a.delta < profile.min) a.delta = Math.abs(a.delta);
          a.signed = true;
        }
        return value + a.delta;
      }
      case 'stuck':
        a.stuckValue ??= value;
        return a.stuckValue;
      default:
        return value;
    }
  }

  /** Ends the current anomaly at `at` (the run stops); returns its label clipped to `at`, if any. */
  finish(at: number): AnomalyLabel | undefined {
    const a = this.current;
    this.current = undefined;
    this.nextStart = Number.POSITIVE_INFINITY;
    if (!a || at <= a.start) return undefined;
    return toLabel(this.device, a, Math.min(a.end, at));
  }

  private begin(ts: number): ActiveAnomaly {
    this.started++;
    const kind = this.pickKind();
    const metric = kind === 'dropout' ? null : this.pickMetric();
    const interval = this.options.intervalMs;
    const duration =
      kind === 'spike'
        ? 1
        : Math.max(
            Math.round(uniform(ANOMALY_DURATION_MS[kind], this.random)),
            Math.ceil(MIN_READINGS[kind] * interval),
          );
    const sign = this.random.chance(0.5) ? 1 : -1;
    const size =
      metric && kind !== 'stuck'
        ? uniform(METRIC_PROFILES[metric][kind === 'spike' ? 'spike' : 'shift'], this.random)
        : 0;
    return {
      kind,
      metric,
      start: ts,
      end: ts + duration,
      delta: sign * size,
      signed: false,
      stuckValue: undefined,
    };
  }

  private gap(): number {
    const rate = this.options.ratePerHour;
    if (!(rate > 0) || this.totalWeight === 0) return Number.POSITIVE_INFINITY;
    return (-Math.log(1 - this.random.next()) * 3_600_000) / rate;
  }

  private pickKind(): AnomalyKind {
    let r = this.random.next() * this.totalWeight;
    for (const [kind, weight] of this.weights) {
      r -= weight;
      if (r < 0) return kind;
    }
    return this.weights[this.weights.length - 1]![0];
  }

  private pickMetric(): MetricName {
    return this.metrics[this.random.int(this.metrics.length)]!;
  }
}

function toLabel(device: string, a: ActiveAnomaly, end: number): AnomalyLabel {
  return { device, metric: a.metric, kind: a.kind, start: a.start, end };
}
