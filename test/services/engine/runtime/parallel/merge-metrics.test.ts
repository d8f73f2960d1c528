import { describe, expect, it } from 'vitest';
import { mergeOperatorMetrics } from '../../../../../services/engine/runtime/parallel/merge-metrics.ts';
import type { OperatorMetrics } from '../../../../../services/engine/runtime/stream-operator.ts';

const window = (recordsIn: number, watermark: number, stateBytes: number): OperatorMetrics => ({
  name: 'window(10s)',
  recordsIn,
  recordsOut: recordsIn / 10,
  watermark,
  lateRecordsDropped: 1,
  stateKeys: 2,
  stateEntries: 3,
  stateBytes,
});

describe('mergeOperatorMetrics', () => {
  it("sums a subtask operator's counters and state over its subtasks and takes the slowest watermark", () => {
    const merged = mergeOperatorMetrics([], [
      { operators: [window(100, 50, 1_000)], nodes: [3] },
      { operators: [window(60, 40, 600)], nodes: [3] },
    ] as never);
    expect(merged).toEqual([
      {
        name: 'window(10s)',
        recordsIn: 160,
        recordsOut: 16,
        watermark: 40,
        lateRecordsDropped: 2,
        stateKeys: 4,
        stateEntries: 6,
        stateBytes: 1_600,
      },
    ]);
  });
});

describe('mergeOperatorMetrics of per-key operators', () => {
  it('sums the keys each subtask expired', () => {
    const model = (keysExpired: number): OperatorMetrics => ({
      name: 'model(power)',
      recordsIn: 1,
      recordsOut: 1,
      watermark: 0,
      stateKeys: 1,
      keysExpired,
    });
    const merged = mergeOperatorMetrics([], [
      { operators: [model(7)], nodes: [2] },
      { operators: [model(5)], nodes: [2] },
    ] as never);
    expect(merged[0]).toMatchObject({ stateKeys: 2, keysExpired: 12 });
  });
});
