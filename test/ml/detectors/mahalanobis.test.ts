import { describe, expect, it } from 'vitest';
import { MahalanobisDetector } from '../../../ml/detectors/mahalanobis.ts';
import { RollingZScore } from '../../../ml/detectors/rolling-z-score.ts';
import { chiSquareToZ, thresholdScore } from '../../../ml/detectors/score-mapping.ts';
import { correlationStream } from './support/planted-streams.ts';
import { rocAucOf, scoreStream } from './support/score-stream.ts';

/** Mean (0, 0), covariance [[2, 1], [1, 2]] / 3 (population): its inverse is [[2, -1], [-1, 2]]. */
const POINTS = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
  [1, 1],
  [-1, -1],
] as const;

function fed(params: ConstructorParameters<typeof MahalanobisDetector>[0] = {}): MahalanobisDetector {
  const d = new MahalanobisDetector({ warmup: 6, ridge: 0, ...params });
  POINTS.forEach(([a, b], i) => {
    d.learnOne({ a, b }, i);
  });
  return d;
}

const scoreOf = (d2: number, k: number) => thresholdScore(chiSquareToZ(d2, k), 3);

describe('MahalanobisDetector (known answers)', () => {
  it('computes D² of known points: (1, -1) across the correlation is 6, (1, 1) along it is 2', () => {
    const d = fed();
    expect(d.scoreOne({ a: 1, b: -1 })).toBeCloseTo(scoreOf(6, 2), 12);
    expect(d.scoreOne({ a: 1, b: 1 })).toBeCloseTo(scoreOf(2, 2), 12);
    expect(d.explainOne({ b: -1, a: 1 }).reason).toMatch(
      /^Mahalanobis D² 6 over 2 features \(z 1\.66\); most unusual: /,
    );
  });

  it('uses the marginal of the features a record has: a alone is a z-score (variance 2/3)', () => {
    const d = fed();
    expect(d.scoreOne({ a: 2 })).toBeCloseTo(scoreOf(4 / (2 / 3), 1), 12);
  });

  it('regularises with a ridge relative to the mean variance', () => {
    // trace / k = 2/3, λ = 0.5 · 2/3 = 1/3: Σ + λI = [[1, 1/3], [1/3, 1]], D²(1, -1) = 2 / (2/3) = 3
    expect(fed({ ridge: 0.5 }).scoreOne({ a: 1, b: -1 })).toBeCloseTo(scoreOf(3, 2), 12);
  });

  it('takes a new feature in only after `warmup` records, leaving the others unchanged', () => {
    const base = fed({ warmup: 3 });
    const grown = fed({ warmup: 3 });
    grown.learnOne({ a: 0, b: 0, c: 5 }, 6);
    base.learnOne({ a: 0, b: 0 }, 6);
    grown.learnOne({ a: 1, b: 1, c: 6 }, 7);
    base.learnOne({ a: 1, b: 1 }, 7);
    expect(grown.scoreOne({ a: 1, b: -1, c: 100 })).toBe(base.scoreOne({ a: 1, b: -1 }));
    grown.learnOne({ a: 0, b: 1, c: 7 }, 8);
    expect(grown.explainOne({ a: 0, b: 0, c: 100 }).reason).toContain('over 3 features');
  });

  it('scores 0 while no feature is warmed up', () => {
    const d = new MahalanobisDetector({ warmup: 3 });
    d.learnOne({ a: 1 }, 0);
    expect(d.scoreOne({ a: 100 })).toBe(0);
    expect(d.explainOne({ a: 100 }).reason).toBe('warming up (no feature learned from 3 records yet)');
  });

  it('finds pairs that break a correlation, which a detector on either metric alone barely sees', () => {
    const records = correlationStream();
    const joint = rocAucOf(scoreStream(new MahalanobisDetector(), records), records);
    const onB = rocAucOf(scoreStream(new RollingZScore({ feature: 'b' }), records), records);
    expect(joint).toBeGreaterThan(0.99);
    expect(onB).toBeLessThan(0.8);
  });
});
