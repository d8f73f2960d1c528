import * as tf from '@tensorflow/tfjs';
import { type Clock, systemClock } from '../../services/engine/time/clock.ts';
import type { EstimatorSnapshot, Transformer } from '../core/estimator.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';
import type { AnomalyScorer, TrainsInBackground } from '../tf/background-training.ts';
import { FeatureSlots } from '../tf/feature-slots.ts';
import {
  layerSeed,
  NetworkTraining,
  type NetworkTrainingState,
  trainingParamSpecs,
  trainingParams,
} from '../tf/network-training.ts';
import type { TrainingRow } from '../tf/replay-buffer.ts';
import { RunningMoments, type RunningMomentsState } from '../tf/running-moments.ts';

const KIND = 'dense-autoencoder';
const VERSION = 1;

type Params = Readonly<Record<string, number | boolean | string>>;

interface AutoencoderState {
  readonly features: readonly string[];
  readonly inputs: RunningMomentsState;
  readonly training: NetworkTrainingState;
}

/**
 * A dense autoencoder (TensorFlow.js: inputs → hidden → code → hidden → inputs, tanh, Adam, mean
 * squared error) for anomaly detection: `scoreOne(x)` is the reconstruction error, high for
 * examples unlike what it learned. Trained in micro-batches from a replay buffer off the
 * per-record path.
 *
 * - Inputs: named features take fixed positions on first sight, up to `maxFeatures` (later new
 *   names are ignored). Each is standardised with its own running mean and deviation (so the
 *   error weighs features alike whatever their units); a missing feature is 0 after that, i.e. at
 *   its mean, and is left out of the error.
 * - `scoreOne(x)`: mean squared reconstruction error over the known features present in `x`, in
 *   standard deviations squared; 0 before the first training round or when none is present.
 * - `transformOne(x)`: the reconstruction of every known feature, in the features' own units.
 *
 * @example
 * const ae = new DenseAutoencoder(params);
 * for (const x of normalTraffic) ae.learnOne(x);
 * await ae.whenIdle();
 * ae.scoreOne(outlier) > ae.scoreOne(typical); // true
 */
export class DenseAutoencoder implements Transformer, AnomalyScorer, TrainsInBackground {
  readonly kind = KIND;
  readonly params: Params;
  private readonly clock: Clock;
  private readonly slots: FeatureSlots;
  private readonly inputs: RunningMoments;
  private readonly training: NetworkTraining;

  constructor(params: Params, clock: Clock = systemClock) {
    this.params = { ...params };
    this.clock = clock;
    this.slots = new FeatureSlots(params.maxFeatures as number);
    this.inputs = new RunningMoments(this.slots.capacity);
    const training = trainingParams(params);
    this.training = new NetworkTraining({
      model: buildAutoencoder(
        this.slots.capacity,
        params.hiddenUnits as number,
        params.codeUnits as number,
        training.seed,
      ),
      params: training,
      clock,
      toBatch: (rows) =>
        tf.tidy(() => {
          const xs = tf.tensor2d(rows.map((r) => this.standardise(r)));
          return { xs, ys: xs.clone() };
        }),
    });
  }

  /** Learns `x` as normal (a row of raw values and a presence mask goes to the replay buffer). */
  learnOne(x: Features): void {
    const values = this.slots.encode(x, true);
    const present = this.slots.encode(presenceOf(x), false).map((p) => p === 1);
    this.inputs.update(values, present);
    this.training.trainer.add({ x: values, y: present.map((p) => (p ? 1 : 0)) });
  }

  scoreOne(x: Features): number {
    if (!this.training.trained) return 0;
    const row = { x: this.slots.encode(x, false), y: this.slots.encode(presenceOf(x), false) };
    const input = this.standardise(row);
    const present = row.y.reduce((n, p) => n + p, 0);
    if (present === 0) return 0;
    const output = this.reconstruct(input);
    let sum = 0;
    row.y.forEach((p, i) => {
      if (p === 1) sum += ((input[i] ?? 0) - (output[i] ?? 0)) ** 2;
    });
    return sum / present;
  }

  transformOne(x: Features): Features {
    const input = this.standardise({
      x: this.slots.encode(x, false),
      y: this.slots.encode(presenceOf(x), false),
    });
    const output = this.training.trained ? this.reconstruct(input) : input;
    return this.slots.decode(this.inputs.unstandardise(output));
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
    const state: AutoencoderState = {
      features: this.slots.order.slice(),
      inputs: this.inputs.state(),
      training: this.training.state(),
    };
    return { kind: KIND, version: VERSION, params: this.params, state };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, VERSION);
    const state = snapshot.state as AutoencoderState;
    this.training.restore(state.training);
    this.slots.restore(state.features);
    this.inputs.restore(state.inputs);
  }

  clone(): this {
    return new DenseAutoencoder(this.params, this.clock) as this;
  }

  /** Standardised values, 0 where the mask says absent. */
  private standardise(row: TrainingRow): number[] {
    return this.inputs.standardise(row.x).map((v, i) => (row.y[i] === 1 ? v : 0));
  }

  private reconstruct(input: readonly number[]): number[] {
    const tensor = tf.tensor2d([input as number[]]);
    const [output] = this.training.network.predict(tensor);
    tensor.dispose();
    return output ?? [];
  }
}

function presenceOf(x: Features): Record<string, number> {
  const present: Record<string, number> = {};
  for (const name in x) present[name] = 1;
  return present;
}

function buildAutoencoder(inputs: number, hidden: number, code: number, seed: number): tf.LayersModel {
  const dense = (index: number, units: number, activation: 'tanh' | 'linear', first = false) =>
    tf.layers.dense({
      ...(first ? { inputShape: [inputs] } : {}),
      units,
      activation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(seed, index) }),
    });
  return tf.sequential({
    layers: [
      dense(0, hidden, 'tanh', true),
      dense(1, code, 'tanh'),
      dense(2, hidden, 'tanh'),
      dense(3, inputs, 'linear'),
    ],
  });
}

/** Registry entry: `--model dense-autoencoder` (a transformer: it reconstructs its input). */
export const denseAutoencoderSpec: ModelSpec = {
  name: KIND,
  type: 'transformer',
  description:
    'Dense autoencoder (TensorFlow.js) trained online in micro-batches; scoreOne = reconstruction error (anomaly score)',
  params: {
    hiddenUnits: {
      type: 'integer',
      default: 16,
      min: 1,
      max: 1024,
      description: 'units of the outer hidden layers',
    },
    codeUnits: { type: 'integer', default: 4, min: 1, max: 256, description: 'units of the bottleneck' },
    maxFeatures: {
      type: 'integer',
      default: 16,
      min: 1,
      max: 4096,
      description: 'input positions (feature cap)',
    },
    ...trainingParamSpecs,
  },
  create: (params) => new DenseAutoencoder(params),
};
