import type { Key } from '../../services/engine/api/functions.ts';
import { copyPlain } from '../../services/engine/state/copy-plain.ts';
import type { EstimatorSnapshot, OnlineEstimator } from '../core/estimator.ts';
import type { ModelHandle } from './model-handle.ts';

/** What a keyed operator keeps per key: anything holding an estimator (a model handle, a forecaster). */
export interface EstimatorHolder {
  readonly estimator: OnlineEstimator;
}

/** One key's model in a keyed model operator, with its key group cached (computed once per key). */
export interface KeyedModelEntry<M extends EstimatorHolder = ModelHandle> {
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
  model: EstimatorSnapshot,
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
 * Every key's model as plain data, by key group: `Map<group, SavedKeyedModel[]>`, with each key's
 * last-seen time from `lastSeenOf`. The model snapshots are copied, so that learning after the
 * call does not change them.
 *
 * @example
 * snapshotKeyedModels(new Map([['boiler-1', entry]]), (key) => expiry.lastSeenOf(key));
 * // { groups: Map { 17 => [['boiler-1', { kind: 'linear-regression', ... }, 42, 3, 1700000000000, true, 1700000000000]] }, keys: 1 }
 */
export function snapshotKeyedModels<K extends Key, M extends EstimatorHolder>(
  models: ReadonlyMap<K, KeyedModelEntry<M>>,
  lastSeenOf: (key: K) => number,
): { groups: Map<number, SavedKeyedModel<K>[]>; keys: number } {
  const groups = byKeyGroup(
    models,
    (key, entry): SavedKeyedModel<K> => [
      key,
      copyPlain(entry.model.estimator.snapshot()),
      entry.learned,
      entry.version,
      entry.lastTs,
      entry.dirty,
      lastSeenOf(key),
    ],
  );
  return { groups, keys: models.size };
}

/**
 * Reads back the key groups written by {@link snapshotKeyedModels}: for each saved key, `rebuild`
 * makes a fresh model from the key's group and the snapshot restores into it; `seen` gets the
 * key's last-seen time (the time learned for older checkpoints; undefined if neither is known).
 *
 * @example
 * restoreKeyedModels(restored.keyGroups, () => createModelHandle(spec, params), models, (k, t) => expiry.restore(k, t));
 */
export function restoreKeyedModels<K extends Key, M extends EstimatorHolder>(
  groups: Iterable<readonly [number, unknown]>,
  rebuild: (keyGroup: number) => M,
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
      model.estimator.restore(snapshot);
      into.set(key, { keyGroup, model, learned, version, lastTs, dirty });
      seen(key, typeof lastSeen === 'number' ? lastSeen : Number.isFinite(lastTs) ? lastTs : undefined);
    }
  }
}
