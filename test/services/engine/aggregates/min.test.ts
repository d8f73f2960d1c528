import { describe, expect, it } from 'vitest';
import { min } from '../../../../services/engine/aggregates/min.ts';
import { aggregateContract, fold, valueFrom } from './aggregate-contract.ts';

const values = (vs: number[]) => vs.map((v, i) => ({ ts: i, v }));

describe('min', () => {
  aggregateContract(() => min(valueFrom));
  it('finds the smallest value; NaN for no records', () => {
    const agg = min(valueFrom);
    expect(agg.getResult(fold(agg, values([3, -1, 2])))).toBe(-1);
    expect(agg.getResult(agg.createAccumulator())).toBeNaN();
  });
});
