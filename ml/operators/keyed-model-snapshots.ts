import type { Key } from '../../services/engine/api/functions.ts';
import type { CapturedEntry } from '../../services/engine/state/copy-on-write-capture.ts';
import type { OnlineEstimator } from '../core/estimator.ts';
import type { SnapshotTemplate } from '../core/snapshot-template.ts';
import type { ModelHandle } from './model-handle.ts';

/** What a keyed operator keeps per key: anything holding an estimator (a model handle, a forecaster). */
export interface EstimatorHolder {
  readonly estimator: OnlineEstimator;
}

/** One key's model in a keyed model operator, with its key group cached (computed once per key). */
export interface KeyedModelEntry<M extends EstimatorHolder = ModelHandle> extends CapturedEntry {
  readonly keyGroup: number;
  readonly model: M;
  /** Records this model learned from. */
  learned: number;
  /** The last model version published for the key (0: none yet). */
  version: number;
  /** The latest event time the model learned (−∞ before any). */
  lastTs: number;
  /** Whether it learned since its last version. */
  dirty: boolean;
}

/**
 * How one key is stored in a key group of a snapshot: `[key, model snapshot, records learned,
 * version, latest time learned, learned since the version, last seen]` (version, time learned and
 * dirty absent in checkpoints written before model versions: version 0, never learned, clean;
 * last seen, the latest event time of the key's records for idle-key expiry, absent in those
 * written before it: the time learned stands in).
 */
export type SavedKeyedModel<K extends Key> = [
  key: K,
  model: unknown,
  learned: number,
  version?: number,
  lastTs?: number,
  dirty?: boolean,
  lastSeen?: number,
];

/**
 * Keyed state as a snapshot holds it: `save(key, entry)` of every entry, listed under its entry's
 * key group (what the keyed operators of this folder write into `OperatorSnapshot.keyGroups`).
 *
 * @example
 * byKeyGroup(new Map([['d1', { keyGroup: 17, n: 2 }]]), (key, e) => [key, e.n]); // Map { 17 => [['d1', 2]] }
 */
export function byKeyGroup<K, E extends { readonly keyGroup: number }, S>(
  entries: ReadonlyMap<K, E>,
  save: (key: K, entry: E) => S,
): Map<number, S[]> {
  const groups = new Map<number, S[]>();
  for (const [key, entry] of entries) {
    const saved = save(key, entry);
    const group = groups.get(entry.keyGroup);
    if (group === undefined) groups.set(entry.keyGroup, [saved]);
    else group.push(saved);
  }
  return groups;
}

/**
 * One key's model as plain data, with its last-seen time: what a key group of a keyed model
 * operator's snapshot lists. The model snapshot is copied (compacted against `template`), so that
 * learning after the call does not change it (see `CopyOnWriteCapture`).
 *
 * @example
 * saveKeyedModel('boiler-1', entry, 1700000000000, template);
 * // ['boiler-1', { '~learned': { weights: ... } }, 42, 3, 1700000000000, true, 1700000000000]
 */
export function saveKeyedModel<K extends Key, M extends EstimatorHolder>(
  key: K,
  entry: KeyedModelEntry<M>,
  lastSeen: number,
  template: SnapshotTemplate,
): SavedKeyedModel<K> {
  return [
    key,
    template.compact(entry.model.estimator.snapshot()),
    entry.learned,
    entry.version,
    entry.lastTs,
    entry.dirty,
    lastSeen,
  ];
}

/**
 * Reads back key groups of {@link saveKeyedModel} lists: for each saved key, `rebuild`
 * makes a fresh model from the key's group and the snapshot, expanded by `template`, restores into
 * it; `seen` gets the key's last-seen time (the time learned for older checkpoints; undefined if
 * neither is known).
 *
 * @example
 * restoreKeyedModels(restored.keyGroups, () => createModelHandle(spec, params), template, models, (k, t) => expiry.restore(k, t));
 */
export function restoreKeyedModels<K extends Key, M extends EstimatorHolder>(
  groups: Iterable<readonly [number, unknown]>,
  rebuild: (keyGroup: number) => M,
  template: SnapshotTemplate,
  into: Map<K, KeyedModelEntry<M>>,
  seen: (key: K, lastSeen: number | undefined) => void,
): void {
  for (const [keyGroup, data] of groups) {
    if (!Array.isArray(data)) throw new Error(`key group ${keyGroup}: expected a list of saved models`);
    for (const saved of data as SavedKeyedModel<K>[]) {
      const [
        key,
        snapshot,
        learned,
        version = 0,
        lastTs = Number.NEGATIVE_INFINITY,
        dirty = false,
        lastSeen,
      ] = saved;
      const model = rebuild(keyGroup);
      model.estimator.restore(template.expand(snapshot));
      into.set(key, { keyGroup, captureEpoch: 0, model, learned, version, lastTs, dirty });
      seen(key, typeof lastSeen === 'number' ? lastSeen : Number.isFinite(lastTs) ? lastTs : undefined);
    }
  }
}
