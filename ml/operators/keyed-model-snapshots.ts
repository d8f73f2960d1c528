import type { Key } from '../../services/engine/api/functions.ts';
import { copyPlain } from '../../services/engine/state/copy-plain.ts';
import type { EstimatorSnapshot } from '../core/estimator.ts';
import type { ModelHandle } from './model-handle.ts';

/** One key's model in a keyed model operator, with its key group cached (computed once per key). */
export interface KeyedModelEntry {
  readonly keyGroup: number;
  readonly model: ModelHandle;
  /** Records this model learned from. */
  learned: number;
}

/** How one key is stored in a key group of a snapshot: `[key, model snapshot, records learned]`. */
export type SavedKeyedModel<K extends Key> = [key: K, model: EstimatorSnapshot, learned: number];

/**
 * Every key's model as plain data, by key group: `Map<group, [key, snapshot, learned][]>`. The
 * model snapshots are copied, so that learning after the call does not change them.
 *
 * @example
 * snapshotKeyedModels(new Map([['boiler-1', entry]]));
 * // { groups: Map { 17 => [['boiler-1', { kind: 'linear-regression', ... }, 42]] }, keys: 1 }
 */
export function snapshotKeyedModels<K extends Key>(
  models: ReadonlyMap<K, KeyedModelEntry>,
): { groups: Map<number, SavedKeyedModel<K>[]>; keys: number } {
  const groups = new Map<number, SavedKeyedModel<K>[]>();
  for (const [key, entry] of models) {
    const saved: SavedKeyedModel<K> = [key, copyPlain(entry.model.estimator.snapshot()), entry.learned];
    const group = groups.get(entry.keyGroup);
    if (group === undefined) groups.set(entry.keyGroup, [saved]);
    else group.push(saved);
  }
  return { groups, keys: models.size };
}

/**
 * Reads back the key groups written by {@link snapshotKeyedModels}: for each saved key, `rebuild`
 * makes a fresh model from the key's group and the snapshot restores into it.
 */
export function restoreKeyedModels<K extends Key>(
  groups: Iterable<readonly [number, unknown]>,
  rebuild: (keyGroup: number) => ModelHandle,
  into: Map<K, KeyedModelEntry>,
): void {
  for (const [keyGroup, data] of groups) {
    if (!Array.isArray(data)) throw new Error(`key group ${keyGroup}: expected a list of saved models`);
    for (const saved of data as SavedKeyedModel<K>[]) {
      const [key, snapshot, learned] = saved;
      const model = rebuild(keyGroup);
      model.estimator.restore(snapshot);
      into.set(key, { keyGroup, model, learned });
    }
  }
}
