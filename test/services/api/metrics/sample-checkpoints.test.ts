import { describe, expect, it } from 'vitest';
import { type MonitoredJob, sampleEngine } from '../../../../services/api/metrics/sample-engine.ts';
import type { JobCheckpointStats } from '../../../../services/engine/runtime/checkpointing/checkpointing-options.ts';
import type { JobMetrics } from '../../../../services/engine/runtime/job-execution.ts';

const T = 1_700_000_000_000;

const base: JobMetrics = { name: 'j', state: 'running', sources: [], operators: [] };

/** The samples of checkpoint families, as `family{labels} value` lines. */
function lines(jobs: readonly MonitoredJob[]): string[] {
  return sampleEngine(jobs, T)
    .filter((s) =>
      /^(checkpoint|subtask|alignment|source(Awaiting|Redeliveries|CheckpointRequests))/.test(s.family),
    )
    .map(
      (s) =>
        `${s.family}{${Object.entries(s.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}} ${s.value}`,
    );
}

const stats: JobCheckpointStats = {
  last: {
    id: 7,
    kind: 'checkpoint',
    durationMs: 1_250,
    bytes: 40_960,
    keys: 300,
    longestPauseMs: 12,
    longestPauseTask: 'main#0',
  },
  maxPauseMs: 30,
  completed: 6,
  aborted: 1,
  skipped: 2,
  pending: 8,
  queuedSavepoints: 0,
  main: { id: 7, pauseMs: 12, longestSliceMs: 4, slices: 3, persistMs: 20 },
};

describe('sampleEngine: checkpoints', () => {
  it("reports the coordinator's counters and its last checkpoint, times in seconds", () => {
    const job = { metrics: () => base, checkpointStats: () => stats };
    expect(lines([{ job }])).toEqual([
      'checkpointsCompleted{job=j} 6',
      'checkpointsAborted{job=j} 1',
      'checkpointsSkipped{job=j} 2',
      'checkpointInProgress{job=j} 1',
      'checkpointMaxPause{job=j} 0.03',
      'checkpointLastId{job=j} 7',
      'checkpointLastDuration{job=j} 1.25',
      'checkpointLastBytes{job=j} 40960',
      'checkpointLastKeys{job=j} 300',
      'checkpointLastPause{job=j} 0.012',
      'checkpointLastEncodeSlice{job=j} 0.004',
    ]);
  });

  it('leaves out the last checkpoint before one completed, an encode slice of another checkpoint, and a job without checkpoints', () => {
    const first = { ...stats, last: undefined, completed: 0, pending: undefined };
    expect(lines([{ job: { metrics: () => base, checkpointStats: () => first } }])).toEqual([
      'checkpointsCompleted{job=j} 0',
      'checkpointsAborted{job=j} 1',
      'checkpointsSkipped{job=j} 2',
      'checkpointInProgress{job=j} 0',
      'checkpointMaxPause{job=j} 0.03',
    ]);
    const savepointByWorkers = { ...stats, main: { ...stats.main!, id: 6 } };
    expect(
      lines([{ job: { metrics: () => base, checkpointStats: () => savepointByWorkers } }]),
    ).not.toContain('checkpointLastEncodeSlice{job=j} 0.004');
    expect(lines([{ job: { metrics: () => base, checkpointStats: () => undefined } }])).toEqual([]);
    expect(lines([{ job: { metrics: () => base } }])).toEqual([]);
  });

  it("reports each worker's barriers, acks and declines, and each gate's alignment", () => {
    const subtasks: JobMetrics['subtasks'] = [
      { subtask: 0, busy: 0.5, queuedBatches: 0 }, // no checkpoints pushed yet
      {
        subtask: 1,
        busy: 0.5,
        queuedBatches: 0,
        checkpoints: {
          barriersInFlight: 1,
          alignments: [
            {
              task: 'window',
              aligning: 9,
              blockedInputs: 1,
              lastAlignmentMs: 15,
              maxAlignmentMs: 40,
              aligned: 8,
              aborted: 1,
            },
          ],
          lastPauseMs: 2,
          maxPauseMs: 5,
          acknowledged: 8,
          declined: 1,
        },
      },
    ];
    expect(lines([{ job: { metrics: () => ({ ...base, subtasks }) } }])).toEqual([
      'subtaskBarriersInFlight{job=j,subtask=1} 1',
      'subtaskAcks{job=j,subtask=1} 8',
      'subtaskDeclines{job=j,subtask=1} 1',
      'alignmentLast{job=j,subtask=1,task=window} 0.015',
      'alignmentMax{job=j,subtask=1,task=window} 0.04',
      'alignmentBlockedInputs{job=j,subtask=1,task=window} 1',
      'alignmentsCompleted{job=j,subtask=1,task=window} 8',
      'alignmentsAborted{job=j,subtask=1,task=window} 1',
    ]);
  });

  it("reports an MQTT source's held acknowledgements (ackOn: 'checkpoint'), nothing without them", () => {
    const acks = {
      awaitingCheckpoint: 120,
      awaitingRedelivery: 3,
      redeliveriesDropped: 2,
      checkpointRequests: 1,
    };
    const telemetrySources = [
      { name: 'mqtt', stats: () => ({ messages: 5, checkpointAcks: acks }) },
      { name: 'plain', stats: () => ({ messages: 5 }) },
    ];
    expect(lines([{ job: { metrics: () => base }, telemetrySources }])).toEqual([
      'sourceAwaitingCheckpoint{job=j,source=mqtt} 120',
      'sourceAwaitingRedelivery{job=j,source=mqtt} 3',
      'sourceRedeliveriesDropped{job=j,source=mqtt} 2',
      'sourceCheckpointRequests{job=j,source=mqtt} 1',
    ]);
  });
});
