import type { Key } from './api/functions.ts';
import { murmur3OfString } from './murmur3-string.ts';

/**
 * Key groups, as in Flink: keyed state is partitioned into `maxParallelism` key groups, the unit
 * of state redistribution. A key always maps to the same group; a group maps to a subtask by
 * integer range, so state taken at parallelism P restores at any P' by moving whole groups.
 *
 * @example
 * const group = keyGroupOf('boiler-1/temperature', 128); // stable, in [0, 128)
 * subtaskOf(group, 2, 128); // 0 for groups 0..63, 1 for 64..127
 */
export const DEFAULT_MAX_PARALLELISM = 128;

export function keyGroupOf(key: Key, maxParallelism: number): number {
  return murmur3OfString(typeof key === 'string' ? key : String(key)) % maxParallelism;
}

/** Flink's `computeOperatorIndexForKeyGroup`. */
export function subtaskOf(keyGroup: number, parallelism: number, maxParallelism: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The key groups `[start, end]` a subtask owns (Flink's `computeKeyGroupRangeForOperatorIndex`). */
export function keyGroupRange(
  subtask: number,
  parallelism: number,
  maxParallelism: number,
): { start: number; end: number } {
  return {
    start: Math.ceil((subtask * maxParallelism) / parallelism),
    end: Math.ceil(((subtask + 1) * maxParallelism) / parallelism) - 1,
  };
}

export function validateParallelism(parallelism: number, maxParallelism: number): void {
  if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > 32_768) {
    throw new RangeError(`maxParallelism must be an integer in [1, 32768], got ${maxParallelism}`);
  }
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > maxParallelism) {
    throw new RangeError(
      `parallelism must be an integer in [1, maxParallelism=${maxParallelism}], got ${parallelism}`,
    );
  }
}
