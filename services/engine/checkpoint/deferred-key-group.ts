/**
 * A key group's state that a checkpoint reads after its capture rather than during it: the value
 * an operator may put in `OperatorSnapshot.keyGroups` when copying its state in the pause would
 * stall records (see `CopyOnWriteCapture`). The encoder resolves it in a slice of its own, off the
 * pause; the operator guarantees the value is the state as of the barrier, whatever it processed
 * since. Resolved once: later calls return the same value, until the encoder `take`s it.
 *
 * @example
 * keyGroups.set(17, new DeferredKeyGroup(() => saveGroup(17)));
 * resolveKeyGroup(keyGroups.get(17)); // the saved list, computed now
 */
export class DeferredKeyGroup {
  /** What computes the value; dropped once it did (or once the group is taken). */
  private compute: (() => unknown) | undefined;
  private value: unknown;
  private taken = false;

  constructor(compute: () => unknown) {
    this.compute = compute;
  }

  resolve(): unknown {
    if (this.taken) {
      throw new Error(
        'this key group was taken by the checkpoint encoder (DeferredKeyGroup.take): its state is in the encoded snapshot',
      );
    }
    const compute = this.compute;
    if (compute !== undefined) {
      this.value = compute();
      this.compute = undefined;
    }
    return this.value;
  }

  /**
   * Resolves, then lets go of the value and of what computes it (deferred groups nested in it
   * included): for an encoder that packs the group once. A checkpoint's snapshot lives until its
   * sinks flushed (up to seconds), and the resolved values of 40,000 keys would live with it:
   * promoted to the old generation, every checkpoint, for a major collection to find.
   */
  take(): unknown {
    const value = this.resolve();
    this.taken = true;
    this.value = undefined;
    return value;
  }
}

/** A key group's state: `state` itself, or what it resolves to when deferred. */
export function resolveKeyGroup(state: unknown): unknown {
  return state instanceof DeferredKeyGroup ? state.resolve() : state;
}

/** A key group's state for an encoder that packs it once: a deferred group is taken (see {@link DeferredKeyGroup.take}). */
export function takeKeyGroup(state: unknown): unknown {
  return state instanceof DeferredKeyGroup ? state.take() : state;
}

/** Every key group resolved (for inspection and tests: the encoder resolves one group at a time). */
export function resolveKeyGroups(groups: ReadonlyMap<number, unknown>): Map<number, unknown> {
  const resolved = new Map<number, unknown>();
  for (const [group, state] of groups) resolved.set(group, resolveKeyGroup(state));
  return resolved;
}
