import type * as tf from '@tensorflow/tfjs';
import type { Clock } from '../../services/engine/time/clock.ts';
import type { ParamSpec } from '../core/model-spec.ts';
import { MicroBatchTrainer, type MicroBatchTrainerState } from './micro-batch-trainer.ts';
import {
  ReplayBuffer,
  type ReplayBufferState,
  type ReplayPolicy,
  type TrainingRow,
} from './replay-buffer.ts';
import { type NetworkState, TrainedNetwork } from './trained-network.ts';

/** The training hyperparameters every neural model shares. */
export interface TrainingParams {
  readonly learningRate: number;
  readonly batchSize: number;
  readonly stepsPerRound: number;
  readonly everySamples: number;
  readonly everyMs: number;
  readonly bufferCapacity: number;
  readonly bufferPolicy: ReplayPolicy;
  readonly seed: number;
}

/** {@link TrainingParams} as registry parameters, with their defaults. */
export const trainingParamSpecs: Readonly<Record<keyof TrainingParams, ParamSpec>> = {
  learningRate: { type: 'number', default: 0.005, min: 1e-6, max: 1, description: 'Adam learning rate' },
  batchSize: { type: 'integer', default: 32, min: 1, max: 4096, description: 'rows per optimizer step' },
  stepsPerRound: {
    type: 'integer',
    default: 1,
    min: 1,
    max: 1000,
    description: 'optimizer steps per training round',
  },
  everySamples: { type: 'integer', default: 32, min: 1, description: 'a round every this many samples...' },
  everyMs: {
    type: 'number',
    default: 5000,
    min: 0,
    description: '...or this long after an untrained sample (0: off)',
  },
  bufferCapacity: { type: 'integer', default: 2048, min: 1, description: 'replay buffer rows' },
  bufferPolicy: {
    type: 'string',
    default: 'fifo',
    choices: ['fifo', 'reservoir'],
    description: 'replay buffer policy',
  },
  seed: {
    type: 'integer',
    default: 42,
    description: 'seed of the initial weights and of the replay sampling',
  },
};

/** Reads the {@link TrainingParams} out of a model's parameters (already validated). */
export function trainingParams(params: Readonly<Record<string, unknown>>): TrainingParams {
  return {
    learningRate: params.learningRate as number,
    batchSize: params.batchSize as number,
    stepsPerRound: params.stepsPerRound as number,
    everySamples: params.everySamples as number,
    everyMs: params.everyMs as number,
    bufferCapacity: params.bufferCapacity as number,
    bufferPolicy: params.bufferPolicy as ReplayPolicy,
    seed: params.seed as number,
  };
}

/** The learned state of a {@link NetworkTraining}, JSON-safe. */
export interface NetworkTrainingState {
  readonly network: NetworkState;
  readonly buffer: ReplayBufferState;
  readonly trainer: MicroBatchTrainerState;
}

/** Turns sampled rows into an input and a target tensor (the caller disposes nothing: we do). */
export type BatchBuilder = (rows: readonly TrainingRow[]) => { xs: tf.Tensor; ys: tf.Tensor };

/**
 * What the three neural models share: a {@link TrainedNetwork}, its seeded replay buffer and its
 * micro-batch trainer, with one snapshot of all three.
 */
export class NetworkTraining {
  readonly network: TrainedNetwork;
  readonly trainer: MicroBatchTrainer;
  private readonly buffer: ReplayBuffer;

  constructor(options: {
    readonly model: tf.LayersModel;
    readonly params: TrainingParams;
    readonly clock: Clock;
    readonly toBatch: BatchBuilder;
    readonly beforeRound?: () => Promise<void> | void;
  }) {
    const { model, params, clock, toBatch } = options;
    this.network = new TrainedNetwork(model, params.learningRate);
    this.buffer = new ReplayBuffer({
      capacity: params.bufferCapacity,
      policy: params.bufferPolicy,
      seed: params.seed,
    });
    this.trainer = new MicroBatchTrainer({
      ...params,
      buffer: this.buffer,
      clock,
      step: async (rows) => {
        const { xs, ys } = toBatch(rows);
        try {
          await this.network.step(xs, ys);
        } finally {
          xs.dispose();
          ys.dispose();
        }
      },
      beforeRound: options.beforeRound,
      afterRound: () => this.network.capture(),
    });
  }

  /** True once at least one round has trained the network. */
  get trained(): boolean {
    return this.trainer.state().rounds > 0;
  }

  state(): NetworkTrainingState {
    return { network: this.network.state(), buffer: this.buffer.state(), trainer: this.trainer.state() };
  }

  restore(state: NetworkTrainingState): void {
    this.trainer.restore(state.trainer);
    this.buffer.restore(state.buffer);
    this.network.restore(state.network);
  }

  /** Stops training and frees every tensor (after the running round, if any). */
  async dispose(): Promise<void> {
    await this.trainer.close();
    await this.network.dispose();
  }
}

/** Layer `index`'s initialiser seed, derived from the model's seed (distinct per layer). */
export function layerSeed(seed: number, index: number): number {
  return (seed * 7919 + index * 104729) % 2147483647;
}
