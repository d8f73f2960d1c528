import type { Key } from '../api/functions.ts';
import { popTime, pushTime } from '../time/time-heap.ts';
import { MAX_WATERMARK } from '../time/watermark.ts';

/** Expiry is checked on a grid of this many steps per TTL: a key goes at most `ttl / 64` late. */
const STEPS_PER_TTL = 64;

/**
 * Idle-key expiry in event time, for operators that keep their own per-key objects (models,
 * detectors, metric states) rather than state-backend values: each key's last-seen time (the
 * latest event time of its records), and the keys whose last record is older than `ttlMs` dropped
 * when the watermark passes, with everything the operator holds for them.
 *
 * - Same rule as the engine's `StateTtlConfig` (a value expires once `ts + ttl <= now`), in event
 *   time (the operator's watermark) instead of processing time: deterministic, so a replay or a
 *   restored job drops the same keys at the same watermark.
 * - Incremental: keys are indexed by expiry time, rounded up to a grid of `ttlMs / 64` (a bucket
 *   of keys per grid step, a heap of the steps, as the engine's timers are kept), so a watermark
 *   visits only the keys that expire, and a record moves its key only when it crosses a step.
 *   A key is dropped at the first watermark at or after `lastSeen + ttlMs` rounded up to the grid.
 * - The final watermark (end of input) expires nothing: a bounded job's last checkpoint keeps its
 *   state.
 * - Last-seen times are kept even when expiry is off (`ttlMs` undefined), so they are in every
 *   snapshot and expiry can be turned on at a restore.
 *
 * A key that comes back after it expired is a new key: the operator builds its state afresh.
 *
 * @example
 * const expiry = new IdleKeyExpiry<string>(3_600_000);
 * expiry.seen('d1', 1_000);
 * expiry.expire(1_000 + 3_600_000, (key) => models.delete(key)); // 1 ('d1' dropped)
 */
export class IdleKeyExpiry<K extends Key> {
  private readonly stepMs: number;
  /** Each key's latest event time (−∞: restored without one, placed at the next watermark). */
  private readonly lastSeen = new Map<K, number>();
  /** Keys by expiry time (a grid step): emptied buckets stay until their time passes. */
  private readonly buckets = new Map<number, Set<K>>();
  private readonly heap: number[] = [];
  private readonly unplaced = new Set<K>();
  private dropped = 0;

  /** `ttlMs` undefined: keys never expire (last-seen times are still kept). */
  constructor(readonly ttlMs?: number) {
    if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
      throw new RangeError(`state TTL must be a finite number of ms > 0, got ${ttlMs}`);
    }
    this.stepMs = ttlMs === undefined ? 1 : Math.max(1, Math.ceil(ttlMs / STEPS_PER_TTL));
  }

  /** Keys tracked (every key the operator holds). */
  get size(): number {
    return this.lastSeen.size;
  }

  /** Keys dropped so far (the operator's `keysExpired`). */
  get expired(): number {
    return this.dropped;
  }

  /** The latest event time of `key`'s records, for snapshots (−∞ when unknown). */
  lastSeenOf(key: K): number {
    return this.lastSeen.get(key) ?? Number.NEGATIVE_INFINITY;
  }

  /** The event time `key` expires at, if it is tracked and expiry is on. */
  expiresAt(key: K): number | undefined {
    const last = this.lastSeen.get(key);
    return last === undefined || this.ttlMs === undefined ? undefined : this.deadline(last);
  }

  /** A record of `key` at event time `ts` (older records do not move its last-seen time back). */
  seen(key: K, ts: number): void {
    const before = this.lastSeen.get(key);
    if (before !== undefined && !(ts > before)) return;
    this.place(key, before, ts);
  }

  /**
   * A key restored from a snapshot with its last-seen time (not finite: a checkpoint written before
   * last-seen times were kept; the key counts as seen at the first watermark after the restore).
   */
  restore(key: K, lastSeen: number | undefined): void {
    if (lastSeen === undefined || !Number.isFinite(lastSeen)) {
      if (!this.lastSeen.has(key)) this.lastSeen.set(key, Number.NEGATIVE_INFINITY);
      this.unplaced.add(key);
      return;
    }
    this.seen(key, lastSeen);
  }

  /** Forgets `key` without counting it as expired (the operator dropped it for another reason). */
  forget(key: K): void {
    const last = this.lastSeen.get(key);
    if (last === undefined) return;
    this.lastSeen.delete(key);
    this.unplaced.delete(key);
    if (this.ttlMs !== undefined && Number.isFinite(last)) this.buckets.get(this.deadline(last))?.delete(key);
  }

  /**
   * Drops, through `drop`, every key whose expiry time is at or before `watermark`; returns how
   * many. `lastSeenOf` still answers for the key during its `drop`. Nothing expires with expiry
   * off, nor at the final watermark.
   */
  expire(watermark: number, drop: (key: K) => void): number {
    if (this.ttlMs === undefined || watermark >= MAX_WATERMARK) return 0;
    if (this.unplaced.size > 0) {
      for (const key of this.unplaced) this.place(key, undefined, watermark);
      this.unplaced.clear();
    }
    let count = 0;
    const heap = this.heap;
    while (heap.length > 0 && heap[0]! <= watermark) {
      const time = popTime(heap);
      const bucket = this.buckets.get(time);
      if (bucket === undefined) continue;
      this.buckets.delete(time);
      for (const key of bucket) {
        drop(key); // first: `drop` may still read the key's last-seen time (a checkpoint's copy)
        this.lastSeen.delete(key);
        count++;
      }
    }
    this.dropped += count;
    return count;
  }

  private place(key: K, before: number | undefined, ts: number): void {
    this.lastSeen.set(key, ts);
    if (before === Number.NEGATIVE_INFINITY) this.unplaced.delete(key);
    if (this.ttlMs === undefined) return;
    const to = this.deadline(ts);
    if (before !== undefined && Number.isFinite(before)) {
      const from = this.deadline(before);
      if (from === to) return;
      this.buckets.get(from)?.delete(key);
    }
    let bucket = this.buckets.get(to);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(to, bucket);
      pushTime(this.heap, to);
    }
    bucket.add(key);
  }

  /** `ts + ttl`, rounded up to the grid. */
  private deadline(ts: number): number {
    return Math.ceil((ts + this.ttlMs!) / this.stepMs) * this.stepMs;
  }
}
