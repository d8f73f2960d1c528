import { describe, expect, it } from 'vitest';
import { keyGroupOf, subtaskOf } from '../../../../../services/engine/key-groups.ts';
import type { ExchangeOutput } from '../../../../../services/engine/runtime/channels/exchange-output.ts';
import { KeyGroupPartitioner } from '../../../../../services/engine/runtime/channels/key-group-partitioner.ts';

function recorder(log: string[], subtask: number): ExchangeOutput<string> {
  return {
    collect: (value) => log.push(`${subtask}:${value}`),
    emitWatermark: (w) => log.push(`${subtask}:wm${w}`),
    markIdle: () => log.push(`${subtask}:idle`),
    markActive: () => log.push(`${subtask}:active`),
    end: () => log.push(`${subtask}:end`),
    emitBarrier: (id) => log.push(`${subtask}:barrier${id}`),
  };
}

describe('KeyGroupPartitioner', () => {
  it("sends each record to the subtask owning its key's key group, and everything else to all", () => {
    const log: string[] = [];
    const partitioner = new KeyGroupPartitioner(
      (s: string) => s,
      [0, 1, 2, 3].map((i) => recorder(log, i)),
      128,
    );
    const keys = Array.from({ length: 50 }, (_, i) => `device-${i}`);
    for (const key of [...keys, ...keys]) partitioner.collect(key, 0);
    const expected = [...keys, ...keys].map((k) => `${subtaskOf(keyGroupOf(k, 128), 4, 128)}:${k}`);
    expect(log).toEqual(expected);
    expect(new Set(log.map((l) => l[0])).size).toBe(4); // 50 keys spread over all 4 subtasks
    log.length = 0;
    partitioner.emitWatermark(9);
    partitioner.markIdle();
    partitioner.emitBarrier(7);
    partitioner.end();
    expect(log).toEqual([
      '0:wm9',
      '1:wm9',
      '2:wm9',
      '3:wm9',
      '0:idle',
      '1:idle',
      '2:idle',
      '3:idle',
      '0:barrier7',
      '1:barrier7',
      '2:barrier7',
      '3:barrier7',
      '0:end',
      '1:end',
      '2:end',
      '3:end',
    ]);
  });
});
