/**
 * A key group's state that a checkpoint reads after its capture rather than during it: the value
 * an operator may put in `OperatorSnapshot.keyGroups` when copying its state in the pause would
 * stall records (see `CopyOnWriteCapture`). The encoder resolves it in a slice of its own, off the
 * pause; the operator guarantees the value is the state as of the barrier, whatever it processed
 * since. Resolved once: later calls return the same value.
 *
 * @example
 * keyGroups.set(17, new DeferredKeyGroup(() => saveGroup(17)));
 * resolveKeyGroup(keyGroups.get(17)); // the saved list, computed now
 */
export class DeferredKeyGroup {
  private resolved = false;
  private value: unknown;

  constructor(private readonly compute: () => unknown) {}

  resolve(): unknown {
    if (!this.resolved) {
      this.value = this.compute();
      this.resolved = true;
    }
    return this.value;
  }
}

/** A key group's state: `state` itself, or what it resolves to when deferred. */
export function resolveKeyGroup(state: unknown): unknown {
  return state instanceof DeferredKeyGroup ? state.resolve() : state;
}

/** Every key group resolved (for inspection and tests: the encoder resolves one group at a time). */
export function resolveKeyGroups(groups: ReadonlyMap<number, unknown>): Map<number, unknown> {
  const resolved = new Map<number, unknown>();
  for (const [group, state] of groups) resolved.set(group, resolveKeyGroup(state));
  return resolved;
}
