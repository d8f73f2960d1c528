import type { Key } from '../api/functions.ts';
import { DeferredKeyGroup } from '../checkpoint/deferred-key-group.ts';

/** One checkpoint's capture: the entries not saved yet (with their keys), and those saved on a write. */
interface Capture<K extends Key, E, S> {
  readonly pending: Map<E, K>;
  readonly saved: Map<E, S>;
  groupsLeft: number;
}

/**
 * Checkpoints of per-key objects without a pause proportional to the keys (Flink's copy-on-write
 * heap snapshots, for operators that keep live objects: models, detectors, metric states).
 *
 * `begin` runs in the checkpoint's synchronous capture: it only lists the entries by key group and
 * returns, per group, a {@link DeferredKeyGroup} that the encoder resolves later, in its slices.
 * Meanwhile the operator keeps processing records, and calls `beforeWrite(key, entry)` before it
 * changes or removes an entry: an entry the capture still needs is saved then, as it was at the
 * barrier. A group resolves with those saved copies and `save` of the entries nobody touched
 * (unchanged since the barrier). So every entry is saved exactly once per checkpoint, either on
 * its first write or by the encoder, and the pause is one pass over the map (about 1 ms per
 * 10,000 keys instead of `save` of each).
 *
 * Entries must be objects that stay the same while their key lives (changed in place, never
 * replaced); entries added after `begin` are not in that checkpoint. A new `begin` while an
 * earlier capture is unresolved (an aborted checkpoint's) saves that capture's remaining entries
 * first, so no capture ever reads state newer than its barrier.
 *
 * @example
 * const capture = new CopyOnWriteCapture((key, entry) => [key, copyPlain(entry.model.snapshot())]);
 * // snapshotState: keyGroups = capture.begin(this.entries)
 * // on a record:   capture.beforeWrite(key, entry); entry.model.learn(x);
 */
export class CopyOnWriteCapture<K extends Key, E extends { readonly keyGroup: number }, S> {
  private current: Capture<K, E, S> | null = null;

  /**
   * `deferred` false: `begin` saves every entry at once (for objects that change between records,
   * such as models training in the background, whose state after the barrier is not the barrier's).
   */
  constructor(
    private readonly save: (key: K, entry: E) => S,
    private readonly options: { readonly deferred?: boolean } = {},
  ) {}

  /** Whether a capture still waits for entries to be saved. */
  get capturing(): boolean {
    return this.current !== null;
  }

  /**
   * Captures `entries` as they are now: their key groups, each a deferred list of `save` results
   * (or the list itself when not `deferred`).
   */
  begin(entries: ReadonlyMap<K, E>): Map<number, DeferredKeyGroup | S[]> {
    this.finishCurrent();
    const pending = new Map<E, K>();
    const members = new Map<number, E[]>();
    for (const [key, entry] of entries) {
      pending.set(entry, key);
      const group = members.get(entry.keyGroup);
      if (group === undefined) members.set(entry.keyGroup, [entry]);
      else group.push(entry);
    }
    if (pending.size === 0) return new Map();
    const capture: Capture<K, E, S> = { pending, saved: new Map(), groupsLeft: members.size };
    this.current = capture;
    const deferred = this.options.deferred ?? true;
    const groups = new Map<number, DeferredKeyGroup | S[]>();
    for (const [group, list] of members) {
      groups.set(
        group,
        deferred
          ? new DeferredKeyGroup(() => this.resolveGroup(capture, list))
          : this.resolveGroup(capture, list),
      );
    }
    return groups;
  }

  /** Call before changing or removing `entry` (the entry of `key`): saves it first if a capture needs it. */
  beforeWrite(key: K, entry: E): void {
    const capture = this.current;
    if (capture?.pending.delete(entry)) capture.saved.set(entry, this.save(key, entry));
  }

  private resolveGroup(capture: Capture<K, E, S>, list: readonly E[]): S[] {
    const out = new Array<S>(list.length);
    for (let i = 0; i < list.length; i++) {
      const entry = list[i] as E;
      const key = capture.pending.get(entry);
      if (key !== undefined) {
        capture.pending.delete(entry);
        out[i] = this.save(key, entry);
      } else {
        out[i] = capture.saved.get(entry) as S;
        capture.saved.delete(entry);
      }
    }
    if (--capture.groupsLeft === 0 && this.current === capture) this.current = null;
    return out;
  }

  /** Saves what the current capture has not saved yet, and stops it (its groups read the copies). */
  private finishCurrent(): void {
    const capture = this.current;
    if (capture === null) return;
    for (const [entry, key] of capture.pending) capture.saved.set(entry, this.save(key, entry));
    capture.pending.clear();
    this.current = null;
  }
}
