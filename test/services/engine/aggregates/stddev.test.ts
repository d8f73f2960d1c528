import { describe, expect, it } from 'vitest';
import { stddev } from '../../../../services/engine/aggregates/stddev.ts';
import { aggregateContract, closeTo, fold, valueFrom } from './aggregate-contract.ts';

const values = (vs: number[]) => vs.map((v, i) => ({ ts: i, v }));

describe('stddev', () => {
  aggregateContract(() => stddev(valueFrom), closeTo(3));
  it('is the population standard deviation (the doc example); 0 for one record, NaN for none', () => {
    const agg = stddev(valueFrom);
    expect(agg.getResult(fold(agg, values([2, 4, 4, 4, 5, 5, 7, 9])))).toBe(2);
    expect(agg.getResult(fold(agg, values([42])))).toBe(0);
    expect(agg.getResult(agg.createAccumulator())).toBeNaN();
  });
});
