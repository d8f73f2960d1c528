import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from '../../../ml/tf/replay-buffer.ts';
import { throughJson } from './tf-test-support.ts';

const row = (i: number) => ({ x: [i], y: [i] });

describe('ReplayBuffer', () => {
  it('fifo keeps the latest rows, never more than its capacity', () => {
    const buffer = new ReplayBuffer({ capacity: 3, policy: 'fifo', seed: 1 });
    for (let i = 0; i < 10; i++) buffer.add(row(i));
    expect(buffer.size).toBe(3);
    expect(buffer.seenCount).toBe(10);
    expect(
      buffer
        .state()
        .rows.map((r) => r.x[0])
        .sort(),
    ).toEqual([7, 8, 9]);
  });

  it('reservoir keeps a uniform sample of everything seen (algorithm R)', () => {
    const buffer = new ReplayBuffer({ capacity: 200, policy: 'reservoir', seed: 2 });
    for (let i = 0; i < 10_000; i++) buffer.add(row(i));
    const kept = buffer.state().rows.map((r) => r.x[0] ?? 0);
    expect(kept).toHaveLength(200);
    const mean = kept.reduce((s, v) => s + v, 0) / kept.length;
    // Uniform over 0..9999: mean 5000, standard error 2887 / sqrt(200) ≈ 204.
    expect(Math.abs(mean - 5000)).toBeLessThan(4 * 204);
    expect(kept.filter((v) => v < 5000).length).toBeGreaterThan(60);
  });

  it('samples with replacement, seeded, and resumes identically from its state', () => {
    const a = new ReplayBuffer({ capacity: 50, policy: 'reservoir', seed: 3 });
    for (let i = 0; i < 80; i++) a.add(row(i));
    const b = new ReplayBuffer({ capacity: 50, policy: 'reservoir', seed: 999 });
    b.restore(throughJson(a.state()));
    for (let i = 80; i < 120; i++) {
      a.add(row(i));
      b.add(row(i));
    }
    expect(b.sample(16)).toEqual(a.sample(16));
    expect(new ReplayBuffer({ capacity: 1, policy: 'fifo', seed: 1 }).sample(4)).toEqual([]);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new ReplayBuffer({ capacity: 0, policy: 'fifo', seed: 1 })).toThrow(/capacity/);
  });
});
