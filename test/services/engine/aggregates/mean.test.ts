import { describe, expect, it } from 'vitest';
import { mean } from '../../../../services/engine/aggregates/mean.ts';
import { aggregateContract, closeTo, fold, valueFrom } from './aggregate-contract.ts';

const values = (vs: number[]) => vs.map((v, i) => ({ ts: i, v }));

describe('mean', () => {
  aggregateContract(() => mean(valueFrom), closeTo(6));
  it('averages; NaN for no records', () => {
    const agg = mean(valueFrom);
    expect(agg.getResult(fold(agg, values([1, 2, 6])))).toBe(3);
    expect(agg.getResult(agg.createAccumulator())).toBeNaN();
  });
});
