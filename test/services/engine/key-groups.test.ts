import { describe, expect, it } from 'vitest';
import {
  keyGroupOf,
  keyGroupRange,
  subtaskOf,
  validateParallelism,
} from '../../../services/engine/key-groups.ts';

describe('key groups', () => {
  it('maps a key to a stable group in [0, maxParallelism)', () => {
    const group = keyGroupOf('boiler-1/temperature', 128);
    expect(group).toBe(keyGroupOf('boiler-1/temperature', 128));
    expect(group).toBeGreaterThanOrEqual(0);
    expect(group).toBeLessThan(128);
  });

  it('spreads keys over groups', () => {
    const groups = new Set(Array.from({ length: 1000 }, (_, i) => keyGroupOf(`device-${i}`, 128)));
    expect(groups.size).toBeGreaterThan(120);
  });

  it("assigns groups to subtasks by Flink's integer ranges, and ranges agree with the assignment", () => {
    for (const parallelism of [1, 2, 3, 5, 128]) {
      for (let subtask = 0; subtask < parallelism; subtask++) {
        const { start, end } = keyGroupRange(subtask, parallelism, 128);
        for (let g = start; g <= end; g++) expect(subtaskOf(g, parallelism, 128)).toBe(subtask);
      }
    }
    expect(subtaskOf(63, 2, 128)).toBe(0);
    expect(subtaskOf(64, 2, 128)).toBe(1);
  });

  it('validates parallelism', () => {
    expect(() => validateParallelism(0, 128)).toThrow(/parallelism/);
    expect(() => validateParallelism(129, 128)).toThrow(/parallelism/);
  });
});
