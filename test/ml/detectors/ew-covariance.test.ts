import { describe, expect, it } from 'vitest';
import { EwCovariance } from '../../../ml/detectors/ew-covariance.ts';

describe('EwCovariance', () => {
  it('is the population covariance for the first 1/alpha records, features in name order', () => {
    const c = new EwCovariance(0.01);
    [
      { b: 2, a: 1 },
      { a: 3, b: 6 },
    ].forEach((x) => {
      c.update(x);
    });
    expect(c.names).toEqual(['a', 'b']);
    expect(c.mean).toEqual([2, 4]);
    expect(c.cov).toEqual([
      [1, 2],
      [2, 4],
    ]);
  });

  it('adds a new feature in its place with zero moments, and updates only the present pairs', () => {
    const c = new EwCovariance(0.01);
    c.update({ a: 1, c: 1 });
    c.update({ b: 5, a: 3 });
    expect(c.names).toEqual(['a', 'b', 'c']);
    expect(c.mean).toEqual([2, 5, 1]);
    expect(c.counts).toEqual([
      [2, 1, 1],
      [1, 1, 0],
      [1, 0, 1],
    ]);
    expect(c.cov[0]![0]).toBe(1);
    expect(c.cov[0]![1]).toBe(0); // the a·b pair seen once: no covariance yet
    const copy = EwCovariance.fromJSON(0.01, JSON.parse(JSON.stringify(c.toJSON())));
    expect(copy.toJSON()).toEqual(c.toJSON());
  });
});
