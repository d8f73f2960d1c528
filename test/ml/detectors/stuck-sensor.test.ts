import { describe, expect, it } from 'vitest';
import { ratioScore } from '../../../ml/detectors/score-mapping.ts';
import { StuckSensor } from '../../../ml/detectors/stuck-sensor.ts';

describe('StuckSensor (known answers)', () => {
  it('reaches 0.5 after exactly minCount equal values, rising with (n / minCount)²/(1 + (n / minCount)²)', () => {
    const d = new StuckSensor({ minCount: 4 });
    const scores = [5, 5, 5, 5, 5, 5, 5, 5].map((value, i) => {
      const s = d.scoreOne({ value }, i * 1000);
      d.learnOne({ value }, i * 1000);
      return s;
    });
    expect(scores).toEqual([
      0,
      ratioScore(2 / 4),
      ratioScore(3 / 4),
      0.5,
      ratioScore(5 / 4),
      ratioScore(6 / 4),
      ratioScore(7 / 4),
      0.8,
    ]);
    expect(d.explainOne({ value: 5 }, 8000)).toEqual({
      score: ratioScore(9 / 4),
      expected: 5,
      reason: 'flat at 5 for 9 records over 8 s',
    });
    expect(d.scoreOne({ value: 5.000001 }, 8000)).toBe(0);
  });

  it('compares with the first value of the run (epsilon), so a slow drift breaks it', () => {
    const d = new StuckSensor({ minCount: 2, epsilon: 0.1 });
    [5, 5.05, 5.1].forEach((value, i) => {
      d.learnOne({ value }, i);
    });
    expect(d.scoreOne({ value: 4.95 }, 3)).toBe(ratioScore(4 / 2));
    expect(d.scoreOne({ value: 5.15 }, 3)).toBe(0);
  });

  it('needs minDurationMs as well when given', () => {
    const d = new StuckSensor({ minCount: 3, minDurationMs: 10_000 });
    for (let i = 0; i < 3; i++) d.learnOne({ value: 1 }, i * 1000);
    expect(d.scoreOne({ value: 1 }, 3000)).toBe(ratioScore(3 / 10)); // 3 s of 10
    for (let i = 3; i < 10; i++) d.learnOne({ value: 1 }, i * 1000);
    expect(d.scoreOne({ value: 1 }, 10_000)).toBe(0.5); // 11 records over 10 s
  });
});
