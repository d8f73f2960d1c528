import type { LabelledSeries } from './labelled-series.ts';

/** A window as record indices: `first..last`, both inclusive. */
export interface WindowRows {
  readonly first: number;
  readonly last: number;
}

/**
 * The records each window of a series covers, found in file order as NAB's sweeper finds them
 * (`Sweeper.calcSweepScore` in `nab/sweeper.py`): after the previous window, the window opens at
 * the first record with `timestamp >= startMs` (NAB: the record whose timestamp is its start) and
 * closes at the first record with `timestamp === endMs`, or before the first record past `endMs`.
 * Scanning in order rather than searching keeps NAB's behaviour on its real files, a few of which
 * repeat or step back a stretch of timestamps (clock changes).
 *
 * Throws an error naming the series and the window when a window ends before it starts, starts
 * before the previous one ends, or covers fewer than two records (NAB scores a detection after a
 * window by its distance over the window's length minus one).
 *
 * @example
 * windowRows({ name: 'a/b.csv', timestamps: [0, 10, 20, 30], values: [1, 2, 3, 4],
 *   windows: [{ startMs: 5, endMs: 30 }] }); // [{ first: 1, last: 3 }]
 */
export function windowRows(series: LabelledSeries): WindowRows[] {
  const t = series.timestamps;
  const rows: WindowRows[] = [];
  let from = 0;
  series.windows.forEach((w, k) => {
    const what = `${series.name}: window ${k + 1} [${w.startMs}, ${w.endMs}]`;
    if (!(w.startMs <= w.endMs)) throw new Error(`${what}: ends before it starts`);
    const previous = series.windows[k - 1];
    if (previous !== undefined && w.startMs <= previous.endMs) {
      throw new Error(`${what}: starts before window ${k} ends (windows must be in time order, apart)`);
    }
    let first = from;
    while (first < t.length && t[first]! < w.startMs) first++;
    let last = first - 1;
    for (let j = first; j < t.length && t[j]! <= w.endMs; j++) {
      last = j;
      if (t[j] === w.endMs) break;
    }
    if (last - first + 1 < 2) {
      throw new Error(
        `${what}: covers ${Math.max(0, last - first + 1)} record(s); a window needs at least 2`,
      );
    }
    rows.push({ first, last });
    from = last + 1;
  });
  return rows;
}
