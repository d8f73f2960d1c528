import * as tf from '@tensorflow/tfjs';
import { type Clock, systemClock } from '../../services/engine/time/clock.ts';
import type { EstimatorSnapshot, Forecast, Forecaster } from '../core/estimator.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';
import type { TrainsInBackground } from '../tf/background-training.ts';
import {
  layerSeed,
  NetworkTraining,
  type NetworkTrainingState,
  trainingParamSpecs,
  trainingParams,
} from '../tf/network-training.ts';
import type { TrainingRow } from '../tf/replay-buffer.ts';
import { ResidualQuantiles, type ResidualQuantilesState } from '../tf/residual-quantiles.ts';
import { RunningMoments, type RunningMomentsState } from '../tf/running-moments.ts';

const KIND = 'gru-forecaster';
const VERSION = 1;
/** Per time step: the value, then sin and cos of the next step's time of day. */
const STEP_FEATURES = 3;
/** Rows kept for the next round's out-of-sample residuals. */
const MAX_UNSCORED = 512;

type Params = Readonly<Record<string, number | boolean | string>>;

interface GruState {
  readonly values: readonly number[];
  readonly times: readonly number[];
  readonly moments: RunningMomentsState;
  readonly residuals: ResidualQuantilesState;
  readonly unscored: readonly TrainingRow[];
  readonly training: NetworkTrainingState;
}

/**
 * A GRU forecaster for one sensor series (TensorFlow.js: GRU → dense, Adam, mean squared error),
 * trained in micro-batches from a replay buffer off the per-record path.
 *
 * - Input: the last `window` values (standardised with the running mean and deviation), each with
 *   the sine and cosine of the *next* step's phase in `periodMs` (time of day by default), so the
 *   last step carries the time being predicted. Output: the next value.
 * - `forecast(timestamps)`: one step at a time, each prediction fed back as an input.
 * - Intervals: before each round, the rows not yet trained on are predicted (out of sample) and
 *   their absolute errors kept (the last `residualWindow`); the interval at `coverage` is
 *   ± their `coverage`-quantile, widened by √k at the k-th step ahead (errors add up like a
 *   random walk's; an approximation).
 * - Empty forecasts until `window` values are held and two rounds have run (the first trains, the
 *   second measures residuals).
 *
 * @example
 * const gru = new GruForecaster(params);
 * series.forEach(({ y, ts }) => gru.learnOne(y, ts));
 * await gru.whenIdle();
 * gru.forecast([lastTs + 900_000]); // [{ ts, value, lower, upper }]
 */
export class GruForecaster implements Forecaster, TrainsInBackground {
  readonly kind = KIND;
  readonly params: Params;
  private readonly clock: Clock;
  private readonly window: number;
  private readonly periodMs: number;
  private values: number[] = [];
  private times: number[] = [];
  private readonly moments = new RunningMoments(1);
  private readonly residuals: ResidualQuantiles;
  private unscored: TrainingRow[] = [];
  private readonly training: NetworkTraining;

  constructor(params: Params, clock: Clock = systemClock) {
    this.params = { ...params };
    this.clock = clock;
    this.window = params.window as number;
    this.periodMs = params.periodMs as number;
    this.residuals = new ResidualQuantiles(params.residualWindow as number);
    const training = trainingParams(params);
    this.training = new NetworkTraining({
      model: buildGru(this.window, params.units as number, training.seed),
      params: training,
      clock,
      toBatch: (rows) =>
        tf.tidy(() => ({
          xs: this.inputTensor(rows.map((r) => r.x)),
          ys: tf.tensor2d(rows.map((r) => this.moments.standardise(r.y))),
        })),
      beforeRound: () => this.scoreUnscored(),
    });
  }

  learnOne(y: number, ts: number): void {
    const last = this.times[this.times.length - 1];
    if (last !== undefined && ts <= last) {
      throw new RangeError(`${KIND}: observations must come in time order (${ts} after ${last})`);
    }
    if (this.values.length === this.window) {
      const row = { x: this.encode(this.values, [...this.times.slice(1), ts]), y: [y] };
      this.training.trainer.add(row);
      this.unscored.push(row);
      if (this.unscored.length > MAX_UNSCORED) this.unscored.shift();
    }
    this.moments.update([y]);
    this.values.push(y);
    this.times.push(ts);
    if (this.values.length > this.window) {
      this.values.shift();
      this.times.shift();
    }
  }

