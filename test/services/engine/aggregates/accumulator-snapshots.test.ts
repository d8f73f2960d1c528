import { describe, expect, it } from 'vitest';
import {
  describeAggregate,
  restoreAccumulator,
  type SnapshotAggregate,
  snapshotAccumulator,
} from '../../../../services/engine/aggregates/accumulator-snapshots.ts';
import { count } from '../../../../services/engine/aggregates/count.ts';
import { first } from '../../../../services/engine/aggregates/first.ts';
import { last } from '../../../../services/engine/aggregates/last.ts';
import { max } from '../../../../services/engine/aggregates/max.ts';
import { mean } from '../../../../services/engine/aggregates/mean.ts';
import { min } from '../../../../services/engine/aggregates/min.ts';
import { namedAggregates } from '../../../../services/engine/aggregates/named-aggregates.ts';
import { percentile, percentiles } from '../../../../services/engine/aggregates/percentiles.ts';
import { stddev } from '../../../../services/engine/aggregates/stddev.ts';
import { sum } from '../../../../services/engine/aggregates/sum.ts';
import { summaryStats } from '../../../../services/engine/aggregates/summary-stats.ts';
import type { AggregateFunction } from '../../../../services/engine/api/functions.ts';
import { copyPlain } from '../../../../services/engine/state/copy-plain.ts';
import { throughCodec } from '../../../support/operator-harness.ts';
import { fold, type TimedValue, timeFrom, valueFrom } from './aggregate-contract.ts';

/** Through the snapshot file codec, as a checkpoint carries it. */
function viaCodec(data: unknown): unknown {
  const snapshot = throughCodec({
    uid: 'agg',
    kind: 'test',
    shape: null,
    keyGroups: new Map([[0, data]]),
    keys: 1,
  });
  return snapshot.keyGroups.get(0);
}

// 600 values, out of order: enough for the t-digest to recompress before and after the cut
const records: TimedValue[] = Array.from({ length: 600 }, (_, i) => ({
  ts: (i * 7919) % 1000,
  v: Math.sin(i) * 100 + (i % 13),
}));

const inputs = { value: valueFrom, time: timeFrom };
const aggregates: [string, () => AggregateFunction<TimedValue, unknown, unknown>][] = [
  ['count', () => count()],
  ['sum', () => sum(valueFrom)],
  ['mean', () => mean(valueFrom)],
  ['min', () => min(valueFrom)],
  ['max', () => max(valueFrom)],
  ['stddev', () => stddev(valueFrom)],
  ['first', () => first(valueFrom, timeFrom)],
  ['last', () => last(valueFrom, timeFrom)],
  ['summaryStats', () => summaryStats(valueFrom)],
  ['percentiles', () => percentiles(valueFrom, { p50: 0.5, p99: 0.99 })],
  ['percentile', () => percentile(valueFrom, 0.9)],
  [
    'namedAggregates',
    () => namedAggregates(['count', 'mean', 'min', 'max', 'stddev', 'sum', 'p50', 'p95'], inputs),
  ],
];

describe('accumulator snapshots', () => {
  for (const [name, make] of aggregates) {
    it(`${name}: snapshot, codec and restore at any point give exactly the uninterrupted result`, () => {
      const agg = make();
      const whole = agg.getResult(fold(agg, records));
      for (const cut of [0, 1, 100, 299, 599, 600]) {
        const acc = fold(agg, records.slice(0, cut));
        const saved = snapshotAccumulator(agg, acc);
        const frozen = copyPlain(saved);
        let restored = restoreAccumulator(agg, viaCodec(saved));
        for (const r of records.slice(cut)) restored = agg.add(r, restored);
        expect(agg.getResult(restored), `cut at ${cut}`).toEqual(whole);
        agg.add(records[0]!, acc); // changing the live accumulator leaves the snapshot alone
        expect(saved).toEqual(frozen);
      }
    });
  }

  it('the summary accumulator is copied: later records do not change the snapshot', () => {
    const agg = summaryStats(valueFrom);
    const acc = fold(agg, records.slice(0, 3));
    const saved = snapshotAccumulator(agg, acc) as number[];
    const copy = [...saved];
    agg.add({ ts: 0, v: 1e6 }, acc);
    expect(saved).toEqual(copy);
  });

  it('describes what an aggregate computes, for state shapes', () => {
    expect(describeAggregate(namedAggregates(['count', 'p95'], inputs))).toEqual({
      aggregates: ['count', 'p95'],
    });
    expect(describeAggregate(summaryStats(valueFrom))).toBe('summary-stats');
    expect(describeAggregate({} as SnapshotAggregate<never, unknown, unknown>)).toBe('custom');
  });

  it('refuses an accumulator that is not plain data, saying what to do', () => {
    class Box {
      n = 1;
    }
    const agg: AggregateFunction<number, Box, number> = {
      createAccumulator: () => new Box(),
      add: (_v, acc) => acc,
      getResult: (acc) => acc.n,
      merge: (a) => a,
    };
    expect(() => snapshotAccumulator(agg, new Box())).toThrow(/instance of Box.*snapshotAccumulator/);
  });
});
