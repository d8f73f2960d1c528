import type { ModelVersion } from './model-outputs.ts';
import { ModelServingError, someOf } from './model-registry-errors.ts';
import type { KeyVersions, ModelKeys } from './model-registry-store.ts';
import type { ModelRegistryLimits } from './model-registry-types.ts';

/**
 * The model named `name`, or `EDDY_MODEL_NOT_FOUND` listing the known ones.
 *
 * @example
 * lookupModel(models, 'boiler-fit').size; // its number of keys
 */
export function lookupModel(models: ReadonlyMap<string, ModelKeys>, name: string): ModelKeys {
  const model = models.get(name);
  if (model) return model;
  const known = models.size === 0 ? 'there are none' : `the models are ${someOf(models.keys(), 20)}`;
  throw new ModelServingError(
    'EDDY_MODEL_NOT_FOUND',
    `No model named ${JSON.stringify(name)}: ${known} (GET /api/models lists them).`,
  );
}

/**
 * A key's versions. `key` may be left out only for a global model (its one key is `*`): for a
 * model per device or series a request must say which, even while it has a single key, so a
 * client's request does not change meaning when a second device appears.
 * `EDDY_MODEL_NOT_READY` before the model's first version, `EDDY_MODEL_KEY_REQUIRED`,
 * `EDDY_MODEL_KEY_NOT_FOUND`.
 *
 * @example
 * lookupKey(model, 'boiler-1', limits).latest.version; // 12
 */
export function lookupKey(
  model: ModelKeys,
  key: string | undefined,
  limits: ModelRegistryLimits,
): KeyVersions {
  const name = model.name;
  if (model.size === 0) {
    throw new ModelServingError(
      'EDDY_MODEL_NOT_READY',
      `Model "${name}" has published no version yet: it publishes one once it has learned something. ` +
        'Retry later (GET /api/models shows its latestVersion).',
    );
  }
  const entry = key === undefined ? model.globalKey() : model.get(key);
  if (entry) return entry;
  const keys = `it has ${model.size} key${model.size === 1 ? '' : 's'}, e.g. ${someOf(model.keyNames())}`;
  if (key === undefined) {
    throw new ModelServingError(
      'EDDY_MODEL_KEY_REQUIRED',
      `Model "${name}" keeps one model per ${model.identity.per}: name one with "key" ` +
        `(${keys}; GET /api/models/${name} lists them).`,
    );
  }
  throw new ModelServingError(
    'EDDY_MODEL_KEY_NOT_FOUND',
    `Model "${name}" has no version for key ${JSON.stringify(key)} (${keys}; GET /api/models/${name} lists them). ` +
      `A key appears with its first version; past ${limits.maxKeysPerModel} keys the one updated longest ago is dropped.`,
  );
}

/**
 * Version `version` of a key (default its latest): `EDDY_MODEL_VERSION_NOT_FOUND` when not in its
 * history, `EDDY_MODEL_SNAPSHOT_EXPIRED` when in it without its snapshot.
 *
 * @example
 * lookupVersion('boiler-fit', entry, 11, limits).snapshot;
 */
export function lookupVersion(
  name: string,
  entry: KeyVersions,
  version: number | undefined,
  limits: ModelRegistryLimits,
): ModelVersion {
  if (version === undefined) return entry.latest;
  const found = entry.find(version);
  if (found !== undefined && found !== 'expired') return found;
  const history = entry.versions();
  const where = `Model "${name}", key "${entry.key}"`;
  const next = `GET /api/models/${name}/versions?key=${encodeURIComponent(entry.key)}`;
  if (found === 'expired') {
    const kept = history.filter((h) => h.snapshotKept).map((h) => h.version);
    throw new ModelServingError(
      'EDDY_MODEL_SNAPSHOT_EXPIRED',
      `${where}: version ${version} is in the history, but its snapshot is no longer kept ` +
        `(snapshots of the latest ${limits.snapshotsPerKey} versions are: ${kept.join(', ')}); ask for one of those.`,
    );
  }
  const oldest = history[history.length - 1]?.version ?? entry.latest.version;
  throw new ModelServingError(
    'EDDY_MODEL_VERSION_NOT_FOUND',
    `${where} has no version ${version}: the versions kept are ${oldest} to ${entry.latest.version} (${next}).`,
  );
}
