import type { EstimatorSnapshot, Forecast, Forecaster } from '../core/estimator.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';
import { holtWintersInitialState, holtWintersVarianceFactor } from './lag/holt-winters-equations.ts';
import { intervalZ } from './lag/normal-quantile.ts';
import { type OpenBucket, TimeBuckets } from './lag/time-buckets.ts';

/** Hyperparameters of {@link HoltWinters}. */
export type HoltWintersParams = {
  /** Width of a time bucket (ms): readings are averaged per bucket; the model steps once a bucket. */
  readonly stepMs: number;
  /** Length of the season (ms), a multiple of `stepMs`: `seasonMs / stepMs` buckets (default one day). */
  readonly seasonMs: number;
  /** Level smoothing α. */
  readonly alpha: number;
  /** Trend smoothing β* (of the component form; the state-space β is α·β*). */
  readonly beta: number;
  /** Seasonal smoothing γ. */
  readonly gamma: number;
  /** Seasons collected before the first forecast: 1 starts with no trend, 2 or more estimate it. */
  readonly initSeasons: number;
};

const DEFAULTS: HoltWintersParams = {
  stepMs: 300_000,
  seasonMs: 86_400_000,
  alpha: 0.5,
  beta: 0.01,
  gamma: 0.2,
  initSeasons: 1,
};
const VERSION = 1;

interface HoltWintersState {
  readonly open: OpenBucket | null;
  /** First bucket of the initialisation window, and its bucket means (`null`: a gap). */
  readonly initStart: number | null;
  readonly initValues: (number | null)[];
  readonly initialized: boolean;
  /** Last bucket the level, trend and seasonals include. */
  lastBucket: number;
  level: number;
  trend: number;
  /** Seasonal component per phase `bucket mod m`. */
  readonly seasonals: number[];
  residualSumSq: number;
  residualCount: number;
}

/**
 * Additive Holt-Winters (level, trend, seasonality; Hyndman & Athanasopoulos, "Forecasting:
 * Principles and Practice", 3rd ed., §8.3) on a sensor series put on a `stepMs` grid (see
 * `TimeBuckets`: several readings in a bucket count as their mean; a bucket is learned when a
 * reading of a later one arrives). For bucket t with mean y, phase p = t mod m:
 *
 *   ℓ_t = α(y − s_p) + (1−α)(ℓ + b),  b_t = β*(ℓ_t − ℓ) + (1−β*) b,  s_p ← γ(y − ℓ − b) + (1−γ) s_p
 *
 * - **Gaps** (buckets without a reading) advance the state without an observation, as the
 *   state-space model does with a missing value (ε = 0): ℓ ← ℓ + b, b and the seasonals unchanged.
 * - **Initialisation** once the first `initSeasons` seasons (counted from the first reading's
 *   bucket) are learned (`lag/holt-winters-equations.ts`): per-season means M_j give the trend
 *   b = (M_last − M_0) / ((n−1)·m) (0 with one season: a trend is then picked up by β* as it goes),
 *   the level is M_0 carried along that trend to the window's last bucket, and each phase's seasonal
 *   is the mean of its detrended values, centred to sum 0 (phases never observed start at 0). On a
 *   noiseless trend + season series without gaps in that window and `initSeasons ≥ 2`, the state
 *   is then exact; gaps in the window bias the season means, which the updates then correct.
 * - **Forecasts** ŷ_{t+h} = ℓ + h·b + s_{phase(t+h)} start from the open bucket too (its mean so far
 *   is applied to a copy of the state); a timestamp in or before the open bucket is forecast from
 *   the learned state (at least one step ahead). Empty until initialised and one residual is known.
 * - **Intervals**: ŷ ± z·σ_h with σ² the mean square of the one-step residuals and, for ETS(A,A,A)
 *   (FPP §8.7, Table 8.8; Hyndman et al. 2008, class 1), with β = α·β* and k = ⌊(h−1)/m⌋:
 *   σ_h² = σ²[1 + (h−1){α² + αβh + β²h(2h−1)/6} + γk{2α + γ + βm(k+1)}].
 *
 * @example
 * const hw = new HoltWinters({ stepMs: 3_600_000 }); // hourly buckets, daily season
 * for (let i = 0; i < 48; i++) hw.learnOne(20 + Math.sin((2 * Math.PI * i) / 24), i * 3_600_000);
 * hw.forecast([48 * 3_600_000]); // [{ ts, value ≈ 20, lower, upper }]
 */
