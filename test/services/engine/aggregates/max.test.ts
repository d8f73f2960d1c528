import { describe, expect, it } from 'vitest';
import { max } from '../../../../services/engine/aggregates/max.ts';
import { aggregateContract, fold, valueFrom } from './aggregate-contract.ts';

const values = (vs: number[]) => vs.map((v, i) => ({ ts: i, v }));

describe('max', () => {
  aggregateContract(() => max(valueFrom));
  it('finds the largest value; NaN for no records', () => {
    const agg = max(valueFrom);
    expect(agg.getResult(fold(agg, values([3, -1, 2])))).toBe(3);
    expect(agg.getResult(agg.createAccumulator())).toBeNaN();
  });
});
