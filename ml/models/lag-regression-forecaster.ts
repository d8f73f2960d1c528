import type { EstimatorSnapshot, Forecast, Forecaster } from '../core/estimator.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';
import { intervalZ } from './lag/normal-quantile.ts';
import { RecursiveLeastSquares, type RecursiveLeastSquaresState } from './lag/recursive-least-squares.ts';
import { type OpenBucket, TimeBuckets } from './lag/time-buckets.ts';
import { timeFeatureCount, timeFeatures } from './lag/time-features.ts';

/** Hyperparameters of {@link LagRegressionForecaster}. */
export type LagRegressionParams = {
  /** Width of a time bucket (ms): readings are averaged per bucket; "the next value" is the next bucket's. */
  readonly stepMs: number;
  /** How many past buckets are regressors. */
  readonly lags: number;
  /** Adds six day-of-week indicators to the sin/cos of the time of day. */
  readonly dayOfWeek: boolean;
  /** The zone of the calendar features, in minutes east of UTC. */
  readonly utcOffsetMinutes: number;
  /** RLS forgetting factor λ in (0, 1]: the weight of an example halves after ln 2 / (1 − λ) buckets. */
  readonly forgetting: number;
  /** RLS initial covariance δ·I (large: a weak prior towards weights 0). */
  readonly delta: number;
  /** A gap of more missing buckets than this clears the lags (the model waits for `lags` new ones). */
  readonly maxGapSteps: number;
};

const DEFAULTS: LagRegressionParams = {
  stepMs: 300_000,
  lags: 12,
  dayOfWeek: false,
  utcOffsetMinutes: 0,
  forgetting: 0.999,
  delta: 1000,
  maxGapSteps: 288,
};
const VERSION = 1;
/** Forecasts further ahead than this many buckets are refused (each step is one regression). */
const MAX_HORIZON = 1_000_000;

interface LagRegressionState {
  readonly open: OpenBucket | null;
  readonly rls: RecursiveLeastSquaresState;
  /** The last buckets' values, oldest first (at most `lags`; gaps filled as `fillGap` says). */
  readonly history: number[];
  /** Last bucket `history` ends with (meaningless while `history` is empty). */
  readonly lastBucket: number;
  /** Buckets learned (regression updates). */
  readonly learned: number;
  readonly residualSumSq: number;
  readonly residualCount: number;
}

/**
 * Forecasts a sensor series by regressing the next bucket's value on the last `lags` bucket values
 * and calendar features (sin/cos of the time of day, optionally the day of the week), learned online
 * by recursive least squares with forgetting (`lag/recursive-least-squares.ts`). Readings are put on
 * a `stepMs` grid (`lag/time-buckets.ts`: a bucket's readings count as their mean; a bucket is learned
 * when a reading of a later one arrives), so set `stepMs` to about the sampling interval.
 *
 * - Regressors for bucket t: 1, y_{t−1}, …, y_{t−lags}, sin and cos of 2π·(time of day of t's start),
 *   [Monday..Saturday indicators].
 * - **Gaps**: a missing bucket is filled with the model's own one-step prediction (the last value
 *   while the model is not ready yet) and not learned from; a gap longer than `maxGapSteps` clears
 *   the lags instead.
 * - **Forecasts** are recursive (each predicted bucket becomes a lag of the next), from the open
 *   bucket's mean so far for timestamps after it; a timestamp in or before the open bucket is
 *   forecast from the learned buckets. Empty until the lags are full, as many buckets as there are
 *   weights were learned and one residual is known.
 * - **Intervals**: ŷ ± z·σ_h with σ² the mean square of the one-step residuals (counted once ready)
 *   and σ_h² = σ²·Σ_{j<h} ψ_j², ψ the impulse response of the lag weights (ψ_0 = 1,
 *   ψ_j = Σ_i φ_i ψ_{j−i}): the h-step variance of an AR process, weights taken as known.
 *
 * @example
 * const f = new LagRegressionForecaster({ stepMs: 60_000, lags: 2 });
 * for (let i = 0; i < 500; i++) f.learnOne(Math.sin(0.3 * i), i * 60_000);
 * f.coefficients(); // { lag1 ≈ 2cos 0.3, lag2 ≈ −1, others ≈ 0 }
 */
