import type { EstimatorSnapshot, Forecast, Forecaster } from '../core/estimator.ts';
import type { Params } from '../core/estimator-base.ts';
import type { ParamSpec } from '../core/model-spec.ts';
import { holtWintersSpec } from '../models/holt-winters.ts';
import { intervalZ } from '../models/lag/normal-quantile.ts';
import { lagRegressionForecasterSpec } from '../models/lag-regression-forecaster.ts';
import type { AnomalyExplanation, DetectorSpec } from './detector.ts';
import { formatNumber } from './explanation-text.ts';
import { checkNumber } from './param-checks.ts';
import { thresholdScore } from './score-mapping.ts';
import { FEATURE_PARAM, UnivariateDetector } from './univariate-detector.ts';

/** The forecasters a {@link ForecastResidual} can wrap, by registry name (no TensorFlow.js). */
const FORECASTERS = {
  'holt-winters': holtWintersSpec,
  'lag-regression-forecaster': lagRegressionForecasterSpec,
} as const;

type ForecasterName = keyof typeof FORECASTERS;

/**
 * Hyperparameters of {@link ForecastResidual}: its own, and those of the forecasters it can wrap
 * (each passed to the forecaster that has it: `stepMs`, `seasonMs`, `alpha`, `lags`, ...).
 */
export type ForecastResidualParams = Params & {
  readonly feature: string;
  /** `holt-winters` or `lag-regression-forecaster`. */
  readonly forecaster: string;
  /** Coverage of the forecast interval whose edges score 0.5. */
  readonly coverage: number;
};

/** Every forecaster parameter, described with the forecasters that take it. */
const FORECASTER_PARAMS: Readonly<Record<string, ParamSpec>> = (() => {
  const users = new Map<string, { spec: ParamSpec; names: string[] }>();
  for (const [name, spec] of Object.entries(FORECASTERS)) {
    for (const [key, p] of Object.entries(spec.params)) {
      const entry = users.get(key) ?? { spec: p, names: [] };
      entry.names.push(name);
      users.set(key, entry);
    }
  }
  return Object.fromEntries(
    [...users].map(([key, { spec, names }]) => [
      key,
      { ...spec, description: `${names.join(', ')}: ${spec.description}` },
    ]),
  );
})();

const DEFAULTS: ForecastResidualParams = {
  feature: 'value',
  forecaster: 'holt-winters',
  coverage: 0.997,
  ...Object.fromEntries(Object.entries(FORECASTER_PARAMS).map(([key, p]) => [key, p.default])),
};

interface ForecastResidualState {
  readonly forecaster: EstimatorSnapshot;
  /** Time of the last learned value (`null` before the first). */
  readonly lastTs: number | null;
  readonly learned: number;
}

/**
 * Forecast residual: an online forecaster (`holt-winters` by default, or
 * `lag-regression-forecaster`, both from `ml/models`) predicts each value from the ones before it
 * with a prediction interval at `coverage`; the statistic is how far the value lies from the
 * forecast in units of the interval's half-width on its side, times the interval's z (so in
 * forecast standard deviations), scored with {@link thresholdScore} at that z: exactly 0.5 on the
 * interval's edge, below inside it, towards 1 outside. It finds values unusual for the time of day
 * and trend, not just for the recent level. Score 0 while the forecaster has no forecast yet (Holt
 * -Winters: a season of data). Values at a timestamp not after the last learned one are not learned
 * (as the keyed forecast operator does).
 *
 * @example
 * const d = new ForecastResidual({ stepMs: 3_600_000, seasonMs: 86_400_000 });
 * for (let h = 0; h < 72; h++) d.learnOne({ value: 20 + 5 * Math.sin((2 * Math.PI * h) / 24) }, h * 3_600_000);
 * d.explainOne({ value: 35 }, 72 * 3_600_000); // { score ≈ 1, expected ≈ 20, lower, upper, reason }
 */
export class ForecastResidual extends UnivariateDetector<ForecastResidualParams> {
  readonly kind = 'forecast-residual';
  protected readonly version = 1;
  private readonly z: number;
  private forecaster: Forecaster;
  private lastTs: number | null = null;
  private learned = 0;

