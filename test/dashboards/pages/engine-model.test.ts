import { describe, expect, it } from 'vitest';
import {
  checkpointBars,
  pushBounded,
  sourceLabel,
  throughput,
} from '../../../dashboards/src/pages/engine-model.ts';

describe('engine model', () => {
  it('computes records in per second from successive polls', () => {
    expect(throughput({ at: 0, recordsIn: 100 }, { at: 2_000, recordsIn: 300 })).toBe(100);
    expect(throughput({ at: 0, recordsIn: 100 }, { at: 0, recordsIn: 300 })).toBeUndefined();
    expect(throughput({ at: 0, recordsIn: 300 }, { at: 1_000, recordsIn: 5 })).toBeUndefined(); // restarted
  });

  it('labels parallel splits by subtask', () => {
    expect(sourceLabel({ name: 'readings', subtask: null })).toBe('readings');
    expect(sourceLabel({ name: 'readings', subtask: 1 })).toBe('readings #1');
  });

  it('draws the newest complete checkpoints, oldest first, savepoints marked', () => {
    const row = (
      id: number,
      status: 'complete' | 'corrupt' = 'complete',
      kind: 'checkpoint' | 'savepoint' = 'checkpoint',
    ) => ({
      id,
      kind,
      status,
      createdAt: id * 1000,
      durationMs: id * 10,
      bytes: id * 1024,
    });
    expect(
      checkpointBars([row(4), row(2), row(3, 'corrupt'), row(5, 'complete', 'savepoint'), row(1)], 3),
    ).toEqual({
      ids: ['2', '4', '5 sp'],
      durationsMs: [20, 40, 50],
      sizesKiB: [2, 4, 5],
    });
  });

  it('keeps bounded series bounded', () => {
    const series: number[] = [];
    for (let i = 0; i < 5; i++) pushBounded(series, i, 3);
    expect(series).toEqual([2, 3, 4]);
  });
});
