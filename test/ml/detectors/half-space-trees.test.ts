import { describe, expect, it } from 'vitest';
import { HalfSpaceTrees } from '../../../ml/detectors/half-space-trees.ts';

function learnAll(d: HalfSpaceTrees, xs: number[]): void {
  xs.forEach((x, i) => {
    d.learnOne({ x }, i);
  });
}

describe('HalfSpaceTrees (known answers)', () => {
  it('scores River-style on a tiny tree: mass 2·1 + 2·2 of 6 for the learned point, 2 of 6 across', () => {
    const d = new HalfSpaceTrees({ nTrees: 1, height: 1, windowSize: 2, limits: 'x:0:1' });
    learnAll(d, [0, 0]);
    expect(d.scoreOne({ x: 0 })).toBe(0);
    expect(d.scoreOne({ x: 1 })).toBeCloseTo(1 - 2 / 6, 12);
  });

  it('scores 1 - mass/max with the 10% size limit, whatever the random splits (points at the bounds)', () => {
    // window 10: 9 records at 0 follow the leftmost path, 1 at 1 the rightmost. Height 2, max 10·7.
    // x = 1: root 10 + 1·2 + 1·4 (mass 1 is not below the limit 1) = 16; x = 0: 10 + 9·2 + 9·4 = 64.
    const d = new HalfSpaceTrees({ nTrees: 3, height: 2, windowSize: 10, limits: 'x:0:1', seed: 7 });
    learnAll(d, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(d.scoreOne({ x: 1 })).toBeCloseTo(1 - 16 / 70, 12);
    expect(d.scoreOne({ x: 0 })).toBeCloseTo(1 - 64 / 70, 12);
  });

  it('stops at the first node under the size limit: an empty branch adds only the root', () => {
    const d = new HalfSpaceTrees({ height: 8, windowSize: 250, limits: 'x:0:1' });
    learnAll(d, new Array<number>(250).fill(0));
    expect(d.scoreOne({ x: 0 })).toBe(0);
    expect(d.scoreOne({ x: 1 })).toBeCloseTo(1 - 1 / 511, 12);
    expect(d.explainOne({ x: 1 }).reason).toBe(
      'isolated after 1 of 8 splits on average, in a region holding 0% of the last window',
    );
  });

  it('scores 0 during the first window, then with the masses of the last complete window', () => {
    const d = new HalfSpaceTrees({ nTrees: 1, height: 1, windowSize: 2, limits: 'x:0:1' });
    d.learnOne({ x: 0 });
    expect(d.scoreOne({ x: 1 })).toBe(0);
    d.learnOne({ x: 0 });
    d.learnOne({ x: 1 }); // the second window fills: the reference stays the first one
    expect(d.scoreOne({ x: 1 })).toBeCloseTo(1 - 2 / 6, 12);
    d.learnOne({ x: 1 });
    expect(d.scoreOne({ x: 1 })).toBe(0);
  });

  it('scales by learned min and max when no limits are given (River MinMaxScaler)', () => {
    const d = new HalfSpaceTrees({ nTrees: 1, height: 1, windowSize: 3 });
    learnAll(d, [10, 20, 10]); // scaled 0 (one value, no spread yet), 1, 0
    expect(d.scoreOne({ x: 10 })).toBe(1 - (3 + 2 * 2) / 9);
    expect(d.scoreOne({ x: 20 })).toBe(1 - (3 + 1 * 2) / 9);
  });

  it('refuses malformed limits, naming the entry', () => {
    expect(() => new HalfSpaceTrees({ limits: 'x:1:0' })).toThrow(
      'half-space-trees: limits entry "x:1:0" is not name:lower:upper with finite lower < upper (e.g. humidity:0:100)',
    );
  });
});
