import type { ActivityRecord } from './device-store.ts';

/** Seconds of the message-rate window. */
const RATE_WINDOW_S = 60;
/** Gaps kept for the median interval. */
const INTERVALS_KEPT = 15;

/**
 * How long the registry keeps a device's traffic in memory after its last message: 2 min, twice
 * the rate window (a silent device's rate is 0 by then). Forgetting loses nothing the registry
 * shows: the last-seen time, first-seen time and median interval are in SQLite by then (a drain
 * wrote them) and are read from there.
 */
export const DEFAULT_ACTIVITY_IDLE_MS = 120_000;

/** Options of {@link DeviceActivity}. */
export interface DeviceActivityOptions {
  /**
   * A device written to the store and silent for this long leaves memory at a drain (e.g.
   * {@link DEFAULT_ACTIVITY_IDLE_MS}). Unset: devices stay until {@link DeviceActivity.forget}.
   */
  readonly idleMs?: number;
}

/** One device's traffic, in memory. */
interface Traffic {
  firstSeen: number;
  lastSeen: number;
  /** Messages per second, a ring of {@link RATE_WINDOW_S} buckets. */
  readonly counts: Uint32Array;
  /** The epoch second each bucket counts (a bucket from an older second is stale). */
  readonly seconds: Float64Array;
  /** Recent gaps between messages (ms), a ring. */
  readonly gaps: Float64Array;
  gapCount: number;
  gapNext: number;
  /** Changed since the last flush. */
  dirty: boolean;
  /** Not yet written to the store. */
  fresh: boolean;
}

/**
 * Per-device traffic in memory: last seen, messages per second over the last minute, and the
 * median gap between messages. `seen` is the per-message cost (a Map lookup and a few stores); the
 * registry writes {@link drain}'s records to SQLite every few seconds.
 *
 * Bounded for fleets whose device ids rotate, with `idleMs`: a drain also forgets devices already
 * written to the store and silent for `idleMs` (processing time, measured from the latest message
 * of any device), so memory holds the devices active lately, not every id ever seen. A forgotten device reads from
 * the store (last seen, interval) with a rate of 0, which is what a silent device has anyway.
 *
 * @example
 * const activity = new DeviceActivity({ idleMs: DEFAULT_ACTIVITY_IDLE_MS });
 * activity.seen('boiler-1', 1_000);
 * activity.seen('boiler-1', 2_000);
 * activity.rate('boiler-1', 2_000);         // 2 / 60 messages per second
 * activity.medianInterval('boiler-1');      // 1000
 */
export class DeviceActivity {
  private readonly traffic = new Map<string, Traffic>();
  private readonly idleMs: number | undefined;
  /** The latest `now` a message came with: the clock idle devices are measured by. */
  private latest = Number.NEGATIVE_INFINITY;
  private evictedCount = 0;

  constructor(options: DeviceActivityOptions = {}) {
    this.idleMs = options.idleMs;
    if (this.idleMs !== undefined && !(this.idleMs > 0))
      throw new RangeError(`device activity idleMs must be > 0, got ${this.idleMs}`);
  }

  /** Devices in memory. */
  get size(): number {
    return this.traffic.size;
  }

  /** Devices forgotten because they were idle (see the class comment). */
  get evicted(): number {
    return this.evictedCount;
  }

  /** Records one message of `device` at `now` (processing time, ms). */
  seen(device: string, now: number): void {
    if (now > this.latest) this.latest = now;
    let entry = this.traffic.get(device);
    if (entry === undefined) {
      entry = {
        firstSeen: now,
        lastSeen: now,
        counts: new Uint32Array(RATE_WINDOW_S),
        seconds: new Float64Array(RATE_WINDOW_S).fill(-1),
        gaps: new Float64Array(INTERVALS_KEPT),
        gapCount: 0,
        gapNext: 0,
        dirty: true,
        fresh: true,
      };
      this.traffic.set(device, entry);
    } else {
      const gap = now - entry.lastSeen;
      if (gap > 0) {
        entry.gaps[entry.gapNext] = gap;
        entry.gapNext = (entry.gapNext + 1) % INTERVALS_KEPT;
        if (entry.gapCount < INTERVALS_KEPT) entry.gapCount++;
      }
      if (now > entry.lastSeen) entry.lastSeen = now;
      entry.dirty = true;
    }
    const second = Math.floor(now / 1_000);
    const slot = second % RATE_WINDOW_S;
    if (entry.seconds[slot] !== second) {
      entry.seconds[slot] = second;
      entry.counts[slot] = 0;
    }
    entry.counts[slot]!++;
  }

  /** Whether `device` sent anything since this process started (or since {@link forget}). */
  has(device: string): boolean {
    return this.traffic.has(device);
  }

  lastSeen(device: string): number | undefined {
    return this.traffic.get(device)?.lastSeen;
  }

  /** Messages per second over the minute up to `now`. */
  rate(device: string, now: number): number {
    const entry = this.traffic.get(device);
    if (entry === undefined) return 0;
    const newest = Math.floor(now / 1_000);
    let total = 0;
    for (let slot = 0; slot < RATE_WINDOW_S; slot++) {
      const second = entry.seconds[slot]!;
      if (second > newest - RATE_WINDOW_S && second <= newest) total += entry.counts[slot]!;
    }
    return total / RATE_WINDOW_S;
  }

  /** Median of the recent gaps between messages, `undefined` before two messages. */
  medianInterval(device: string): number | undefined {
    const entry = this.traffic.get(device);
    if (entry === undefined || entry.gapCount === 0) return undefined;
    const sorted = Array.from(entry.gaps.subarray(0, entry.gapCount)).sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }

  /** Devices seen for the first time since the last drain. */
  freshCount(): number {
    let n = 0;
    for (const entry of this.traffic.values()) if (entry.fresh) n++;
    return n;
  }

  /**
   * What changed since the last drain, to write to the store; marks it written. Devices written by
   * an earlier drain and idle for `idleMs` before `now` (default: the latest message's time) are
   * forgotten.
   */
  drain(now: number = this.latest): ActivityRecord[] {
    const records: ActivityRecord[] = [];
    const idleBefore = this.idleMs === undefined ? Number.NEGATIVE_INFINITY : now - this.idleMs;
    for (const [id, entry] of this.traffic) {
      if (!entry.dirty) {
        if (entry.lastSeen <= idleBefore) {
          this.traffic.delete(id);
          this.evictedCount++;
        }
        continue;
      }
      entry.dirty = false;
      entry.fresh = false;
      const median = this.medianInterval(id);
      records.push({
        id,
        firstSeen: entry.firstSeen,
        lastSeen: entry.lastSeen,
        observedIntervalMs: median === undefined ? null : Math.round(median),
      });
    }
    return records;
  }

  /** Drops a device's traffic (it was removed from the registry). */
  forget(device: string): void {
    this.traffic.delete(device);
  }
}
