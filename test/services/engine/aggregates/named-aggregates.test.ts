import { describe, expect, it } from 'vitest';
import {
  explainAggregateName,
  namedAggregates,
  percentileOf,
} from '../../../../services/engine/aggregates/named-aggregates.ts';
import { summaryStats } from '../../../../services/engine/aggregates/summary-stats.ts';
import { aggregateContract, fold, type TimedValue, timeFrom, valueFrom } from './aggregate-contract.ts';

const inputs = { value: valueFrom, time: timeFrom };
const records: TimedValue[] = [
  { ts: 3, v: 30 },
  { ts: 1, v: 10 },
  { ts: 2, v: 20 },
  { ts: 4, v: 40 },
];

describe('namedAggregates', () => {
  aggregateContract(() => namedAggregates(['count', 'min', 'max', 'first', 'last'], inputs));

  it('computes exactly the named fields, in one accumulator', () => {
    const agg = namedAggregates(['count', 'sum', 'mean', 'first', 'last', 'p50'], inputs);
    expect(agg.getResult(fold(agg, records))).toEqual({
      count: 4,
      sum: 100,
      mean: 25,
      first: 10,
      last: 40,
      p50: 25,
    });
  });

  it('gives the five summary statistics from one shared accumulator (the default job)', () => {
    const agg = namedAggregates(['count', 'mean', 'min', 'max', 'stddev'], inputs);
    const acc = fold(agg, records);
    // exactly summaryStats' own accumulator (not a combination holding one accumulator per field)
    expect(acc).toEqual(fold(summaryStats(valueFrom), records));
    expect(agg.getResult(acc)).toEqual({ count: 4, mean: 25, min: 10, max: 40, stddev: Math.sqrt(125) });
  });

  it('shares one sketch between percentiles', () => {
    const agg = namedAggregates(['p50', 'p95', 'p99.9'], inputs);
    const acc = fold(agg, records);
    expect(Object.keys(agg.getResult(acc))).toEqual(['p50', 'p95', 'p99.9']);
    expect(Array.isArray(acc)).toBe(false);
  });

  it('refuses unknown and repeated names', () => {
    expect(() => namedAggregates(['median'], inputs)).toThrow(/unknown aggregate "median"/);
    expect(() => namedAggregates(['count', 'count'], inputs)).toThrow(/listed twice/);
    expect(() => namedAggregates([], inputs)).toThrow(/at least one/);
  });
});

describe('explainAggregateName and percentileOf', () => {
  it('accept the built-ins and p1 to p99.999', () => {
    for (const name of [
      'count',
      'sum',
      'mean',
      'min',
      'max',
      'stddev',
      'first',
      'last',
      'p1',
      'p50',
      'p99.9',
    ])
      expect(explainAggregateName(name)).toBeUndefined();
    expect(percentileOf('p99.9')).toBeCloseTo(0.999, 12);
    expect(percentileOf('mean')).toBeUndefined();
  });

  it('say what is wrong with the rest', () => {
    expect(explainAggregateName('median')).toMatch(/unknown aggregate "median": use count, sum, .*p95/);
    expect(explainAggregateName('p0')).toMatch(/out of range/);
    expect(explainAggregateName('p100')).toMatch(/unknown aggregate/);
    expect(explainAggregateName('P95')).toMatch(/unknown aggregate/);
  });
});
