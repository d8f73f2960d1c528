import { describe, expect, it } from 'vitest';
import { thresholdScore } from '../../../ml/detectors/score-mapping.ts';
import { SeasonalResidual } from '../../../ml/detectors/seasonal-residual.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('SeasonalResidual (known answers)', () => {
  it('keeps one mean and std per hour of the day: 00:xx is 11 ± 1, 01:xx is 30', () => {
    const d = new SeasonalResidual({ bucketMinutes: 60, warmup: 2 });
    d.learnOne({ value: 10 }, 0);
    d.learnOne({ value: 12 }, MINUTE);
    d.learnOne({ value: 30 }, HOUR);
    d.learnOne({ value: 30 }, HOUR + MINUTE);
    const e = d.explainOne({ value: 14 }, DAY + 2 * MINUTE);
    expect(e).toEqual({
      score: 0.5,
      expected: 11,
      lower: 8,
      upper: 14,
      reason: '14 is 3 std from the usual 11 for 00:00–01:00',
    });
    // 14 is far from 01:xx's 30 (a constant): score 1; 30 there is normal
    expect(d.scoreOne({ value: 14 }, DAY + HOUR + 5 * MINUTE)).toBe(1);
    expect(d.scoreOne({ value: 30 }, DAY + HOUR + 5 * MINUTE)).toBe(thresholdScore(0, 3));
  });

  it('buckets by local time: with utcOffsetMinutes 60, 23:10 UTC is 00:10 local', () => {
    const d = new SeasonalResidual({ bucketMinutes: 60, utcOffsetMinutes: 60, warmup: 2 });
    d.learnOne({ value: 10 }, 23 * HOUR + 10 * MINUTE);
    d.learnOne({ value: 12 }, 23 * HOUR + 20 * MINUTE);
    const e = d.explainOne({ value: 14 }, DAY + 23 * HOUR + 40 * MINUTE);
    expect(e.score).toBe(0.5);
    expect(e.reason).toContain('00:00–01:00');
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