export class LagRegressionForecaster implements Forecaster {
  readonly kind = 'lag-regression-forecaster';
  readonly params: LagRegressionParams;
  private readonly grid: TimeBuckets;
  private readonly rls: RecursiveLeastSquares;
  private readonly x: Float64Array;
  private s: Omit<LagRegressionState, 'open' | 'rls'>;

  constructor(params: Partial<LagRegressionParams> = {}) {
    const p = { ...DEFAULTS, ...params };
    if (!(Number.isInteger(p.lags) && p.lags >= 1)) {
      throw new RangeError(`lag-regression-forecaster: lags must be a positive integer, got ${p.lags}`);
    }
    if (!(Number.isInteger(p.maxGapSteps) && p.maxGapSteps >= 0)) {
      throw new RangeError(
        `lag-regression-forecaster: maxGapSteps must be an integer ≥ 0, got ${p.maxGapSteps}`,
      );
    }
    this.params = p;
    this.grid = new TimeBuckets(p.stepMs);
    const dimension = 1 + p.lags + timeFeatureCount(p.dayOfWeek);
    this.rls = new RecursiveLeastSquares(dimension, { forgetting: p.forgetting, delta: p.delta });
    this.x = new Float64Array(dimension);
    this.s = { history: [], lastBucket: 0, learned: 0, residualSumSq: 0, residualCount: 0 };
  }

  learnOne(y: number, ts: number): void {
    const closed = this.grid.add(y, ts);
    if (!closed) return;
    const history = [...this.s.history];
    this.fillGaps(history, this.s.lastBucket, closed.bucket);
    const s = { ...this.s, history, lastBucket: closed.bucket };
    if (history.length === this.params.lags) {
      const ready = this.isTrained(s.learned);
      const error = this.rls.update(this.features(history, closed.bucket), closed.mean);
      s.learned++;
      if (ready) {
        s.residualSumSq += error * error;
        s.residualCount++;
      }
    }
    push(history, closed.mean, this.params.lags);
    this.s = s;
  }

  forecast(timestamps: readonly number[], coverage = 0.95): Forecast[] {
    const z = intervalZ(coverage);
    const { lags } = this.params;
    if (this.s.history.length < lags || !this.isTrained(this.s.learned) || this.s.residualCount === 0)
      return [];
    const sigma2 = this.s.residualSumSq / this.s.residualCount;
    const open = this.grid.open;
    let ahead: number[] | undefined;
    if (open && open.bucket > this.s.lastBucket) {
      ahead = [...this.s.history];
      this.fillGaps(ahead, this.s.lastBucket, open.bucket);
      push(ahead, open.sum / open.count, lags);
      if (ahead.length < lags) ahead = undefined;
    }
    const psi = this.impulseResponse();
    return timestamps.map((ts) => {
      const bucket = this.grid.bucketOf(ts);
      const useAhead = ahead !== undefined && bucket > open!.bucket;
      const origin = useAhead ? open!.bucket : this.s.lastBucket;
      const h = Math.max(1, bucket - origin);
      if (h > MAX_HORIZON) throw new RangeError(`forecast ${h} buckets ahead: more than ${MAX_HORIZON}`);
      const value = this.recurse(useAhead ? ahead! : this.s.history, origin, h);
      let factor = 0;
      for (let j = 0; j < h; j++) factor += psi(j) ** 2;
      const half = z * Math.sqrt(sigma2 * factor);
      return { ts, value, lower: value - half, upper: value + half };
    });
  }

  /** The regression weights by name: `bias`, `lag1` (the last bucket) …, `daySin`, `dayCos`, `mon` … `sat`. */
  coefficients(): Record<string, number> {
    const w = this.rls.coefficients();
    const names = [
      'bias',
      ...Array.from({ length: this.params.lags }, (_, i) => `lag${i + 1}`),
      'daySin',
      'dayCos',
    ];
    if (this.params.dayOfWeek) names.push('mon', 'tue', 'wed', 'thu', 'fri', 'sat');
    return Object.fromEntries(names.map((name, i) => [name, w[i]!]));
  }

