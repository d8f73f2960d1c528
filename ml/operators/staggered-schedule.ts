import { murmur3OfString } from '../../services/engine/murmur3-string.ts';
import { MAX_WATERMARK } from '../../services/engine/time/watermark.ts';

/** Phases an interval is cut into (fewer when the interval is shorter than this many ms). */
export const STAGGER_SLOTS = 100;

/** Seed of the phase hash: unrelated to the key-group hash (seed 0), so a subtask's keys use every phase. */
const PHASE_SEED = 0x5eed;

/**
 * When the keys of a watermark-driven operator publish (model versions, prequential metrics):
 * each key that changed publishes at most once per `everyMs` of event time, at its own phase.
 * Flink staggers processing-time windows the same way (`WindowStagger`), for the same reason: had
 * every key published at one watermark, 10,000 keys would hold the thread for tens of
 * milliseconds every interval (and every record waiting behind them, alerts included); staggered,
 * a live stream's watermark steps publish ~1 % of them each.
 *
 * The interval is cut into {@link STAGGER_SLOTS} phases; a key's phase is a hash of it. A
 * watermark publishes the changed keys of every phase whose start (`n·everyMs + phase·everyMs/slots`)
 * it passed since the last watermark, in key order. The first watermark, a watermark a whole
 * interval or more after the last, and the final watermark (end of input) publish every changed
 * key. Deterministic in event time: the same records and watermarks publish the same keys at the
 * same watermarks, whatever the processing times. Its state (`toJSON`, the last watermark) is
 * checkpointed with the operator; the changed keys are derived from the operator's entries.
 *
 * @example
 * const schedule = new StaggeredSchedule<string>(10_000);
 * schedule.changed('boiler-1/temperature');
 * schedule.due(1_000); // ['boiler-1/temperature']: the first watermark publishes all
 * schedule.changed('boiler-1/temperature');
 * schedule.due(1_050); // [] unless the key's phase starts in (1000, 1050]
 * schedule.due(11_000); // ['boiler-1/temperature']: a whole interval later, every phase passed
 */
export class StaggeredSchedule<K extends string | number> {
  private readonly slots: number;
  /** The changed keys by phase. */
  private readonly pending: Set<K>[];
  private last = Number.NEGATIVE_INFINITY;

  constructor(readonly everyMs: number) {
    if (!(Number.isFinite(everyMs) && everyMs > 0))
      throw new RangeError(`the publishing interval must be a positive number of ms, got ${everyMs}`);
    this.slots = Math.max(1, Math.min(STAGGER_SLOTS, Math.floor(everyMs)));
    this.pending = Array.from({ length: this.slots }, () => new Set<K>());
  }

  /** `key` changed: it publishes when its phase next comes. */
  changed(key: K): void {
    this.pending[this.phaseOf(key)]!.add(key);
  }

  /** `key` is gone: it does not publish. */
  forget(key: K): void {
    this.pending[this.phaseOf(key)]!.delete(key);
  }

  /** The changed keys that publish at `watermark` (in key order), no longer pending. */
  due(watermark: number): K[] {
    if (!(watermark > this.last)) return [];
    const from = this.phaseCount(this.last);
    const to = this.phaseCount(watermark);
    const all = !Number.isFinite(from) || watermark >= MAX_WATERMARK || to - from >= this.slots;
    this.last = watermark;
    const keys: K[] = [];
    if (all) {
      for (const phase of this.pending) this.take(phase, keys);
    } else {
      for (let n = from + 1; n <= to; n++) this.take(this.pending[n % this.slots]!, keys);
    }
    return keys.length > 1 ? inKeyOrder(keys) : keys;
  }

  /** `[last watermark]`, for checkpoints. */
  toJSON(): [last: number] {
    return [this.last];
  }

  /**
   * Restores the earliest of the saved schedules (one per old subtask), so that no phase is
   * skipped. Accepts the `[next due, last due]` of checkpoints written before staggering (every
   * key published at `last`).
   */
  restore(saved: readonly unknown[]): void {
    const lasts = saved.flatMap((s) =>
      Array.isArray(s) && typeof s[s.length - 1] === 'number' ? [s[s.length - 1] as number] : [],
    );
    if (lasts.length > 0) this.last = Math.min(...lasts);
  }

  /** Phase starts up to `time` since the epoch (−∞ before the first watermark). */
  private phaseCount(time: number): number {
    return Math.floor((time * this.slots) / this.everyMs);
  }

  private phaseOf(key: K): number {
    return murmur3OfString(typeof key === 'string' ? key : String(key), PHASE_SEED) % this.slots;
  }

  private take(phase: Set<K>, into: K[]): void {
    for (const key of phase) into.push(key);
    phase.clear();
  }
}

/**
 * `keys` in their order as text: the order a watermark's updates are published in, so that it does
 * not depend on the order the keys changed in (which a restore, by key group, does not keep).
 *
 * @example
 * inKeyOrder(new Set(['d2', 'd10', 'd1'])); // ['d1', 'd10', 'd2']
 */
export function inKeyOrder<K extends string | number>(keys: Iterable<K>): K[] {
  const text = (k: K) => (typeof k === 'string' ? k : String(k));
  return [...keys].sort((a, b) => {
    const ta = text(a);
    const tb = text(b);
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  });
}
