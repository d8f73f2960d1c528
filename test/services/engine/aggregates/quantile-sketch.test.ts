import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import { QuantileSketch } from '../../../../services/engine/aggregates/quantile-sketch.ts';

/** The exact quantile as the sketch interpolates it: between the values around rank q·n. */
function exactRank(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function filled(values: readonly number[]): QuantileSketch {
  const sketch = new QuantileSketch();
  for (const v of values) sketch.add(v);
  return sketch;
}

describe('QuantileSketch', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers the doc example and counts what it holds', () => {
    const sketch = filled(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(sketch.count).toBe(100);
    expect(sketch.quantile(0.5)).toBeCloseTo(50.5, 6);
    expect(sketch.quantile(0)).toBe(1);
    expect(sketch.quantile(1)).toBe(100);
  });

  it('is NaN when empty and exact for one value', () => {
    expect(new QuantileSketch().quantile(0.5)).toBeNaN();
    expect(filled([7]).quantile(0.95)).toBe(7);
  });

  it('stays within 1% of rank on 20,000 random values, and small', () => {
    const random = createRandom(7);
    const values = Array.from({ length: 20_000 }, () => random.next() * 1_000);
    const sketch = filled(values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99]) {
      expect(Math.abs(sketch.quantile(q) - exactRank(sorted, q))).toBeLessThan(10); // 1% of the range
    }
    expect(sketch.size).toBeLessThan(1_000);
  });

  it('recompresses sorted input (the t-digest worst case) instead of keeping a centroid per value', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => i);
    const sketch = filled(values);
    expect(sketch.size).toBeLessThan(1_000);
    expect(sketch.quantile(0.95)).toBeCloseTo(19_000, -2);
  });

  it('never uses Math.random: the same input gives the same answers', () => {
    const spy = vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random called');
    });
    const random = createRandom(3);
    const values = Array.from({ length: 5_000 }, () => random.next());
    const a = filled(values);
    const b = filled(values);
    a.merge(filled(values.slice(0, 2_000)));
    b.merge(filled(values.slice(0, 2_000)));
    expect(a.centroids()).toEqual(b.centroids());
    expect(a.quantile(0.9)).toBe(b.quantile(0.9));
    expect(spy).not.toHaveBeenCalled();
  });

  it('merges: two halves answer like the whole, and the merged-in sketch is left as it was', () => {
    const random = createRandom(11);
    const values = Array.from({ length: 10_000 }, () => random.next() * 100);
    const left = filled(values.slice(0, 6_000));
    const right = filled(values.slice(6_000));
    const rightBefore = right.centroids();
    left.merge(right);
    expect(left.count).toBe(10_000);
    expect(right.centroids()).toEqual(rightBefore);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.1, 0.5, 0.95])
      expect(Math.abs(left.quantile(q) - exactRank(sorted, q))).toBeLessThan(1);
  });

  it('restores from its centroids (what a snapshot keeps)', () => {
    const sketch = filled([5, 1, 4, 2, 3]);
    const copy = QuantileSketch.fromCentroids(sketch.centroids());
    expect(copy.count).toBe(5);
    expect(copy.quantile(0.5)).toBe(sketch.quantile(0.5));
  });

  it('refuses a quantile outside [0, 1] and a bad delta', () => {
    expect(() => filled([1]).quantile(95)).toThrow(/\[0, 1\]/);
    expect(() => new QuantileSketch(0)).toThrow(/delta/);
  });
});
