import { describe, expect, it } from 'vitest';
import { StandardScaler, standardScalerSpec } from '../../../../ml/models/standard-scaler.ts';
import { createRandom } from '../../../../services/common/random.ts';
import { type Ex, simulateRounds } from './simulate-rounds.ts';

/** 3 subtasks × 5 rounds of readings with two features (one missing now and then). */
function stream(): Ex[][][] {
  const random = createRandom(7);
  return Array.from({ length: 5 }, (_, r) =>
    Array.from({ length: 3 }, (_, s) =>
      Array.from({ length: 10 + r + s * 3 }, (): Ex => {
        const t = 20 + 5 * random.next() + r;
        return { x: random.next() < 0.2 ? { t } : { t, h: 40 + 10 * random.next() } };
      }),
    ),
  );
}

describe('global standard-scaler', () => {
  it('merges to exactly the scaler of the whole stream (Chan et al.), whatever the split', () => {
    const rounds = stream();
    const { model } = simulateRounds(standardScalerSpec, {}, rounds);
    const reference = new StandardScaler();
    for (const examples of rounds.flat()) for (const { x } of examples) reference.learnOne(x);
    const state = (s: StandardScaler) => (s.snapshot().state as { moments: [string, number[]][] }).moments;
    const got = new Map(state(model as StandardScaler));
    for (const [name, [n, mean, m2]] of state(reference)) {
      expect(got.get(name)?.[0]).toBe(n);
      expect(got.get(name)?.[1]).toBeCloseTo(mean!, 12);
      expect(got.get(name)?.[2]).toBeCloseTo(m2!, 9);
    }
    const probe = { t: 23, h: 45 };
    const [a, b] = [(model as StandardScaler).transformOne(probe), reference.transformOne(probe)];
    expect(a.t).toBeCloseTo(b.t!, 12);
    expect(a.h).toBeCloseTo(b.h!, 12);
  });

  it('StandardScaler.merge: has the documented example', () => {
    const [a, b] = [new StandardScaler(), new StandardScaler()];
    a.learnOne({ t: 1 });
    b.learnOne({ t: 3 });
    a.merge(b);
    expect(a.transformOne({ t: 2 })).toEqual({ t: 0 });
    expect(a.transformOne({ t: 2 + Math.SQRT2 })).toEqual({ t: expect.closeTo(1, 12) }); // sample std √2
  });

  it('a partial learns every example (the scaler needs no target) and saves as JSON', () => {
    const { learning } = simulateRounds(standardScalerSpec, {}, []);
    const partial = learning.emptyPartial();
    expect(learning.addExample(partial, new StandardScaler(), { t: 1 }, undefined)).toBe(true);
    const saved = learning.savePartial(partial);
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);
  });
});
