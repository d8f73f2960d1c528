import { describe, expect, it } from 'vitest';
import { percentile, summarizeLatencies } from '../../../bench/soak/latency-stats.ts';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 99)).toBe(40);
  });

  it('is null without values and refuses p outside 0..100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(/0\.\.100, got 101/);
  });
});

describe('summarizeLatencies', () => {
  it('sorts, counts the missed ones and reports p50, p99 and max', () => {
    expect(summarizeLatencies([120, 80, 100], 1)).toEqual({
      sampled: 4,
      seen: 3,
      missed: 1,
      p50Ms: 100,
      p99Ms: 120,
      maxMs: 120,
    });
  });

  it('has no percentiles when nothing was seen', () => {
    expect(summarizeLatencies([], 5)).toEqual({
      sampled: 5,
      seen: 0,
      missed: 5,
      p50Ms: null,
      p99Ms: null,
      maxMs: null,
    });
  });
});
