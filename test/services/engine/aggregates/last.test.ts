import { describe, expect, it } from 'vitest';
import { last } from '../../../../services/engine/aggregates/last.ts';
import { aggregateContract, fold, type TimedValue, timeFrom, valueFrom } from './aggregate-contract.ts';

const at = (pairs: [number, number][]): TimedValue[] => pairs.map(([ts, v]) => ({ ts, v }));

describe('last (by event time)', () => {
  aggregateContract(() => last(valueFrom, timeFrom));

  it('takes the value with the latest event time, not the last to arrive', () => {
    const agg = last(valueFrom, timeFrom);
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
    ).toBe(30);
  });

  it('breaks ties by arrival: the later record wins', () => {
    const agg = last(valueFrom, timeFrom);
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
    ).toBe(3);
  });

  it('is NaN without records', () => {
    const agg = last(valueFrom, timeFrom);
    expect(agg.getResult(agg.createAccumulator())).toBeNaN();
  });
});
