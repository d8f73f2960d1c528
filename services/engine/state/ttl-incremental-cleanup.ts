import type { Key } from '../api/functions.ts';
import type { Clock } from '../time/clock.ts';
import type { HeapKeyedStateBackend, SweepFunction } from './heap-keyed-state-backend.ts';
import type { StateTtlConfig } from './state-ttl-config.ts';

/** Drops what expired from one stored value; returns what is left, or `undefined` if nothing is. */
export type TtlPruneFunction = (stored: unknown, ttlMs: number, now: number) => unknown;

/**
 * The incremental sweep of TTL-enabled states (Flink's `cleanupIncrementally`): a lazy cursor over
 * all keys of the backend that advances a few keys whenever a TTL-enabled state is accessed (and,
 * if configured, on every record), removing what expired. Without it, state of keys that are never
 * seen again (rotating device ids) would only go on a full scan.
 *
 * @example
 * const cleanup = new TtlIncrementalCleanup(backend, clock);
 * cleanup.register(slot, StateTtlConfig.of(1_000), pruneSingleValue);
 * cleanup.sweep(5, clock.now()); // checks the next 5 keys
 */
export class TtlIncrementalCleanup<K extends Key> {
  private readonly sweepers: (SweepFunction | undefined)[] = [];
  private everyRecordSize = 0;
  private now = 0;

  constructor(
    private readonly backend: HeapKeyedStateBackend<K>,
    private readonly clock: Clock,
  ) {}

  /** Makes the sweep prune `slot`'s values with `prune`. */
  register(slot: number, ttl: StateTtlConfig, prune: TtlPruneFunction): void {
    const ttlMs = ttl.ttlMs;
    this.sweepers[slot] = (stored) => prune(stored, ttlMs, this.now);
    if (ttl.cleanupOnEveryRecord) this.everyRecordSize = Math.max(this.everyRecordSize, ttl.cleanupSize);
  }

  /** Checks the next `maxKeys` keys as of processing time `now`; returns the values removed. */
  sweep(maxKeys: number, now: number): number {
    if (maxKeys <= 0) return 0;
    this.now = now;
    return this.backend.sweep(maxKeys, this.sweepers);
  }

  /** Called by the operator per record: sweeps if a TTL config asked for `cleanupOnEveryRecord`. */
  onRecord(): void {
    if (this.everyRecordSize > 0) this.sweep(this.everyRecordSize, this.clock.now());
  }
}
