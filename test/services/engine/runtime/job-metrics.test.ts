import { describe, expect, it } from 'vitest';
import { buildJobMetrics } from '../../../../services/engine/runtime/job-metrics.ts';
import type {
  SubtaskCheckpointMetrics,
  SubtaskMetrics,
} from '../../../../services/engine/runtime/parallel/control-messages.ts';

const checkpoints: SubtaskCheckpointMetrics = {
  barriersInFlight: 1,
  alignments: [
    {
      task: 'window',
      aligning: 3,
      blockedInputs: 1,
      lastAlignmentMs: 4,
      maxAlignmentMs: 9,
      aligned: 2,
      aborted: 0,
    },
  ],
  lastPauseMs: 1,
  maxPauseMs: 2,
  acknowledged: 2,
  declined: 0,
};

function pushed(subtask: number, withCheckpoints: boolean): SubtaskMetrics {
  return {
    subtask,
    operators: [],
    nodes: [],
    sources: [],
    channels: [],
    queuedBatches: 2,
    busy: 0.25,
    ...(withCheckpoints ? { checkpoints } : {}),
  };
}

describe('buildJobMetrics', () => {
  it("passes each worker's pushed checkpoint metrics on with its load", () => {
    const metrics = buildJobMetrics({ name: 'j', state: 'running', parallelism: 2 }, [], [], [], undefined, [
      pushed(0, true),
      pushed(1, false),
    ]);
    expect(metrics.subtasks).toEqual([
      { subtask: 0, busy: 0.25, queuedBatches: 2, checkpoints },
      { subtask: 1, busy: 0.25, queuedBatches: 2 },
    ]);
  });
});
