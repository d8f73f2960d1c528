import type { BenchReading } from '../data/synthetic-readings.ts';

interface Pane {
  start: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * The sliding-window baseline as a careful programmer writes it: panes. Each record updates one
 * pane of `slideMs` (not `sizeMs / slideMs` windows); when the watermark passes a window end, each
 * key's window is combined from the panes it covers and emitted if any holds a record, and panes
 * no later window needs are dropped. Windows are `[k·slide, k·slide + size)`, as in the engine.
 * Returns the number of windows emitted.
 */
export function handWrittenSliding(
  readings: readonly BenchReading[],
  sizeMs: number,
  slideMs: number,
  boundMs: number,
): number {
  const panes = new Map<string, Pane[]>();
  let maxTs = Number.NEGATIVE_INFINITY;
  let emitted = 0;
  let checksum = 0;
  /** The end of the next window to emit (a multiple of the slide), once the first record set it. */
  let nextEnd = Number.NaN;

  const emitUpTo = (watermark: number) => {
    while (nextEnd - 1 <= watermark) {
      const from = nextEnd - sizeMs;
      for (const list of panes.values()) {
        let any = false;
        let acc = 0;
        for (let i = 0; i < list.length; i++) {
          const pane = list[i]!;
          if (pane.start >= from && pane.start < nextEnd) {
            any = true;
            acc += pane.sum; // combining the panes' aggregates is part of the work
          }
        }
        if (any) {
          emitted++;
          checksum += acc;
        }
        // The next window starts one slide later: panes before that are done.
        for (let i = list.length - 1; i >= 0; i--) if (list[i]!.start < from + slideMs) list.splice(i, 1);
      }
      nextEnd += slideMs;
    }
  };

  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    const start = r.ts - (r.ts % slideMs);
    // No record is more than boundMs older than the first: no window ends before this one's.
    if (Number.isNaN(nextEnd)) nextEnd = r.ts - boundMs - ((r.ts - boundMs) % slideMs) + slideMs;
    let list = panes.get(r.key);
    if (list === undefined) {
      list = [];
      panes.set(r.key, list);
    }
    let pane: Pane | undefined;
    for (let j = 0; j < list.length; j++) if (list[j]!.start === start) pane = list[j];
    if (pane === undefined) {
      pane = { start, count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
      list.push(pane);
    }
    pane.count++;
    pane.sum += r.value;
    if (r.value < pane.min) pane.min = r.value;
    if (r.value > pane.max) pane.max = r.value;
    if (r.ts > maxTs) maxTs = r.ts;
    if ((i & 1023) === 1023) emitUpTo(maxTs - boundMs - 1);
  }
  // End of input: every window holding a record fires.
  while (true) {
    let remaining = false;
    for (const list of panes.values()) if (list.length > 0) remaining = true;
    if (!remaining) break;
    emitUpTo(nextEnd - 1);
  }
  return Number.isNaN(checksum) ? -1 : emitted; // uses the combined aggregates
}
