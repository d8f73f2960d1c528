import type { Key } from '../api/functions.ts';
import type { Clock } from '../time/clock.ts';
import { type HeapKeyedStateBackend, VOID_NAMESPACE } from './heap-keyed-state-backend.ts';
import { isExpired, type StateTtlConfig, type TtlValue } from './state-ttl-config.ts';
import type { TtlIncrementalCleanup } from './ttl-incremental-cleanup.ts';

/** What every heap state handle of one operator shares. */
export interface HeapStateScope<K extends Key> {
  readonly backend: HeapKeyedStateBackend<K>;
  readonly clock: Clock;
  readonly cleanup: TtlIncrementalCleanup<K>;
}

/**
 * Base of the heap state handles: one registered slot of the backend, read and written for the
 * backend's current key under `namespace`, with optional TTL.
 */
export abstract class HeapState<K extends Key> {
  /** The namespace the handle acts on: `VOID_NAMESPACE` for plain keyed state (per-window state later). */
  namespace = VOID_NAMESPACE;
  protected readonly backend: HeapKeyedStateBackend<K>;

  constructor(
    protected readonly scope: HeapStateScope<K>,
    readonly slot: number,
    protected readonly ttl: StateTtlConfig | undefined,
  ) {
    this.backend = scope.backend;
  }

  clear(): void {
    this.backend.remove(this.slot, this.namespace);
  }

  /** TTL bookkeeping of one access: advances the incremental sweep; returns processing time now. */
  protected touch(ttl: StateTtlConfig): number {
    const now = this.scope.clock.now();
    this.scope.cleanup.sweep(ttl.cleanupSize, now);
    return now;
  }
}

/** A handle storing one value per key and namespace (value, reducing and aggregating state). */
export abstract class HeapSingleValueState<K extends Key, V> extends HeapState<K> {
  /** The stored value, `undefined` when none or expired (an expired one is removed). */
  protected read(): V | undefined {
    const ttl = this.ttl;
    if (ttl === undefined) return this.backend.get<V>(this.slot, this.namespace);
    const now = this.touch(ttl);
    const stored = this.backend.get<TtlValue<V>>(this.slot, this.namespace);
    if (stored === undefined) return undefined;
    if (isExpired(stored, ttl.ttlMs, now)) {
      this.backend.remove(this.slot, this.namespace);
      return undefined;
    }
    if (ttl.updateType === 'on-read-and-write') stored.ts = now;
    return stored.value;
  }

  protected write(value: V): void {
    const ttl = this.ttl;
    if (ttl === undefined) this.backend.put(this.slot, this.namespace, value);
    else this.backend.put<TtlValue<V>>(this.slot, this.namespace, { value, ts: this.touch(ttl) });
  }
}

/** Sweep rule of single-value states: the whole value goes once expired. */
export function pruneSingleValue(stored: unknown, ttlMs: number, now: number): unknown {
  return isExpired(stored as TtlValue<unknown>, ttlMs, now) ? undefined : stored;
}
