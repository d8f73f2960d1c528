import type { Key } from '../api/functions.ts';
import { DeferredKeyGroup } from '../checkpoint/deferred-key-group.ts';

/**
 * What a copy-on-write capture needs of an entry: its key group, and a field the capture marks it
 * with. Initialise `captureEpoch` to 0 when the entry is made; only the capture writes it.
 */
export interface CapturedEntry {
  readonly keyGroup: number;
  /** The capture that has yet to save this entry (its epoch), or 0. */
  captureEpoch: number;
}

/** One key group of a capture: its keys and entries, in the same order. */
interface CapturedGroup<K, E> {
  readonly keys: K[];
  readonly entries: E[];
}

/**
 * One checkpoint's capture: its epoch (the mark of the entries it has yet to save), the copies
 * saved on a write, and its groups until they resolve.
 */
interface Capture<K extends Key, E, S> {
  readonly epoch: number;
  readonly saved: Map<E, S>;
  readonly groups: CapturedGroup<K, E>[];
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
 * its first write or by the encoder, and the pause is one pass over the map that marks each
 * entry with the capture's epoch (well under 1 ms per 10,000 keys, instead of `save` of each).
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
export class CopyOnWriteCapture<K extends Key, E extends CapturedEntry, S> {
  private current: Capture<K, E, S> | null = null;
  private epoch = 0;

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
   * (or the list itself when not `deferred`). Marks each entry with the capture's epoch: one
   * field write per entry, where a map of the pending entries cost 2–6 ms per 10,000 keys.
   */
  begin(entries: ReadonlyMap<K, E>): Map<number, DeferredKeyGroup | S[]> {
    this.finishCurrent();
    if (entries.size === 0) return new Map();
    const epoch = ++this.epoch;
    const byGroup = new Map<number, CapturedGroup<K, E>>();
    for (const [key, entry] of entries) {
      entry.captureEpoch = epoch;
      const group = byGroup.get(entry.keyGroup);
      if (group === undefined) byGroup.set(entry.keyGroup, { keys: [key], entries: [entry] });
      else {
        group.keys.push(key);
        group.entries.push(entry);
      }
    }
    const capture: Capture<K, E, S> = {
      epoch,
      saved: new Map(),
      groups: [...byGroup.values()],
      groupsLeft: byGroup.size,
    };
    this.current = capture;
    const deferred = this.options.deferred ?? true;
    const groups = new Map<number, DeferredKeyGroup | S[]>();
    for (const [id, group] of byGroup) {
      groups.set(
        id,
        deferred
          ? new DeferredKeyGroup(() => this.resolveGroup(capture, group))
          : this.resolveGroup(capture, group),
      );
    }
    return groups;
  }

  /** Call before changing or removing `entry` (the entry of `key`): saves it first if a capture needs it. */
  beforeWrite(key: K, entry: E): void {
    const capture = this.current;
    if (capture !== null && entry.captureEpoch === capture.epoch) {
      entry.captureEpoch = 0;
      capture.saved.set(entry, this.save(key, entry));
    }
  }

  private resolveGroup(capture: Capture<K, E, S>, group: CapturedGroup<K, E>): S[] {
    const { keys, entries } = group;
    const out = new Array<S>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as E;
      if (entry.captureEpoch === capture.epoch) {
        entry.captureEpoch = 0;
        out[i] = this.save(keys[i] as K, entry);
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
    for (const { keys, entries } of capture.groups) {
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i] as E;
        if (entry.captureEpoch !== capture.epoch) continue;
        entry.captureEpoch = 0;
        capture.saved.set(entry, this.save(keys[i] as K, entry));
      }
    }
    this.current = null;
  }
}