export class HoltWinters implements Forecaster {
  readonly kind = 'holt-winters';
  readonly params: HoltWintersParams;
  /** Buckets per season. */
  readonly seasonLength: number;
  private readonly grid: TimeBuckets;
  private s: HoltWintersState;

  constructor(params: Partial<HoltWintersParams> = {}) {
    const p = { ...DEFAULTS, ...params };
    for (const key of ['alpha', 'beta', 'gamma'] as const) {
      if (!(p[key] >= 0 && p[key] <= 1))
        throw new RangeError(`holt-winters: ${key} must be in [0, 1], got ${p[key]}`);
    }
    if (!(Number.isInteger(p.initSeasons) && p.initSeasons >= 1)) {
      throw new RangeError(`holt-winters: initSeasons must be a positive integer, got ${p.initSeasons}`);
    }
    this.grid = new TimeBuckets(p.stepMs);
    if (!(p.seasonMs >= p.stepMs && p.seasonMs % p.stepMs === 0)) {
      throw new RangeError(
        `holt-winters: seasonMs (${p.seasonMs}) must be a multiple of stepMs (${p.stepMs})`,
      );
    }
    this.params = p;
    this.seasonLength = p.seasonMs / p.stepMs;
    this.s = this.emptyState();
  }

  learnOne(y: number, ts: number): void {
    const closed = this.grid.add(y, ts);
    if (!closed) return;
    if (this.s.initialized) this.observe(closed.bucket, closed.mean);
    else this.collect(closed.bucket, closed.mean);
  }

  forecast(timestamps: readonly number[], coverage = 0.95): Forecast[] {
    const z = intervalZ(coverage);
    const s = this.s;
    if (!s.initialized || s.residualCount === 0) return [];
    const sigma2 = s.residualSumSq / s.residualCount;
    const m = this.seasonLength;
    const open = this.grid.open;
    // The state with the open bucket's mean applied, for timestamps after it.
    let ahead: { origin: number; level: number; trend: number; phase: number; seasonal: number } | undefined;
    if (open && open.bucket > s.lastBucket) {
      const level = s.level + (open.bucket - 1 - s.lastBucket) * s.trend;
      const y = open.sum / open.count;
      const phase = mod(open.bucket, m);
      const old = s.seasonals[phase]!;
      const { alpha, beta, gamma } = this.params;
      const nextLevel = alpha * (y - old) + (1 - alpha) * (level + s.trend);
      ahead = {
        origin: open.bucket,
        level: nextLevel,
        trend: beta * (nextLevel - level) + (1 - beta) * s.trend,
        phase,
        seasonal: gamma * (y - level - s.trend) + (1 - gamma) * old,
      };
    }
    return timestamps.map((ts) => {
      const bucket = this.grid.bucketOf(ts);
      const useAhead = ahead !== undefined && bucket > ahead.origin;
      const origin = useAhead ? ahead!.origin : s.lastBucket;
      const h = Math.max(1, bucket - origin);
      const phase = mod(origin + h, m);
      const seasonal = useAhead && phase === ahead!.phase ? ahead!.seasonal : s.seasonals[phase]!;
      const value = (useAhead ? ahead!.level : s.level) + h * (useAhead ? ahead!.trend : s.trend) + seasonal;
      const half = z * Math.sqrt(sigma2 * this.varianceFactor(h));
      return { ts, value, lower: value - half, upper: value + half };
    });
  }

  /** σ_h² / σ² for additive Holt-Winters (see the class comment). */
  varianceFactor(h: number): number {
    return holtWintersVarianceFactor(
      h,
      this.params.alpha,
      this.params.alpha * this.params.beta,
      this.params.gamma,
      this.seasonLength,
    );
  }

  /** Level, trend and seasonals (by phase) once initialised, for inspection and tests. */
  components(): { level: number; trend: number; seasonals: readonly number[] } | undefined {
    return this.s.initialized
      ? { level: this.s.level, trend: this.s.trend, seasonals: this.s.seasonals }
      : undefined;
  }

