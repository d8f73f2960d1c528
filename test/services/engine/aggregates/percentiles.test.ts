import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import { percentile, percentiles } from '../../../../services/engine/aggregates/percentiles.ts';
import { aggregateContract, fold, valueFrom } from './aggregate-contract.ts';

const oneToHundred = Array.from({ length: 100 }, (_, i) => ({ ts: i, v: i + 1 }));

describe('percentiles', () => {
  aggregateContract(
    () => percentiles(valueFrom, { p50: 0.5, p95: 0.95 }),
    (merged, whole) => {
      // A sketch is approximate: merged and whole agree within the spread of the data's ranks.
      expect(merged.p50).toBeCloseTo(whole.p50, -Math.ceil(Math.log10(Math.abs(whole.p50) + 1)) + 1);
    },
  );

  it('answers the doc example from one shared sketch', () => {
    const agg = percentiles(valueFrom, { p50: 0.5, p95: 0.95 });
    const result = agg.getResult(fold(agg, oneToHundred));
    expect(result.p50).toBeCloseTo(50.5, 6);
    expect(result.p95).toBeCloseTo(95.5, 6);
  });

  it('costs nothing for an empty window and answers NaN there', () => {
    const agg = percentiles(valueFrom, { p99: 0.99 });
    expect(agg.createAccumulator()).toEqual({ sketch: undefined });
    expect(agg.getResult(agg.createAccumulator()).p99).toBeNaN();
  });

  it('merges windows (session windows do): the merged p95 is the p95 of both', () => {
    const random = createRandom(5);
    const records = Array.from({ length: 4_000 }, (_, ts) => ({ ts, v: random.next() * 100 }));
    const agg = percentiles(valueFrom, { p95: 0.95 });
    const merged = agg.getResult(
      agg.merge(fold(agg, records.slice(0, 1_000)), fold(agg, records.slice(1_000))),
    );
    const sorted = records.map((r) => r.v).sort((a, b) => a - b);
    expect(Math.abs(merged.p95 - sorted[3_800]!)).toBeLessThan(1);
  });

  it('refuses a quantile outside [0, 1], naming it', () => {
    expect(() => percentiles(valueFrom, { p95: 95 })).toThrow(/p95.*\[0, 1\]/);
  });
});

describe('percentile', () => {
  it('is one percentile as a number', () => {
    const agg = percentile(valueFrom, 0.5);
    expect(agg.getResult(fold(agg, oneToHundred))).toBeCloseTo(50.5, 6);
  });
});
