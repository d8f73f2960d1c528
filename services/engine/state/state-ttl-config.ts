/**
 * When a TTL-enabled value's timestamp is refreshed: on create and write only (Flink's
 * `OnCreateAndWrite`, the default), or also on every read (`OnReadAndWrite`).
 */
export type TtlUpdateType = 'on-create-and-write' | 'on-read-and-write';

export interface StateTtlOptions {
  /** Default `'on-create-and-write'`. */
  readonly updateType?: TtlUpdateType;
  /**
   * Keys the incremental sweep checks on each access of the state (Flink's
   * `cleanupIncrementally(cleanupSize, …)`). Default 5. Must be at least 2 for the sweep to outpace
   * a stream of always-new keys.
   */
  readonly cleanupSize?: number;
  /** Also sweep `cleanupSize` keys for every record the operator processes. Default false. */
  readonly cleanupOnEveryRecord?: boolean;
}

/**
 * Time-to-live of keyed state values, in processing time (the operator's `Clock`), as Flink's
 * `StateTtlConfig`. A value expires `ttlMs` after it was last written (or read, with
 * `'on-read-and-write'`); an expired value is never returned. Expired values are removed when
 * accessed, and by an incremental sweep that checks a few keys on every access of the state, so
 * state whose keys come and go (a fleet whose device ids rotate) keeps bounded memory.
 * List elements and map entries expire one by one.
 *
 * @example
 * const lastSeen = new ValueStateDescriptor<number | undefined>('last-seen')
 *   .enableTimeToLive(StateTtlConfig.of(60_000, { updateType: 'on-read-and-write' }));
 */
export class StateTtlConfig {
  readonly updateType: TtlUpdateType;
  readonly cleanupSize: number;
  readonly cleanupOnEveryRecord: boolean;

  private constructor(
    readonly ttlMs: number,
    options: StateTtlOptions,
  ) {
    if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
      throw new RangeError(`state TTL must be a finite number of ms > 0, got ${ttlMs}`);
    }
    this.updateType = options.updateType ?? 'on-create-and-write';
    if (this.updateType !== 'on-create-and-write' && this.updateType !== 'on-read-and-write') {
      throw new RangeError(
        `state TTL update type must be 'on-create-and-write' or 'on-read-and-write', got '${this.updateType}'`,
      );
    }
    this.cleanupSize = options.cleanupSize ?? 5;
    if (!(Number.isInteger(this.cleanupSize) && this.cleanupSize >= 0)) {
      throw new RangeError(`state TTL cleanupSize must be an integer >= 0, got ${this.cleanupSize}`);
    }
    this.cleanupOnEveryRecord = options.cleanupOnEveryRecord ?? false;
  }

  static of(ttlMs: number, options: StateTtlOptions = {}): StateTtlConfig {
    return new StateTtlConfig(ttlMs, options);
  }
}

/** How a TTL-enabled state stores each value (or each list element / map entry): JSON-safe. */
export interface TtlValue<T> {
  readonly value: T;
  /** Processing time of the last write (or read, with `'on-read-and-write'`). */
  ts: number;
}

/** Flink's rule: expired once `ts + ttl <= now`. */
export function isExpired(stored: TtlValue<unknown>, ttlMs: number, now: number): boolean {
  return stored.ts + ttlMs <= now;
}
