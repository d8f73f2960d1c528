import erfcinv from '@stdlib/math-base-special-erfcinv';
import { describe, expect, it } from 'vitest';
import { EwMoments } from '../../../ml/detectors/ew-moments.ts';
import { predictiveDeviation } from '../../../ml/detectors/predictive-z.ts';
import { thresholdScore } from '../../../ml/detectors/score-mapping.ts';
import { SeasonalResidual } from '../../../ml/detectors/seasonal-residual.ts';
import { createRandom } from '../../../services/common/random.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The normal z whose upper tail is 1/6 (Wolfram: InverseCDF[NormalDistribution[], 5/6]). */
const CAUCHY_Z = 0.967421566101701;
/** P(Z > 3) for a standard normal. */
const NORMAL_TAIL_3 = 0.0013498980316301;

describe('SeasonalResidual (known answers)', () => {
  it('keeps one mean and std per hour of the day: 00:xx is 11 ± 1, 01:xx is 30', () => {
    const d = new SeasonalResidual({ bucketMinutes: 60, warmup: 2 });
    d.learnOne({ value: 10 }, 0);
    d.learnOne({ value: 12 }, MINUTE);
    d.learnOne({ value: 30 }, HOUR);
    d.learnOne({ value: 30 }, HOUR + MINUTE);
    // After 2 values, 3 (population) std is t = 3 / sqrt(3) with 1 degree of freedom (Cauchy):
    // upper tail 1/2 - atan(sqrt 3)/pi = 1/6, as rare as the normal z with tail 1/6
    const z = CAUCHY_Z;
    const e = d.explainOne({ value: 14 }, DAY + 2 * MINUTE);
    expect(e.score).toBeCloseTo(thresholdScore(z, 3), 12);
    expect(e.expected).toBe(11);
    // the band is where z reaches 3: t = cot(pi * P(Z > 3)), deviation t * sqrt(3)
    const half = Math.sqrt(3) / Math.tan(Math.PI * NORMAL_TAIL_3);
    expect(e.lower).toBeCloseTo(11 - half, 6);
    expect(e.upper).toBeCloseTo(11 + half, 6);
    expect(e.reason).toBe('14 is 3 std from the usual 11 for 00:00–01:00 (0.9674 corrected for 2 values)');
    // 14 is far from 01:xx's 30 (a constant): score 1; 30 there is normal
    expect(d.scoreOne({ value: 14 }, DAY + HOUR + 5 * MINUTE)).toBe(1);
    expect(d.scoreOne({ value: 30 }, DAY + HOUR + 5 * MINUTE)).toBe(thresholdScore(0, 3));
  });

  it('buckets by local time: with utcOffsetMinutes 60, 23:10 UTC is 00:10 local', () => {
    const d = new SeasonalResidual({ bucketMinutes: 60, utcOffsetMinutes: 60, warmup: 2 });
    d.learnOne({ value: 10 }, 23 * HOUR + 10 * MINUTE);
    d.learnOne({ value: 12 }, 23 * HOUR + 20 * MINUTE);
    const e = d.explainOne({ value: 14 }, DAY + 23 * HOUR + 40 * MINUTE);
    expect(e.score).toBeCloseTo(thresholdScore(CAUCHY_Z, 3), 12);
    expect(e.reason).toContain('00:00–01:00');
  });

  it('with falseAlarmsPerDay, raises the threshold with the sampling rate to keep that budget', () => {
    const d = new SeasonalResidual({ threshold: 3, falseAlarmsPerDay: 0.01, warmup: 2 });
    const bucket = new EwMoments(0.05); // the same values, in the same (00:00–01:00) bucket
    for (let i = 0; i < 100; i++) {
      const value = i % 2 === 0 ? 10 : 12;
      d.learnOne({ value }, i * 1_000);
      bucket.update(value);
    }
    // every second: a false alarm in 0.01 * 86,400 values, so the two-sided normal tail is 1/8,640,000
    const perValue = 0.01 / 86_400;
    const threshold = Math.SQRT2 * erfcinv(perValue);
    const e = d.explainOne({ value: 11 }, 100_000);
    const half = (e.upper! - e.lower!) / 2;
    expect(e.expected).toBeCloseTo(bucket.mean, 12);
    // alpha 0.05: the moments rest on (2 - 0.05) / 0.05 = 39 effective values
    expect(half).toBeCloseTo(predictiveDeviation(threshold, bucket.std, 39), 9);
    expect(d.scoreOne({ value: bucket.mean + half }, 100_000)).toBeCloseTo(0.5, 6);
    // every 5 minutes the budget allows a lower threshold (the same values, in one daily bucket)
    const slow = new SeasonalResidual({
      threshold: 3,
      falseAlarmsPerDay: 0.01,
      warmup: 2,
      bucketMinutes: 1440,
    });
    for (let i = 0; i < 100; i++) slow.learnOne({ value: i % 2 === 0 ? 10 : 12 }, i * 300_000);
    const slowThreshold = Math.SQRT2 * erfcinv((0.01 * 300) / 86_400);
    const e2 = slow.explainOne({ value: 11 }, 100 * 300_000);
    const slowHalf = (e2.upper! - e2.lower!) / 2;
    expect(slowHalf).toBeCloseTo(predictiveDeviation(slowThreshold, bucket.std, 39), 9);
    expect(slowHalf).toBeLessThan(half);
    // …but never below `threshold`
    expect(slowThreshold).toBeGreaterThan(3);
    const floor = new SeasonalResidual({
      threshold: 4.5,
      falseAlarmsPerDay: 0.01,
      warmup: 2,
      bucketMinutes: 1440,
    });
    for (let i = 0; i < 100; i++) floor.learnOne({ value: i % 2 === 0 ? 10 : 12 }, i * 300_000);
    const e3 = floor.explainOne({ value: 11 }, 100 * 300_000);
    expect((e3.upper! - e3.lower!) / 2).toBeCloseTo(predictiveDeviation(4.5, bucket.std, 39), 9);
  });

  it('keeps the series interval in its snapshot: restored, it scores the same', () => {
    const d = new SeasonalResidual({ falseAlarmsPerDay: 0.01, warmup: 2 });
    for (let i = 0; i < 50; i++) d.learnOne({ value: 10 + (i % 3) }, i * 1_000);
    const copy = new SeasonalResidual({ falseAlarmsPerDay: 0.01, warmup: 2 });
    copy.restore(JSON.parse(JSON.stringify(d.snapshot())));
    for (const value of [11, 14, 18, 25])
      expect(copy.scoreOne({ value }, 50_000)).toBe(d.scoreOne({ value }, 50_000));
  });

  it('on Gaussian noise sampled every second, alerts far less than the plain z did', () => {
    const random = createRandom(3);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    let alarms = 0;
    for (let s = 0; s < 200; s++) {
      const d = new SeasonalResidual({ threshold: 3, falseAlarmsPerDay: 0.01 });
      for (let i = 0; i < 600; i++) {
        const x = 20 + gauss();
        if (d.scoreOne({ value: x }, i * 1_000) >= 0.5) alarms++;
        d.learnOne({ value: x }, i * 1_000);
      }
    }
    // 200 series x 10 minutes: the budget allows 200 * 0.01 / 144 = 0.014 false alarms in all
    expect(alarms).toBe(0);
  });

  it('scores 0 in a bucket until it has `warmup` values', () => {
    const d = new SeasonalResidual({ bucketMinutes: 30, warmup: 3 });
    d.learnOne({ value: 1 }, 0);
    d.learnOne({ value: 2 }, MINUTE);
    expect(d.scoreOne({ value: 100 }, 2 * MINUTE)).toBe(0);
    expect(d.explainOne({ value: 100 }, 2 * MINUTE).reason).toBe(
      'warming up (2 of 3 values for 00:00–00:30 learned)',
    );
    expect(d.scoreOne({ value: 100 }, 40 * MINUTE)).toBe(0);
  });

  it('refuses a bucket wider than a day', () => {
    expect(() => new SeasonalResidual({ bucketMinutes: 2000 })).toThrow(
      /bucketMinutes must be an integer from 1 to 1440/,
    );
  });
});