  snapshot(): EstimatorSnapshot {
    const state: LagRegressionState = {
      ...this.s,
      history: [...this.s.history],
      open: this.grid.state(),
      rls: this.rls.state(),
    };
    return { kind: this.kind, version: VERSION, params: { ...this.params }, state };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, VERSION);
    const { open, rls, ...rest } = snapshot.state as LagRegressionState;
    this.rls.restore(rls);
    this.grid.restore(open);
    this.s = { ...rest, history: [...rest.history] };
  }

  clone(): this {
    return new LagRegressionForecaster(this.params) as this;
  }

  private isTrained(learned: number): boolean {
    return learned >= this.rls.dimension;
  }

  /** The regressors for bucket `bucket` after `history` (written into a shared buffer). */
  private features(history: readonly number[], bucket: number): Float64Array {
    const x = this.x;
    const { lags } = this.params;
    x[0] = 1;
    for (let i = 0; i < lags; i++) x[1 + i] = history[history.length - 1 - i]!;
    timeFeatures(
      x,
      1 + lags,
      bucket * this.params.stepMs,
      this.params.utcOffsetMinutes,
      this.params.dayOfWeek,
    );
    return x;
  }

  /** Appends the missing buckets between `last` and `next` to `history` (or clears it after a long gap). */
  private fillGaps(history: number[], last: number, next: number): void {
    if (history.length === 0) return;
    const missing = next - last - 1;
    if (missing > this.params.maxGapSteps) {
      history.length = 0;
      return;
    }
    const predict = history.length === this.params.lags && this.isTrained(this.s.learned);
    for (let b = last + 1; b < next; b++) {
      const value = predict ? this.rls.predict(this.features(history, b)) : history[history.length - 1]!;
      push(history, value, this.params.lags);
    }
  }

  /** The h-step recursive forecast after `history`, which ends at bucket `origin`. */
  private recurse(history: readonly number[], origin: number, h: number): number {
    const window = [...history];
    let value = 0;
    for (let step = 1; step <= h; step++) {
      value = this.rls.predict(this.features(window, origin + step));
      push(window, value, this.params.lags);
    }
    return value;
  }

  /** ψ_j of the lag weights, memoised as they are asked for in order. */
  private impulseResponse(): (j: number) => number {
    const w = this.rls.coefficients();
    const phi = w.slice(1, 1 + this.params.lags);
    const psi = [1];
    return (j) => {
      while (psi.length <= j) {
        const n = psi.length;
        let v = 0;
        for (let i = 1; i <= Math.min(n, phi.length); i++) v += phi[i - 1]! * psi[n - i]!;
        psi.push(v);
      }
      return psi[j]!;
    };
  }
}

function push(window: number[], value: number, size: number): void {
  window.push(value);
  if (window.length > size) window.shift();
}

/** Registry entry: lag regression with time-of-day features, RLS with forgetting. */
export const lagRegressionForecasterSpec: ModelSpec = {
  name: 'lag-regression-forecaster',
  type: 'forecaster',
  description:
    'Next bucket regressed on the last values and time of day (RLS with forgetting), recursive forecasts',
  params: {
    stepMs: { type: 'integer', default: DEFAULTS.stepMs, min: 1, description: 'bucket width (ms)' },
    lags: {
      type: 'integer',
      default: DEFAULTS.lags,
      min: 1,
      max: 288,
      description: 'past buckets as regressors',
    },
    dayOfWeek: { type: 'boolean', default: DEFAULTS.dayOfWeek, description: 'add day-of-week indicators' },
    utcOffsetMinutes: {
      type: 'integer',
      default: DEFAULTS.utcOffsetMinutes,
      min: -840,
      max: 840,
      description: 'time zone of the calendar features (minutes east of UTC)',
    },
    forgetting: {
      type: 'number',
      default: DEFAULTS.forgetting,
      min: 0.9,
      max: 1,
      description: 'RLS forgetting factor',
    },
    delta: {
      type: 'number',
      default: DEFAULTS.delta,
      min: 1e-6,
      max: 1e12,
      description: 'RLS initial covariance scale',
    },
    maxGapSteps: {
      type: 'integer',
      default: DEFAULTS.maxGapSteps,
      min: 0,
      description: 'longest gap (buckets) filled by prediction; longer ones clear the lags',
    },
  },
  create: (params) => new LagRegressionForecaster(params as Partial<LagRegressionParams>),
};
