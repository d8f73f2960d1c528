import { describe, expect, it } from 'vitest';
import { first } from '../../../../services/engine/aggregates/first.ts';
import { aggregateContract, fold, type TimedValue, timeFrom, valueFrom } from './aggregate-contract.ts';

const at = (pairs: [number, number][]): TimedValue[] => pairs.map(([ts, v]) => ({ ts, v }));

describe('first (by event time)', () => {
  aggregateContract(() => first(valueFrom, timeFrom));

  it('takes the value with the earliest event time, not the first to arrive', () => {
    const agg = first(valueFrom, timeFrom);
    expect(
      agg.getResult(
        fold(
          agg,
          at([
            [2, 20],
            [3, 30],
            [1, 10],
            [2, 21],
          ]),
        ),
      ),
    ).toBe(10);
  });

  it('breaks ties by arrival: the earlier record wins', () => {
    const agg = first(valueFrom, timeFrom);
    expect(
      agg.getResult(
        fold(
          agg,
          at([
            [5, 1],
            [5, 2],
            [5, 3],
          ]),
        ),
      ),
    ).toBe(1);
  });

  it('is NaN without records', () => {
    const agg = first(valueFrom, timeFrom);
    expect(agg.getResult(agg.createAccumulator())).toBeNaN();
  });
});
