import * as tf from '@tensorflow/tfjs';
import { type Clock, systemClock } from '../../services/engine/time/clock.ts';
import type { EstimatorSnapshot, Regressor } from '../core/estimator.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';
import type { TrainsInBackground } from '../tf/background-training.ts';
import { FeatureSlots } from '../tf/feature-slots.ts';
import {
  layerSeed,
  NetworkTraining,
  type NetworkTrainingState,
  trainingParamSpecs,
  trainingParams,
} from '../tf/network-training.ts';
import { RunningMoments, type RunningMomentsState } from '../tf/running-moments.ts';

const KIND = 'mlp-regressor';
const VERSION = 1;

type Params = Readonly<Record<string, number | boolean | string>>;

interface MlpState {
  readonly features: readonly string[];
  readonly target: RunningMomentsState;
  readonly training: NetworkTrainingState;
}

/**
 * A multilayer perceptron regressor (TensorFlow.js dense layers, Adam, mean squared error),
 * trained in micro-batches from a replay buffer off the per-record path.
 *
 * - Inputs: named features take fixed input positions on first sight, up to `maxFeatures`
 *   (later new names are ignored); a missing feature is 0. Inputs are used as given: put a
 *   standard scaler before it (`scaler -> mlp-regressor`).
 * - Target: standardised with its running mean and deviation, so any unit works.
 * - Before the first training round `predictOne` returns the running mean of the target (0 at first).
 *
 * @example
 * const mlp = new MlpRegressor({ ...defaults, seed: 1 });
 * for (const { a, b } of stream) mlp.learnOne({ a, b }, 2 * a - b);
 * await mlp.whenIdle();
 * mlp.predictOne({ a: 1, b: 1 }); // ≈ 1
 */
export class MlpRegressor implements Regressor, TrainsInBackground {
  readonly kind = KIND;
  readonly params: Params;
  private readonly clock: Clock;
  private readonly slots: FeatureSlots;
  private readonly target = new RunningMoments(1);
  private readonly training: NetworkTraining;

  constructor(params: Params, clock: Clock = systemClock) {
    this.params = { ...params };
    this.clock = clock;
    this.slots = new FeatureSlots(params.maxFeatures as number);
    const training = trainingParams(params);
    this.training = new NetworkTraining({
      model: buildMlp(
        this.slots.capacity,
        params.hiddenUnits as number,
        params.hiddenLayers as number,
        training.seed,
      ),
      params: training,
      clock,
      toBatch: (rows) =>
        tf.tidy(() => ({
          xs: tf.tensor2d(rows.map((r) => r.x as number[])),
          ys: tf.tensor2d(rows.map((r) => this.target.standardise(r.y))),
        })),
    });
  }

  learnOne(x: Features, y: number): void {
    const vector = this.slots.encode(x, true);
    this.target.update([y]);
    this.training.trainer.add({ x: vector, y: [y] });
  }

  predictOne(x: Features): number {
    if (!this.training.trained) return this.target.meanAt(0);
    const input = tf.tensor2d([this.slots.encode(x, false)]);
    const [row] = this.training.network.predict(input);
    input.dispose();
    return this.target.unstandardise([row?.[0] ?? 0])[0] ?? 0;
  }

  /** The feature names by input position, in first-seen order. */
  get featureOrder(): readonly string[] {
    return this.slots.order;
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
    const state: MlpState = {
      features: this.slots.order.slice(),
      target: this.target.state(),
      training: this.training.state(),
    };
    return { kind: KIND, version: VERSION, params: this.params, state };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, VERSION);
    const state = snapshot.state as MlpState;
    this.training.restore(state.training);
    this.slots.restore(state.features);
    this.target.restore(state.target);
  }

  clone(): this {
    return new MlpRegressor(this.params, this.clock) as this;
  }
}

function buildMlp(inputs: number, units: number, layers: number, seed: number): tf.LayersModel {
  const model = tf.sequential();
  for (let i = 0; i < layers; i++) {
    model.add(
      tf.layers.dense({
        ...(i === 0 ? { inputShape: [inputs] } : {}),
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(seed, i) }),
      }),
    );
  }
  model.add(
    tf.layers.dense({
      ...(layers === 0 ? { inputShape: [inputs] } : {}),
      units: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(seed, layers) }),
    }),
  );
  return model;
}

/** Registry entry: `--model mlp-regressor`. */
export const mlpRegressorSpec: ModelSpec = {
  name: KIND,
  type: 'regressor',
  description: 'Multilayer perceptron (TensorFlow.js), trained online in micro-batches from a replay buffer',
  params: {
    hiddenUnits: { type: 'integer', default: 32, min: 1, max: 1024, description: 'units per hidden layer' },
    hiddenLayers: { type: 'integer', default: 2, min: 0, max: 8, description: 'hidden layers (ReLU)' },
    maxFeatures: {
      type: 'integer',
      default: 16,
      min: 1,
      max: 4096,
      description: 'input positions (feature cap)',
    },
    ...trainingParamSpecs,
  },
  create: (params) => new MlpRegressor(params),
};
