import type { EstimatorType } from '../core/model-spec.ts';
import { GLOBAL_MODEL_KEY, type ModelVersion } from './model-outputs.ts';
import type { ModelHistoryEntry, ModelRegistryLimits, ModelScopeName } from './model-registry-types.ts';

/**
 * One key's published versions: the metadata of the last `historyPerKey` (oldest first) and the
 * full records (snapshots) of the last `snapshotsPerKey`, the latest always among them.
 *
 * @example
 * const versions = new KeyVersions('boiler-1');
 * versions.record(version, DEFAULT_MODEL_REGISTRY_LIMITS);
 * versions.latest === version; // true
 */
export class KeyVersions {
  private readonly history: ModelHistoryEntry[] = [];
  private readonly kept: ModelVersion[] = [];

  constructor(readonly key: string) {}

  /** The latest version (there is one from the first `record` on). */
  get latest(): ModelVersion {
    return this.kept[this.kept.length - 1]!;
  }

  /**
   * Adds `version` as the latest. A version number not above the latest means the job went back
   * (restored from a checkpoint and published again): the versions from that number on are
   * forgotten first, so the history always reads as what the job published last.
   */
  record(version: ModelVersion, limits: ModelRegistryLimits): void {
    const rewind = (v: { version: number }) => v.version < version.version;
    if (this.history.length > 0 && !rewind(this.history[this.history.length - 1]!)) {
      keepWhere(this.history, rewind);
      keepWhere(this.kept, rewind);
    }
    this.history.push({
      version: version.version,
      ts: version.ts,
      learned: version.learned,
      snapshotKept: true,
    });
    this.kept.push(version);
    if (this.history.length > limits.historyPerKey) this.history.shift();
    if (this.kept.length > limits.snapshotsPerKey) {
      const dropped = this.kept.shift()!;
      const entry = this.history.find((h) => h.version === dropped.version);
      if (entry) this.history[this.history.indexOf(entry)] = { ...entry, snapshotKept: false };
    }
  }

  /** The kept history, newest first. */
  versions(): ModelHistoryEntry[] {
    return [...this.history].reverse();
  }

  /** The version's full record, `'expired'` if only its metadata is kept, `undefined` if unknown. */
  find(version: number): ModelVersion | 'expired' | undefined {
    const kept = this.kept.find((v) => v.version === version);
    if (kept) return kept;
    return this.history.some((h) => h.version === version) ? 'expired' : undefined;
  }
}

/** What a model is, from its declaration or else from its versions. */
export interface ModelIdentity {
  readonly estimator: string;
  readonly type: EstimatorType;
  readonly per: ModelScopeName;
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly scale: boolean;
  readonly coverage: number;
}

/**
 * One model's keys, least recently updated first, at most `maxKeysPerModel`: a new key past the
 * bound drops the key updated longest ago (it comes back with its next version).
 *
 * @example
 * const model = new ModelKeys('boiler-fit', identityOf(version), false);
 * model.record(version, DEFAULT_MODEL_REGISTRY_LIMITS);
 * model.get('boiler-1')?.latest.version; // version.version
 */
export class ModelKeys {
  private readonly keys = new Map<string, KeyVersions>();
  /** The version recorded last, of whichever key. */
  last: ModelVersion | undefined;
  evicted = 0;
  /** Records learned, summed over the kept keys' latest versions. */
  learned = 0;

  constructor(
    readonly name: string,
    public identity: ModelIdentity,
    public declared: boolean,
  ) {}

  get size(): number {
    return this.keys.size;
  }

  get(key: string): KeyVersions | undefined {
    return this.keys.get(key);
  }

  /** The only key's versions when the model is global (its one key is `*`). */
  globalKey(): KeyVersions | undefined {
    return this.keys.size === 1 ? this.keys.get(GLOBAL_MODEL_KEY) : undefined;
  }

  keyNames(): IterableIterator<string> {
    return this.keys.keys();
  }

  /** Records `version` as its key's latest. */
  record(version: ModelVersion, limits: ModelRegistryLimits): void {
    let entry = this.keys.get(version.key);
    if (entry) {
      this.keys.delete(version.key); // re-inserted below: the map stays in update order
      this.learned -= entry.latest.learned;
    } else {
      entry = new KeyVersions(version.key);
      if (this.keys.size >= limits.maxKeysPerModel) {
        const [oldest, dropped] = this.keys.entries().next().value!;
        this.keys.delete(oldest);
        this.learned -= dropped.latest.learned;
        this.evicted++;
      }
    }
    entry.record(version, limits);
    this.learned += version.learned;
    this.keys.set(version.key, entry);
    this.last = version;
    if (!this.declared) this.identity = identityOf(version);
  }
}

/**
 * What an undeclared model is, from one of its versions (`per` from the shape of its key).
 *
 * @example
 * identityOf({ ...version, key: '*' }).per; // 'global'
 */
export function identityOf(version: ModelVersion): ModelIdentity {
  return {
    estimator: version.estimator,
    type: version.type,
    per: scopeOfKey(version.key),
    params: version.snapshot.params,
    scale: version.snapshot.kind.includes('|'),
    coverage: 0.95,
  };
}

/**
 * `global` for `*`, `series` for `device/metric`, else `device`.
 *
 * @example
 * scopeOfKey('boiler-1/temperature'); // 'series'
 */
export function scopeOfKey(key: string): ModelScopeName {
  if (key === GLOBAL_MODEL_KEY) return 'global';
  return key.includes('/') ? 'series' : 'device';
}

/** Removes, in place, the items failing `keep`. */
function keepWhere<T>(items: T[], keep: (item: T) => boolean): void {
  let n = 0;
  for (const item of items) if (keep(item)) items[n++] = item;
  items.length = n;
}
