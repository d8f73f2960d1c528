import { describe, expect, it } from 'vitest';
import {
  WindowedMinMaxScaler,
  windowedMinMaxScalerSpec,
} from '../../../ml/models/windowed-min-max-scaler.ts';
import {
  WindowedStandardScaler,
  windowedStandardScalerSpec,
} from '../../../ml/models/windowed-standard-scaler.ts';
import { createRandom } from '../../../services/common/random.ts';
import { estimatorConformance, linearStream } from '../support/conformance.ts';

estimatorConformance(windowedStandardScalerSpec, () => linearStream({ n: 100 }), { params: { window: 7 } });
estimatorConformance(windowedMinMaxScalerSpec, () => linearStream({ n: 100 }), { params: { window: 7 } });

/** Sample mean and standard deviation, computed directly. */
function meanStd(values: readonly number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return [mean, Math.sqrt(ss / (values.length - 1))];
}

describe('WindowedStandardScaler', () => {
  it('has the documented example', () => {
    const s = new WindowedStandardScaler({ window: 2 });
    for (const x of [{ t: 100 }, { t: 1 }, { t: 3 }]) s.learnOne(x);
    expect(s.transformOne({ t: 4 }).t).toBeCloseTo(2 / Math.SQRT2, 12);
  });

  it("matches the direct computation over each feature's last N values", () => {
    const random = createRandom(5);
    const s = new WindowedStandardScaler({ window: 10 });
    const seen: number[] = [];
    for (let i = 0; i < 500; i++) {
      const v = random.normal(i / 10, 1 + (i % 7));
      s.learnOne({ v });
      seen.push(v);
      if (i >= 1 && i % 37 === 0) {
        const [mean, std] = meanStd(seen.slice(-10));
        expect(s.transformOne({ v: 3 }).v).toBeCloseTo((3 - mean) / std, 9);
      }
    }
  });
});

describe('WindowedMinMaxScaler', () => {
  it('has the documented example', () => {
    const s = new WindowedMinMaxScaler({ window: 2 });
    for (const x of [{ t: 100 }, { t: 0 }, { t: 10 }]) s.learnOne(x);
    expect(s.transformOne({ t: 5 })).toEqual({ t: 0.5 });
  });

  it("matches the direct computation over each feature's last N values", () => {
    const random = createRandom(6);
    const s = new WindowedMinMaxScaler({ window: 8 });
    const seen: number[] = [];
    for (let i = 0; i < 400; i++) {
      const v = random.int(50);
      s.learnOne({ v });
      seen.push(v);
      const last = seen.slice(-8);
      const [min, max] = [Math.min(...last), Math.max(...last)];
      const expected = max > min ? (25 - min) / (max - min) : 0;
      expect(s.transformOne({ v: 25 }).v).toBeCloseTo(expected, 12);
    }
  });

  it('rejects a window below 1', () => {
    expect(() => new WindowedMinMaxScaler({ window: 0 })).toThrow(/window/);
  });
});
