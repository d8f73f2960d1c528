import type { TimeWindow } from './time-window.ts';

/** An active window of a merging assigner and the namespace its contents, trigger state and timers use. */
export interface ActiveWindow {
  readonly window: TimeWindow;
  readonly namespace: number;
}

/**
 * Called when windows merged: `result` is the new active window (with a new namespace) and
 * `merged` the active windows it replaces, already removed from the set.
 */
export type MergeFunction = (result: ActiveWindow, merged: readonly ActiveWindow[]) => void;

/**
 * The active windows of one key for a merging assigner (sessions), as Flink's `MergingWindowSet`:
 * adding a window merges it with every active window it overlaps or touches, the rule of
 * `TimeWindow.mergeWindows` that merging assigners follow. Active windows never touch each other,
 * so a new window merges with the ones it touches and no others (one record can bridge two
 * sessions). Kept in the operator's keyed state, one per key.
 *
 * Unlike Flink, a merged window gets a namespace of its own and its state is moved there (on the
 * heap that costs a pointer), rather than keeping the state of one of the merged windows in place.
 *
 * @example
 * const set = new MergingWindowSet();
 * let next = 0;
 * set.addWindow(new TimeWindow(0, 10), () => next++, noop); // { [0, 10), ns 0 }
 * set.addWindow(new TimeWindow(5, 15), () => next++, (result, merged) => ...);
 * // merge: result { [0, 15), ns 1 }, merged [{ [0, 10), ns 0 }]
 */
export class MergingWindowSet {
  readonly windows: ActiveWindow[] = [];

  get size(): number {
    return this.windows.length;
  }

  /** The active window with this namespace. */
  get(namespace: number): ActiveWindow | undefined {
    for (const active of this.windows) if (active.namespace === namespace) return active;
    return undefined;
  }

  /**
   * Adds `window` and returns the active window that holds it now: an existing window covering it,
   * the result of merging it with those it touches (after `onMerge` ran), or itself with a new
   * namespace.
   */
  addWindow(window: TimeWindow, newNamespace: () => number, onMerge: MergeFunction): ActiveWindow {
    const windows = this.windows;
    let merged: ActiveWindow[] | undefined;
    let cover = window;
    for (let i = 0; i < windows.length; i++) {
      const active = windows[i]!;
      const existing = active.window;
      if (!existing.intersects(window)) continue;
      if (existing.start <= window.start && window.end <= existing.end) return active;
      if (merged === undefined) merged = [active];
      else merged.push(active);
      cover = cover.cover(existing);
    }
    const result: ActiveWindow = { window: cover, namespace: newNamespace() };
    if (merged === undefined) {
      windows.push(result);
      return result;
    }
    let kept = 0;
    for (let i = 0; i < windows.length; i++) {
      const active = windows[i]!;
      if (!merged.includes(active)) windows[kept++] = active;
    }
    windows.length = kept;
    windows.push(result);
    onMerge(result, merged);
    return result;
  }

  /** Removes the active window with this namespace (cleaned up, or dropped as late). */
  retire(namespace: number): void {
    const at = this.windows.findIndex((active) => active.namespace === namespace);
    if (at >= 0) this.windows.splice(at, 1);
  }
}
