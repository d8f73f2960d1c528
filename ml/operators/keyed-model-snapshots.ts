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
 * version, latest time learned, learned since the version]` (the last three absent in checkpoints
 * written before model versions: version 0, never learned, clean).
 */
export type SavedKeyedModel<K extends Key> = [
  key: K,
  model: EstimatorSnapshot,
  learned: number,
  version?: number,
  lastTs?: number,
  dirty?: boolean,
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
 * Every key's model as plain data, by key group: `Map<group, SavedKeyedModel[]>`. The model
 * snapshots are copied, so that learning after the call does not change them.
 *
 * @example
 * snapshotKeyedModels(new Map([['boiler-1', entry]]));
 * // { groups: Map { 17 => [['boiler-1', { kind: 'linear-regression', ... }, 42, 3, 1700000000000, true]] }, keys: 1 }
 */
export function snapshotKeyedModels<K extends Key, M extends EstimatorHolder>(
  models: ReadonlyMap<K, KeyedModelEntry<M>>,
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
    ],
  );
  return { groups, keys: models.size };
}

/**
 * Reads back the key groups written by {@link snapshotKeyedModels}: for each saved key, `rebuild`
 * makes a fresh model from the key's group and the snapshot restores into it.
 *
 * @example
 * restoreKeyedModels(restored.keyGroups, () => createModelHandle(spec, params), models);
 */
export function restoreKeyedModels<K extends Key, M extends EstimatorHolder>(
  groups: Iterable<readonly [number, unknown]>,
  rebuild: (keyGroup: number) => M,
  into: Map<K, KeyedModelEntry<M>>,
): void {
  for (const [keyGroup, data] of groups) {
    if (!Array.isArray(data)) throw new Error(`key group ${keyGroup}: expected a list of saved models`);
    for (const saved of data as SavedKeyedModel<K>[]) {
      const [key, snapshot, learned, version = 0, lastTs = Number.NEGATIVE_INFINITY, dirty = false] = saved;
      const model = rebuild(keyGroup);
      model.estimator.restore(snapshot);
      into.set(key, { keyGroup, model, learned, version, lastTs, dirty });
    }
  }
}
