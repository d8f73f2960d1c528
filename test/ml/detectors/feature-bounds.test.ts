import { describe, expect, it } from 'vitest';
import { FeatureBounds, parseLimits } from '../../../ml/detectors/feature-bounds.ts';

describe('FeatureBounds', () => {
  it('scales by given limits, else by the learned min and max', () => {
    const b = new FeatureBounds(parseLimits('hst', 'h:0:100, t2:-40:85'));
    b.learn({ t: 10, h: 500 });
    expect(b.scale('t', 10)).toBe(0); // one value: no spread yet
    b.learn({ t: 20 });
    expect([b.scale('h', 25), b.scale('t', 15), b.scale('t', 30), b.scale('t2', 22.5)]).toEqual([
      0.25, 0.5, 2, 0.5,
    ]);
    expect(b.scale('never', 3)).toBe(0);
    expect(b.toJSON()).toEqual([['t', 10, 20]]);
  });

  it('parses limits and refuses malformed entries', () => {
    expect(parseLimits('hst', '')).toEqual(new Map());
    expect(parseLimits('hst', 'a:-1:1,b:0:2')).toEqual(
      new Map([
        ['a', [-1, 1]],
        ['b', [0, 2]],
      ]),
    );
    for (const bad of ['a:1', 'a:x:1', 'a:1:1', 'a::1', ':0:1x']) {
      expect(() => parseLimits('hst', bad), bad).toThrow(/hst: limits entry/);
    }
  });
});
