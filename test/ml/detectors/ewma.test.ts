import { describe, expect, it } from 'vitest';
import { EwmaDetector } from '../../../ml/detectors/ewma.ts';
import { thresholdScore } from '../../../ml/detectors/score-mapping.ts';

describe('EwmaDetector (known answers)', () => {
  it('uses exact running moments for the first 1/alpha values: [1, 2, 3, 4] is 2.5 ± √1.25', () => {
    const d = new EwmaDetector({ alpha: 0.1, warmup: 4 });
    [1, 2, 3, 4].forEach((value, i) => {
      d.learnOne({ value }, i);
    });
    const e = d.explainOne({ value: 7 }, 4);
    expect(e.expected).toBe(2.5);
    expect(e.score).toBeCloseTo(thresholdScore(4.5 / Math.sqrt(1.25), 3), 12);
    expect(e.upper! - e.expected!).toBeCloseTo(3 * Math.sqrt(1.25), 12);
  });

  it('weights by alpha after that: alpha 0.5 over [0, 4, 0] gives mean 1, variance 3 (by hand)', () => {
    // n=2: a=1/2, d=4: mean 2, var = ½(0 + ½·16) = 4; n=3: a=½, d=-2: mean 1, var = ½(4 + ½·4) = 3
    const d = new EwmaDetector({ alpha: 0.5, warmup: 3 });
    [0, 4, 0].forEach((value, i) => {
      d.learnOne({ value }, i);
    });
    expect(d.scoreOne({ value: 1 + 3 * Math.sqrt(3) }, 3)).toBeCloseTo(0.5, 12);
    expect(d.explainOne({ value: 1 }, 3).expected).toBe(1);
  });

  it('widens its band with the noise (the adaptive threshold)', () => {
    const calm = new EwmaDetector({ alpha: 0.2, warmup: 2 });
    const noisy = new EwmaDetector({ alpha: 0.2, warmup: 2 });
    for (let i = 0; i < 50; i++) {
      calm.learnOne({ value: i % 2 }, i);
      noisy.learnOne({ value: 10 * (i % 2) }, i);
    }
    const band = (d: EwmaDetector) => {
      const e = d.explainOne({ value: 0 }, 50);
      return e.upper! - e.lower!;
    };
    expect(band(noisy)).toBeCloseTo(10 * band(calm), 9);
  });

  it('scores 0 during warm-up', () => {
    const d = new EwmaDetector({ warmup: 3 });
    d.learnOne({ value: 1 }, 0);
    d.learnOne({ value: 2 }, 1);
    expect(d.scoreOne({ value: 1000 }, 2)).toBe(0);
    expect(d.explainOne({ value: 1000 }, 2).reason).toBe('warming up (2 of 3 values learned)');
  });
});
