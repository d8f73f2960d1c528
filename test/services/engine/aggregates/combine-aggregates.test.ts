import { describe, expect, it } from 'vitest';
import { combineAggregates, field, pick } from '../../../../services/engine/aggregates/combine-aggregates.ts';
import { count } from '../../../../services/engine/aggregates/count.ts';
import { mean } from '../../../../services/engine/aggregates/mean.ts';
import { percentiles } from '../../../../services/engine/aggregates/percentiles.ts';
import { summaryStats } from '../../../../services/engine/aggregates/summary-stats.ts';
import { aggregateContract, fold, type TimedValue, valueFrom } from './aggregate-contract.ts';

const records: TimedValue[] = [1, 2, 3].map((v, ts) => ({ ts, v }));

describe('combineAggregates', () => {
  aggregateContract(
    () => combineAggregates([field('count', count<TimedValue>()), field('mean', mean(valueFrom))]),
    (merged, whole) => {
      expect(merged.count).toBe(whole.count);
      expect(merged.mean).toBeCloseTo(whole.mean!, 3);
    },
  );

  it('computes every member over the same records into one result (the doc example)', () => {
    const stats = combineAggregates<TimedValue>([
      field('count', count()),
      field('mean', mean(valueFrom)),
      percentiles(valueFrom, { p50: 0.5, p95: 0.95 }),
    ]);
    const acc = fold(stats, records);
    expect(acc).toHaveLength(3);
    expect(stats.getResult(acc)).toEqual({ count: 3, mean: 2, p50: 2, p95: 3 });
  });

  it('returns a single member as it is (no array around its accumulator)', () => {
    const only = field('count', count<TimedValue>());
    expect(combineAggregates([only])).toBe(only);
  });

  it('needs at least one member', () => {
    expect(() => combineAggregates([])).toThrow(/at least one/);
  });
});

describe('field and pick', () => {
  it('name a single number, and keep some fields of a record', () => {
    const total = field('total', count<TimedValue>());
    expect(total.getResult(fold(total, records))).toEqual({ total: 3 });
    const some = pick(summaryStats(valueFrom), ['count', 'max']);
    expect(some.getResult(fold(some, records))).toEqual({ count: 3, max: 3 });
  });
});
