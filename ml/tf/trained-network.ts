import * as tf from '@tensorflow/tfjs';

/** One tensor's values and shape, JSON-safe. */
export interface TensorState {
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

/** A network's learned state, JSON-safe: its weights and its Adam optimizer's moments. */
export interface NetworkState {
  readonly weights: readonly TensorState[];
  /** Adam's iteration count, then first and second moments (empty before the first step). */
  readonly optimizer: { readonly iterations: number; readonly moments: readonly TensorState[] };
}

/**
 * A Layers model with its own Adam optimizer, trained by {@link TrainedNetwork.step} (mean squared
 * error), and a copy of its state taken between steps ({@link TrainedNetwork.capture}) so that a
 * snapshot taken during a training round is still consistent (weights and moments from the same
 * step). Restoring replaces the weights at once and the optimizer before the next step.
 */
export class TrainedNetwork {
  readonly model: tf.LayersModel;
  private readonly learningRate: number;
  private optimizer: tf.AdamOptimizer;
  private optimizerRestored: Promise<void> = Promise.resolve();
  private captured: NetworkState;

  constructor(model: tf.LayersModel, learningRate: number) {
    this.model = model;
    this.learningRate = learningRate;
    this.optimizer = tf.train.adam(learningRate);
    this.captured = { weights: this.readWeights(), optimizer: { iterations: 0, moments: [] } };
  }

  /** One Adam step on `xs` → `ys` (mean squared error). Disposes every tensor it makes. */
  async step(xs: tf.Tensor, ys: tf.Tensor): Promise<void> {
    await this.optimizerRestored;
    // Only this model's variables: without a list, tfjs would train every variable in the process.
    const variables = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = this.optimizer.minimize(
      () => {
        const predicted = this.model.apply(xs, { training: true }) as tf.Tensor;
        return tf.losses.meanSquaredError(ys, predicted) as tf.Scalar;
      },
      true,
      variables,
    );
    loss?.dispose();
  }

  /** Predictions for a batch, as plain rows (disposes its tensors). */
  predict(xs: tf.Tensor): number[][] {
    const out = tf.tidy(() => this.model.predict(xs) as tf.Tensor);
    const rows = out.arraySync() as number[][];
    out.dispose();
    return rows;
  }

  /** Copies the current weights and optimizer state for {@link state}; call between steps. */
  async capture(): Promise<void> {
    const named = await this.optimizer.getWeights();
    const [iterations, ...moments] = named;
    const iterationCount = iterations ? (iterations.tensor.dataSync()[0] ?? 0) : 0;
    iterations?.tensor.dispose(); // a fresh scalar; the moments are the optimizer's own variables
    this.captured = {
      weights: this.readWeights(),
      optimizer: { iterations: iterationCount, moments: moments.map((m) => toState(m.tensor)) },
    };
  }

  /** The state as of the last {@link capture} (or construction / restore). */
  state(): NetworkState {
    return this.captured;
  }

  /** Replaces the weights now and the optimizer's state before the next step. */
  restore(state: NetworkState): void {
    const current = this.model.getWeights();
    if (state.weights.length !== current.length) {
      throw new Error(
        `the snapshot has ${state.weights.length} weight tensors, the network ${current.length}`,
      );
    }
    state.weights.forEach((w, i) => {
      const expected = current[i]?.shape ?? [];
      if (JSON.stringify(w.shape) !== JSON.stringify(expected)) {
        throw new Error(`weight ${i}: the snapshot's shape [${w.shape}] is not the network's [${expected}]`);
      }
    });
    const tensors = state.weights.map(fromState);
    this.model.setWeights(tensors);
    tf.dispose(tensors);
    this.optimizer.dispose();
    const optimizer = tf.train.adam(this.learningRate);
    this.optimizer = optimizer;
    const named = [
      { name: 'iter', tensor: tf.scalar(state.optimizer.iterations, 'int32') },
      ...state.optimizer.moments.map((m, i) => ({ name: `moment-${i}`, tensor: fromState(m) })),
    ];
    this.optimizerRestored = optimizer
      .setWeights(named)
      .finally(() => tf.dispose(named.map((n) => n.tensor)));
    this.captured = state;
  }

  /** Frees the model's and the optimizer's tensors. */
  async dispose(): Promise<void> {
    await this.optimizerRestored.catch(() => {});
    this.optimizer.dispose();
    this.model.dispose();
  }

  private readWeights(): TensorState[] {
    return this.model.getWeights().map(toState);
  }
}

function toState(tensor: tf.Tensor): TensorState {
  return { shape: tensor.shape.slice(), values: Array.from(tensor.dataSync()) };
}

function fromState(state: TensorState): tf.Tensor {
  return tf.tensor(state.values as number[], state.shape as number[]);
}
