import { createRandom, type Random, randomFromState } from '../../services/common/random.ts';

/** One training example as plain numbers: inputs and targets (JSON-safe, so it goes in snapshots). */
export interface TrainingRow {
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/**
 * Which rows a full buffer keeps: `fifo` the latest `capacity` (follows drift), `reservoir` a
 * uniform sample of everything seen (Vitter's algorithm R: keeps old regimes too).
 */
export type ReplayPolicy = 'fifo' | 'reservoir';

/** A {@link ReplayBuffer}'s state, JSON-safe. */
export interface ReplayBufferState {
  readonly rows: readonly TrainingRow[];
  /** Rows offered since creation. */
  readonly seen: number;
  /** FIFO: index of the oldest row once full. */
  readonly head: number;
  readonly random: readonly number[];
}

/**
 * A bounded replay buffer: `add` is O(1) and never grows memory past `capacity` rows; `sample`
 * draws a micro-batch uniformly with replacement. Seeded: the same rows and seed give the same
 * samples.
 *
 * @example
 * const buffer = new ReplayBuffer({ capacity: 2, policy: 'fifo', seed: 1 });
 * buffer.add({ x: [1], y: [1] });
 * buffer.add({ x: [2], y: [2] });
 * buffer.add({ x: [3], y: [3] }); // drops x = [1]
 * buffer.size; // 2
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly policy: ReplayPolicy;
  private rows: TrainingRow[] = [];
  private seen = 0;
  private head = 0;
  private random: Random;

  constructor(options: { capacity: number; policy: ReplayPolicy; seed: number }) {
    if (!(Number.isInteger(options.capacity) && options.capacity >= 1)) {
      throw new RangeError(`replay buffer capacity must be an integer >= 1, got ${options.capacity}`);
    }
    this.capacity = options.capacity;
    this.policy = options.policy;
    this.random = createRandom(options.seed);
  }

  /** Rows held now. */
  get size(): number {
    return this.rows.length;
  }

  /** Rows offered since creation (kept or not). */
  get seenCount(): number {
    return this.seen;
  }

  add(row: TrainingRow): void {
    this.seen++;
    if (this.rows.length < this.capacity) {
      this.rows.push(row);
    } else if (this.policy === 'fifo') {
      this.rows[this.head] = row;
      this.head = (this.head + 1) % this.capacity;
    } else {
      const slot = this.random.int(this.seen);
      if (slot < this.capacity) this.rows[slot] = row;
    }
  }

  /** `count` rows drawn uniformly with replacement; empty when the buffer is. */
  sample(count: number): TrainingRow[] {
    if (this.rows.length === 0) return [];
    const batch: TrainingRow[] = [];
    for (let i = 0; i < count; i++) batch.push(this.rows[this.random.int(this.rows.length)] as TrainingRow);
    return batch;
  }

  state(): ReplayBufferState {
    return { rows: this.rows.slice(), seen: this.seen, head: this.head, random: this.random.state() };
  }

  restore(state: ReplayBufferState): void {
    if (state.rows.length > this.capacity) {
      throw new RangeError(
        `replay buffer state holds ${state.rows.length} rows, capacity is ${this.capacity}`,
      );
    }
    this.rows = state.rows.slice();
    this.seen = state.seen;
    this.head = state.head;
    this.random = randomFromState(state.random);
  }
}
