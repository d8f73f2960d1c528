import { describe, expect, it } from 'vitest';
import type { LabelledSeries } from '../../../../ml/evaluation/nab/labelled-series.ts';
import { windowRows } from '../../../../ml/evaluation/nab/window-rows.ts';

const series = (timestamps: number[], windows: [number, number][]): LabelledSeries => ({
  name: 'cat/file.csv',
  timestamps,
  values: timestamps.map(() => 0),
  windows: windows.map(([startMs, endMs]) => ({ startMs, endMs })),
});

describe('windowRows', () => {
  it('finds the records of each window, both ends inclusive (the documented example)', () => {
    expect(windowRows(series([0, 10, 20, 30], [[5, 30]]))).toEqual([{ first: 1, last: 3 }]);
    expect(
      windowRows(
        series(
          [0, 10, 20, 30, 40, 50],
          [
            [0, 10],
            [30, 45],
          ],
        ),
      ),
    ).toEqual([
      { first: 0, last: 1 },
      { first: 3, last: 4 },
    ]);
  });

  it('scans in file order as NAB does: a repeated end timestamp closes the window at its first record', () => {
    // NAB's ec2_request_latency file repeats 03:00:00 twelve times; a window ending there stops at the first one
    expect(windowRows(series([0, 10, 20, 20, 20, 30], [[10, 20]]))).toEqual([{ first: 1, last: 2 }]);
    // a stretch that steps back after a window is not pulled into it
    expect(windowRows(series([0, 10, 20, 30, 15, 25, 40], [[10, 20]]))).toEqual([{ first: 1, last: 2 }]);
  });

  it('refuses windows it cannot score, naming the series and window', () => {
    expect(() => windowRows(series([0, 10, 20], [[20, 10]]))).toThrow(
      'cat/file.csv: window 1 [20, 10]: ends before it starts',
    );
    expect(() => windowRows(series([0, 10, 20], [[10, 10]]))).toThrow(
      'covers 1 record(s); a window needs at least 2',
    );
    expect(() => windowRows(series([0, 10, 20], [[11, 19]]))).toThrow('covers 0 record(s)');
    expect(() => windowRows(series([0, 10, 20], [[30, 40]]))).toThrow('covers 0 record(s)');
    expect(() =>
      windowRows(
        series(
          [0, 10, 20, 30, 40],
          [
            [0, 20],
            [20, 40],
          ],
        ),
      ),
    ).toThrow('window 2 [20, 40]: starts before window 1 ends');
    expect(() =>
      windowRows(
        series(
          [0, 10, 20, 30, 40],
          [
            [30, 40],
            [0, 10],
          ],
        ),
      ),
    ).toThrow('window 2');
  });
});
