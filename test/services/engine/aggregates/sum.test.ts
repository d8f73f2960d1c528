import { describe, expect, it } from 'vitest';
import { sum } from '../../../../services/engine/aggregates/sum.ts';
import { aggregateContract, closeTo, fold, valueFrom } from './aggregate-contract.ts';

const values = (vs: number[]) => vs.map((v, i) => ({ ts: i, v }));

describe('sum', () => {
  aggregateContract(() => sum(valueFrom), closeTo(6));
  it('keeps the precision a plain loop loses (the doc example)', () => {
    const agg = sum(valueFrom);
    expect(agg.getResult(fold(agg, values([1e16, 1, -1e16])))).toBe(1);
    expect(agg.getResult(fold(agg, values(Array<number>(10).fill(0.1))))).toBe(1);
    expect(agg.getResult(agg.createAccumulator())).toBe(0);
  });
});