  forecast(timestamps: readonly number[], coverage = 0.95): Forecast[] {
    if (this.values.length < this.window || this.residuals.size === 0 || !this.training.trained) return [];
    const values = this.values.slice();
    const nextTimes = [...this.times.slice(1)];
    const spread = this.residuals.quantile(coverage);
    return timestamps.map((ts, k) => {
      const input = this.inputTensor([this.encode(values, [...nextTimes, ts])]);
      const [row] = this.training.network.predict(input);
      input.dispose();
      const value = this.moments.unstandardise([row?.[0] ?? 0])[0] ?? 0;
      values.push(value);
      values.shift();
      nextTimes.push(ts);
      nextTimes.shift();
      const half = spread * Math.sqrt(k + 1);
      return { ts, value, lower: value - half, upper: value + half };
    });
  }

  whenIdle(): Promise<void> {
    return this.training.trainer.whenIdle();
  }

  flush(): void {
    this.training.trainer.flush();
  }

  dispose(): Promise<void> {
    return this.training.dispose();
  }

  snapshot(): EstimatorSnapshot {
    const state: GruState = {
      values: this.values.slice(),
      times: this.times.slice(),
      moments: this.moments.state(),
      residuals: this.residuals.state(),
      unscored: this.unscored.slice(),
      training: this.training.state(),
    };
    return { kind: KIND, version: VERSION, params: this.params, state };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, VERSION);
    const state = snapshot.state as GruState;
    this.training.restore(state.training);
    this.values = state.values.slice();
    this.times = state.times.slice();
    this.moments.restore(state.moments);
    this.residuals.restore(state.residuals);
    this.unscored = state.unscored.slice();
  }

  clone(): this {
    return new GruForecaster(this.params, this.clock) as this;
  }

  /** A row's inputs, raw: per step the value and the phase of the step after it. */
  private encode(values: readonly number[], nextTimes: readonly number[]): number[] {
    const x: number[] = [];
    values.forEach((value, i) => {
      const phase = (2 * Math.PI * ((nextTimes[i] ?? 0) % this.periodMs)) / this.periodMs;
      x.push(value, Math.sin(phase), Math.cos(phase));
    });
    return x;
  }

  /** Rows of raw inputs → a [rows, window, 3] tensor with the values standardised. */
  private inputTensor(rows: readonly (readonly number[])[]): tf.Tensor3D {
    const mean = this.moments.meanAt(0);
    const scale = this.moments.scaleAt(0);
    const flat = new Float32Array(rows.length * this.window * STEP_FEATURES);
    rows.forEach((x, r) => {
      x.forEach((v, i) => {
        flat[r * x.length + i] = i % STEP_FEATURES === 0 ? (v - mean) / scale : v;
      });
    });
    return tf.tensor3d(flat, [rows.length, this.window, STEP_FEATURES]);
  }

  /** Out-of-sample errors of the rows not trained on yet (before a round trains on them). */
  private scoreUnscored(): void {
    const rows = this.unscored;
    this.unscored = [];
    if (rows.length === 0 || !this.training.trained) return;
    const input = this.inputTensor(rows.map((r) => r.x));
    const predicted = this.training.network.predict(input);
    input.dispose();
    rows.forEach((r, i) => {
      const value = this.moments.unstandardise([predicted[i]?.[0] ?? 0])[0] ?? 0;
      this.residuals.add((r.y[0] ?? 0) - value);
    });
  }
}

function buildGru(window: number, units: number, seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.gru({
        inputShape: [window, STEP_FEATURES],
        units,
        kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(seed, 0) }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: layerSeed(seed, 1), gain: 1 }),
      }),
      tf.layers.dense({
        units: 1,
        kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(seed, 2) }),
      }),
    ],
  });
}

/** Registry entry: `--model gru-forecaster`. */
export const gruForecasterSpec: ModelSpec = {
  name: KIND,
  type: 'forecaster',
  description:
    'GRU forecaster (TensorFlow.js) over the last values and the time of day, trained online in micro-batches',
  params: {
    window: { type: 'integer', default: 24, min: 1, max: 512, description: 'past values per input' },
    units: { type: 'integer', default: 16, min: 1, max: 512, description: 'GRU units' },
    periodMs: {
      type: 'number',
      default: 86_400_000,
      min: 1,
      description: 'seasonal period of the phase features',
    },
    residualWindow: { type: 'integer', default: 500, min: 1, description: 'residuals kept for intervals' },
    ...trainingParamSpecs,
  },
  create: (params) => new GruForecaster(params),
};