  constructor(params: Partial<ForecastResidualParams> = {}) {
    super({ ...DEFAULTS, ...params } as ForecastResidualParams);
    if (!Object.hasOwn(FORECASTERS, this.params.forecaster)) {
      throw new Error(
        `${this.kind}: forecaster must be one of ${Object.keys(FORECASTERS).join(', ')}, got "${this.params.forecaster}"`,
      );
    }
    checkNumber(this.kind, 'coverage', this.params.coverage, 0, 1 - Number.EPSILON);
    this.z = intervalZ(this.params.coverage);
    this.forecaster = this.createForecaster();
  }

  protected scoreValue(value: number, ts: number): number {
    const f = this.forecastAt(ts);
    return f === undefined ? 0 : thresholdScore(this.statistic(value, f), this.z);
  }

  protected explainValue(value: number, ts: number): AnomalyExplanation {
    const f = this.forecastAt(ts);
    const name = this.params.forecaster;
    if (f === undefined) {
      return { score: 0, reason: `warming up (${name} has no forecast yet after ${this.learned} values)` };
    }
    const where = value > f.upper ? 'above' : value < f.lower ? 'below' : 'within';
    const percent = formatNumber(this.params.coverage * 100);
    return {
      score: thresholdScore(this.statistic(value, f), this.z),
      expected: f.value,
      lower: f.lower,
      upper: f.upper,
      reason: `${formatNumber(value)} is ${where} the ${percent}% forecast interval ${formatNumber(f.lower)} to ${formatNumber(f.upper)} (${name} expected ${formatNumber(f.value)})`,
    };
  }

  protected learnValue(value: number, ts: number): void {
    if (this.lastTs !== null && ts <= this.lastTs) return;
    this.forecaster.learnOne(value, ts);
    this.lastTs = ts;
    this.learned += 1;
  }

  protected saveState(): ForecastResidualState {
    return { forecaster: this.forecaster.snapshot(), lastTs: this.lastTs, learned: this.learned };
  }

  protected loadState(state: unknown): void {
    const s = state as ForecastResidualState;
    const forecaster = this.createForecaster();
    forecaster.restore(JSON.parse(JSON.stringify(s.forecaster)) as EstimatorSnapshot);
    this.forecaster = forecaster;
    this.lastTs = s.lastTs;
    this.learned = s.learned;
  }

  /** The forecast for `ts`, or undefined when there is none (warm-up, or a timestamp already learned). */
  private forecastAt(ts: number): Forecast | undefined {
    if (this.lastTs !== null && ts <= this.lastTs) return undefined;
    const [f] = this.forecaster.forecast([ts], this.params.coverage);
    return f !== undefined && Number.isFinite(f.lower) && Number.isFinite(f.upper) ? f : undefined;
  }

  /** z × (distance from the forecast / half-width on that side): exactly z on the interval's edge. */
  private statistic(value: number, f: Forecast): number {
    const deviation = value - f.value;
    if (deviation === 0) return 0;
    const half = deviation > 0 ? f.upper - f.value : f.value - f.lower;
    return half > 0 ? (Math.abs(deviation) / half) * this.z : Number.POSITIVE_INFINITY;
  }

  private createForecaster(): Forecaster {
    const spec = FORECASTERS[this.params.forecaster as ForecasterName];
    const own = Object.keys(spec.params).map((key) => [key, this.params[key]!] as const);
    return spec.create(Object.fromEntries(own)) as Forecaster;
  }
}

export const forecastResidualSpec: DetectorSpec = {
  name: 'forecast-residual',
  description:
    'Distance of each value from an online forecast (Holt-Winters or lag regression), 0.5 at the edge of its prediction interval.',
  input: 'univariate',
  detects: ['spike', 'seasonal'],
  params: {
    feature: FEATURE_PARAM,
    forecaster: {
      type: 'string',
      default: DEFAULTS.forecaster,
      choices: Object.keys(FORECASTERS),
      description: 'The online forecaster (ml/models) whose forecast the value is compared with.',
    },
    coverage: {
      type: 'number',
      default: DEFAULTS.coverage,
      min: Number.MIN_VALUE,
      max: 0.999999,
      description: 'Coverage of the forecast interval whose edges score 0.5 (0.997: about ±3 std).',
    },
    ...FORECASTER_PARAMS,
  },
  create: (p) => new ForecastResidual(p as ForecastResidualParams),
};
