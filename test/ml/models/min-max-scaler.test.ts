import { describe, expect, it } from 'vitest';
import { MinMaxScaler, minMaxScalerSpec } from '../../../ml/models/min-max-scaler.ts';
import { estimatorConformance, linearStream } from '../support/conformance.ts';

estimatorConformance(minMaxScalerSpec, () => linearStream({ n: 100 }));

describe('MinMaxScaler', () => {
  it('scales to the range seen so far', () => {
    const s = new MinMaxScaler();
    for (const x of [{ t: 10 }, { t: 20 }, { t: 12 }]) s.learnOne(x);
    expect(s.transformOne({ t: 15 })).toEqual({ t: 0.5 });
    expect(s.transformOne({ t: 30 })).toEqual({ t: 2 });
  });

  it('gives 0 for an empty range or a new feature', () => {
    const s = new MinMaxScaler();
    s.learnOne({ a: 4 });
    expect(s.transformOne({ a: 9, b: 1 })).toEqual({ a: 0, b: 0 });
  });
});
