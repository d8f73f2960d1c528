import { describe, expect, it } from 'vitest';
import { count } from '../../../../services/engine/aggregates/count.ts';
import { aggregateContract, fold, type TimedValue } from './aggregate-contract.ts';

const values = (vs: number[]) => vs.map((v, i) => ({ ts: i, v }));

describe('count', () => {
  aggregateContract(() => count<TimedValue>());
  it('counts records, 0 for none', () => {
    const agg = count<TimedValue>();
    expect(agg.getResult(fold(agg, values([5, 5, 5])))).toBe(3);
    expect(agg.getResult(agg.createAccumulator())).toBe(0);
  });
});
