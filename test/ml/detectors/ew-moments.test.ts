import { describe, expect, it } from 'vitest';
import { EwMoments } from '../../../ml/detectors/ew-moments.ts';

describe('EwMoments', () => {
  it('is the exact mean and population variance for the first 1/alpha values', () => {
    const m = new EwMoments(0.1);
    [1, 2, 3, 4].forEach((v) => {
      m.update(v);
    });
    expect([m.n, m.mean, m.variance]).toEqual([4, 2.5, 1.25]);
  });

  it('forgets with alpha after that, and round-trips through JSON', () => {
    const m = new EwMoments(0.5);
    [0, 4, 0].forEach((v) => {
      m.update(v);
    });
    expect([m.mean, m.variance]).toEqual([1, 3]);
    const copy = EwMoments.fromJSON(0.5, m.toJSON());
    copy.update(5);
    m.update(5);
    expect(copy.toJSON()).toEqual(m.toJSON());
  });

  it('refuses alpha outside (0, 1]', () => {
    expect(() => new EwMoments(0)).toThrow('alpha must be in (0, 1], got 0');
  });

  it('rests on every value while running, then on (2 - alpha) / alpha of them', () => {
    const m = new EwMoments(0.05);
    for (let i = 0; i < 10; i++) m.update(i);
    expect(m.effectiveCount).toBe(10);
    for (let i = 0; i < 100; i++) m.update(i);
    expect(m.effectiveCount).toBeCloseTo(39, 12);
  });
});
