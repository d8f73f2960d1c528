import { describe, expect, it } from 'vitest';
import { SortedWindow } from '../../../ml/detectors/sorted-window.ts';
import { createRandom } from '../../../services/common/random.ts';

function naiveMad(values: number[]): number {
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const c = median(values);
  return median(values.map((v) => Math.abs(v - c)));
}

describe('SortedWindow', () => {
  it('gives the median and MAD of known numbers (odd and even counts)', () => {
    const odd = SortedWindow.from(5, [1, 2, 3, 4, 100]);
    expect([odd.median(), odd.medianAbsoluteDeviation(3)]).toEqual([3, 1]);
    const even = SortedWindow.from(4, [4, 1, 3, 2]);
    expect([even.median(), even.medianAbsoluteDeviation(2.5)]).toEqual([2.5, 1]);
    expect(even.meanAbsoluteDeviation(2.5)).toBe(1);
  });

  it('evicts the oldest value and agrees with a naive median / MAD on a random stream', () => {
    const random = createRandom(5);
    const w = new SortedWindow(7);
    const all: number[] = [];
    for (let i = 0; i < 200; i++) {
      const v = Math.round(random.normal(0, 3) * 2) / 2; // ties included
      w.push(v);
      all.push(v);
      const last = all.slice(-7);
      expect(w.values()).toEqual(last);
      expect(w.medianAbsoluteDeviation(w.median())).toBe(naiveMad(last));
    }
  });

  it('is empty-safe', () => {
    const w = new SortedWindow(3);
    expect([w.median(), w.medianAbsoluteDeviation(0), w.meanAbsoluteDeviation(0)]).toEqual([0, 0, 0]);
  });
});
