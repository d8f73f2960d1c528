import { describe, expect, it } from 'vitest';
import { HstTree } from '../../../ml/detectors/hst-tree.ts';
import { createRandom } from '../../../services/common/random.ts';

describe('HstTree', () => {
  it('adds mass · 2^depth along the path (the example of its doc comment)', () => {
    const t = HstTree.build(1, 1, createRandom(0));
    t.learn([0]);
    t.learn([0]);
    t.pivot();
    expect(t.walk([0], 0.2)).toEqual({ score: 6, depth: 1, mass: 2 });
    expect(t.walk([1], 0.2)).toEqual({ score: 2, depth: 1, mass: 0 });
  });

  it('sends a record missing the split feature down the child busier in the current window', () => {
    const t = HstTree.build(1, 1, createRandom(0));
    t.learn([1]);
    t.learn([1]);
    t.pivot();
    t.learn([1]); // the current window went right
    expect(t.walk([Number.NaN], 0)).toEqual({ score: 2 + 2 * 2, depth: 1, mass: 2 });
  });

  it('is built from the seed alone: the same seed, the same tree', () => {
    const build = (seed: number) => {
      const t = HstTree.build(4, 3, createRandom(seed));
      for (let i = 0; i < 50; i++) t.learn([(i % 7) / 7, (i % 3) / 3, (i % 11) / 11]);
      t.pivot();
      return t.walk([0.3, 0.6, 0.9], 0).score;
    };
    expect(build(1)).toBe(build(1));
    expect([build(1), build(2), build(3)].some((s, _, all) => s !== all[0])).toBe(true);
  });

  it('refuses masses of another shape', () => {
    expect(() => HstTree.build(2, 1, createRandom(0)).loadMasses([1], [1])).toThrow(
      'half-space tree: 1 masses for a tree of 7 nodes',
    );
  });
});
