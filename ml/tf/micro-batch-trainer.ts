import type { Cancel, Clock } from '../../services/engine/time/clock.ts';
import type { ReplayBuffer, TrainingRow } from './replay-buffer.ts';

/** When and how much a {@link MicroBatchTrainer} trains. */
export interface MicroBatchSchedule {
  /** Rows per optimizer step. */
  readonly batchSize: number;
  /** Optimizer steps per round, each on a fresh sample of the buffer. */
  readonly stepsPerRound: number;
  /** A round starts once this many samples arrived since the last one... */
  readonly everySamples: number;
  /** ...or this long after the first sample not yet trained on (0: only by count). */
  readonly everyMs: number;
}

export interface MicroBatchTrainerOptions extends MicroBatchSchedule {
  readonly buffer: ReplayBuffer;
  /** One optimizer step on a micro-batch. */
  readonly step: (rows: readonly TrainingRow[]) => Promise<void>;
  /** Runs before a round's steps (e.g. to score the samples not yet trained on). */
  readonly beforeRound?: () => Promise<void> | void;
  /** Runs after a round's steps (e.g. to capture the weights for snapshots). */
  readonly afterRound?: () => Promise<void> | void;
  readonly clock: Clock;
  /** Runs a round later, off the caller's stack (default `setImmediate`). */
  readonly defer?: (run: () => void) => void;
}

/** A trainer's counters, JSON-safe (part of a model's snapshot). */
export interface MicroBatchTrainerState {
  readonly rounds: number;
  readonly steps: number;
  /** Samples added since the last round started. */
  readonly pending: number;
}

const deferToImmediate = (run: () => void): void => {
  setImmediate(run);
};

/**
 * Trains a network in micro-batches off the per-record path. `add` only appends to the bounded
 * replay buffer (O(1)); every `everySamples` samples or `everyMs` after an untrained sample, a
 * round is deferred (never run inside `add`): `stepsPerRound` optimizer steps, each on
 * `batchSize` rows sampled from the buffer. Never two rounds at once: samples arriving during a
 * round accumulate in the buffer and trigger the next round when it ends. A round blocks the
 * event loop only while TensorFlow.js computes (the CPU and WASM backends compute in-thread).
 *
 * @example
 * const trainer = new MicroBatchTrainer({ buffer, step, clock, batchSize: 32, stepsPerRound: 1, everySamples: 32, everyMs: 0 });
 * for (const row of rows) trainer.add(row); // returns at once
 * await trainer.whenIdle();                 // tests: every requested round has finished
 */
export class MicroBatchTrainer {
  private readonly options: MicroBatchTrainerOptions;
  private readonly defer: (run: () => void) => void;
  private rounds = 0;
  private steps = 0;
  private pending = 0;
  private busy = false;
  private cancelTimer: Cancel | undefined;
  private closed = false;
  private failure: unknown;
  private idleWaiters: Array<() => void> = [];

  constructor(options: MicroBatchTrainerOptions) {
    for (const key of ['batchSize', 'stepsPerRound', 'everySamples'] as const) {
      if (!(Number.isInteger(options[key]) && options[key] >= 1)) {
        throw new RangeError(`${key} must be an integer >= 1, got ${options[key]}`);
      }
    }
    if (!(options.everyMs >= 0)) throw new RangeError(`everyMs must be >= 0, got ${options.everyMs}`);
    this.options = options;
    this.defer = options.defer ?? deferToImmediate;
  }

  /** Appends one sample; may schedule a round, never runs one. */
  add(row: TrainingRow): void {
    this.options.buffer.add(row);
    this.pending++;
    if (this.busy || this.closed) return;
    if (this.pending >= this.options.everySamples) this.requestRound();
    else this.armTimer();
  }

  /** Schedules a round now if samples are waiting (tests, and before a final snapshot). */
  flush(): void {
    if (this.pending > 0 && !this.busy && !this.closed) this.requestRound();
  }

  /** True while a round is scheduled or running. */
  get training(): boolean {
    return this.busy;
  }

  /**
   * Resolves once no round is scheduled or running; rejects with the error of a round that failed
   * since the last call (the trainer itself keeps going).
   */
  whenIdle(): Promise<void> {
    const settle = (): Promise<void> => {
      const failure = this.failure;
      this.failure = undefined;
      return failure === undefined ? Promise.resolve() : Promise.reject(failure);
    };
    if (!this.busy) return settle();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve)).then(settle);
  }

  state(): MicroBatchTrainerState {
    return { rounds: this.rounds, steps: this.steps, pending: this.pending };
  }

  /** Restores the counters (the buffer is restored by its owner); call on an idle trainer. */
  restore(state: MicroBatchTrainerState): void {
    if (this.busy)
      throw new Error('cannot restore a trainer during a training round: await whenIdle() first');
    this.rounds = state.rounds;
    this.steps = state.steps;
    this.pending = state.pending;
  }

  /** Stops scheduling rounds; resolves once the running one (if any) has finished. */
  close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    return this.whenIdle().catch(() => {});
  }

  private armTimer(): void {
    if (this.options.everyMs === 0 || this.cancelTimer) return;
    this.cancelTimer = this.options.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      if (!this.busy && !this.closed && this.pending > 0) this.requestRound();
    }, this.options.everyMs);
  }

  private requestRound(): void {
    this.busy = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.defer(() => {
      void this.runRound();
    });
  }

  private async runRound(): Promise<void> {
    const { buffer, step, beforeRound, afterRound, batchSize, stepsPerRound } = this.options;
    try {
      if (this.closed) return;
      this.pending = 0;
      await beforeRound?.();
      for (let i = 0; i < stepsPerRound; i++) {
        await step(buffer.sample(batchSize));
        this.steps++;
      }
      this.rounds++;
      await afterRound?.();
    } catch (error) {
      this.failure = error;
    } finally {
      this.busy = false;
      if (!this.closed && this.pending >= this.options.everySamples) this.requestRound();
      else if (!this.closed && this.pending > 0) this.armTimer();
      if (!this.busy) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }
}