  snapshot(): EstimatorSnapshot {
    return {
      kind: this.kind,
      version: VERSION,
      params: { ...this.params },
      state: {
        ...this.s,
        open: this.grid.state(),
        initValues: [...this.s.initValues],
        seasonals: [...this.s.seasonals],
      },
    };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, VERSION);
    const state = snapshot.state as HoltWintersState;
    if (state.seasonals.length !== this.seasonLength)
      throw new Error('holt-winters: snapshot has another season length');
    this.s = { ...state, initValues: [...state.initValues], seasonals: [...state.seasonals] };
    this.grid.restore(state.open);
  }

  clone(): this {
    return new HoltWinters(this.params) as this;
  }

  private emptyState(): HoltWintersState {
    return {
      open: null,
      initStart: null,
      initValues: [],
      initialized: false,
      lastBucket: 0,
      level: 0,
      trend: 0,
      seasonals: new Array<number>(this.seasonLength).fill(0),
      residualSumSq: 0,
      residualCount: 0,
    };
  }

  /** Before initialisation: keeps the bucket means of the first `initSeasons` seasons. */
  private collect(bucket: number, mean: number): void {
    const start = this.s.initStart ?? bucket;
    const end = start + this.params.initSeasons * this.seasonLength;
    if (bucket < end) {
      const initValues = [...this.s.initValues];
      while (initValues.length < bucket - start) initValues.push(null);
      initValues.push(mean);
      this.s = { ...this.s, initStart: start, initValues };
      if (bucket === end - 1) this.initialise(start, end);
      return;
    }
    this.initialise(start, end);
    this.observe(bucket, mean);
  }

  private initialise(start: number, end: number): void {
    const initial = holtWintersInitialState(
      this.s.initValues,
      start,
      this.seasonLength,
      this.params.initSeasons,
    );
    this.s = {
      ...this.s,
      ...initial,
      initialized: true,
      initStart: null,
      initValues: [],
      lastBucket: end - 1,
    };
  }

  /** Steps the learned state to `bucket` (through any gap) and learns its mean `y`. */
  private observe(bucket: number, y: number): void {
    const { alpha, beta, gamma } = this.params;
    const s = this.s;
    const level = s.level + (bucket - 1 - s.lastBucket) * s.trend;
    const phase = mod(bucket, this.seasonLength);
    const old = s.seasonals[phase]!;
    const residual = y - (level + s.trend + old);
    const nextLevel = alpha * (y - old) + (1 - alpha) * (level + s.trend);
    const seasonals = s.seasonals; // updated in place: the state object owns its array
    seasonals[phase] = gamma * (y - level - s.trend) + (1 - gamma) * old;
    // in place too (snapshots copy the state): a new state object per reading was most of the
    // garbage Holt-Winters made, and collecting garbage is what delays alerts
    s.trend = beta * (nextLevel - level) + (1 - beta) * s.trend;
    s.lastBucket = bucket;
    s.level = nextLevel;
    s.residualSumSq += residual * residual;
    s.residualCount += 1;
  }
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/** Registry entry: additive Holt-Winters with daily seasonality for a sensor series. */
export const holtWintersSpec: ModelSpec = {
  name: 'holt-winters',
  type: 'forecaster',
  description: 'Additive Holt-Winters (level, trend, daily season) on a time grid, with ETS(A,A,A) intervals',
  params: {
    stepMs: { type: 'integer', default: DEFAULTS.stepMs, min: 1, description: 'bucket width (ms)' },
    seasonMs: {
      type: 'integer',
      default: DEFAULTS.seasonMs,
      min: 1,
      description: 'season length (ms), a multiple of stepMs',
    },
    alpha: { type: 'number', default: DEFAULTS.alpha, min: 0, max: 1, description: 'level smoothing' },
    beta: { type: 'number', default: DEFAULTS.beta, min: 0, max: 1, description: 'trend smoothing' },
    gamma: { type: 'number', default: DEFAULTS.gamma, min: 0, max: 1, description: 'seasonal smoothing' },
    initSeasons: {
      type: 'integer',
      default: DEFAULTS.initSeasons,
      min: 1,
      max: 14,
      description: 'seasons collected before forecasting (2+ estimate a trend)',
    },
  },
  create: (params) => new HoltWinters(params as Partial<HoltWintersParams>),
};
