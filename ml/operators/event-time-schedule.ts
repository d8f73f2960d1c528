import { MAX_WATERMARK } from '../../services/engine/time/watermark.ts';

/**
 * When a watermark-driven operator publishes (model versions, prequential metrics): at most once
 * per `everyMs` of event time. The first watermark is due; after a watermark that was due, the next
 * one due is at least `everyMs` later. The final watermark (end of input) is always due, so the
 * last updates go out. Its state (`toJSON`) is checkpointed with the operator.
 *
 * @example
 * const schedule = new EventTimeSchedule(60_000);
 * schedule.due(1_000); // true
 * schedule.due(30_000); // false
 * schedule.due(61_000); // true
 */
export class EventTimeSchedule {
  private next = Number.NEGATIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;

  constructor(readonly everyMs: number) {
    if (!(Number.isFinite(everyMs) && everyMs > 0))
      throw new RangeError(`the publishing interval must be a positive number of ms, got ${everyMs}`);
  }

  /** Whether `watermark` is due; if it is, the next one due is `watermark + everyMs` or later. */
  due(watermark: number): boolean {
    const atEnd = watermark >= MAX_WATERMARK && watermark > this.last;
    if (watermark < this.next && !atEnd) return false;
    this.last = watermark;
    this.next = watermark + this.everyMs;
    return true;
  }

  /** `[next due, last due]`, for checkpoints. */
  toJSON(): [next: number, last: number] {
    return [this.next, this.last];
  }

  /** Restores the earliest of the saved schedules (one per old subtask; they agree). */
  restore(saved: readonly unknown[]): void {
    const states = saved.filter(
      (s): s is [number, number] => Array.isArray(s) && typeof s[0] === 'number' && typeof s[1] === 'number',
    );
    if (states.length === 0) return;
    this.next = Math.min(...states.map((s) => s[0]));
    this.last = Math.max(...states.map((s) => s[1]));
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
