import type { Features } from '../core/features.ts';

/**
 * Maps named features to a network's fixed input positions, learned on first sight: a feature
 * takes the next free slot the first time it appears (new names within one record in sorted
 * order, so the key order of a record has no effect), up to `capacity` slots; features first seen
 * after that are ignored. A missing feature reads as 0: for a network over standardised features,
 * "at the mean". The network's input width is `capacity` from the start, so a new feature never
 * forces a rebuild (its slot's weights were there, multiplied by 0, until then).
 *
 * @example
 * const slots = new FeatureSlots(3);
 * slots.encode({ b: 2, a: 1 }, true); // [1, 2, 0]: a → 0, b → 1
 * slots.encode({ c: 5, b: 2 }, true); // [0, 2, 5]: c → 2; a missing → 0
 */
export class FeatureSlots {
  readonly capacity: number;
  private names: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`the feature cap must be an integer >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Names by slot, in the order they were first seen. */
  get order(): readonly string[] {
    return this.names;
  }

  /** The input vector for `x`; with `learn`, unseen names take free slots first. */
  encode(x: Features, learn: boolean): number[] {
    if (learn && this.names.length < this.capacity) {
      const unseen = Object.keys(x).filter((name) => !this.index.has(name));
      for (const name of unseen.sort()) {
        if (this.names.length >= this.capacity) break;
        this.index.set(name, this.names.length);
        this.names.push(name);
      }
    }
    const vector = new Array<number>(this.capacity).fill(0);
    for (const name in x) {
      const slot = this.index.get(name);
      if (slot !== undefined) vector[slot] = x[name] as number;
    }
    return vector;
  }

  /** Features from a vector, for the slots in use. */
  decode(vector: readonly number[]): Record<string, number> {
    const x: Record<string, number> = {};
    this.names.forEach((name, slot) => {
      x[name] = vector[slot] ?? 0;
    });
    return x;
  }

  restore(order: readonly string[]): void {
    if (order.length > this.capacity) {
      throw new RangeError(`the snapshot has ${order.length} features, the cap is ${this.capacity}`);
    }
    this.names = order.slice();
    this.index.clear();
    this.names.forEach((name, slot) => {
      this.index.set(name, slot);
    });
  }
}
