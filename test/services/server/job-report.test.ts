import { afterEach, describe, expect, it } from 'vitest';
import type { JobCheckpointStats } from '../../../services/engine/runtime/checkpointing/checkpointing-options.ts';
import type { JobMetrics } from '../../../services/engine/runtime/job-execution.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../../../services/engine/time/watermark.ts';
import { jobReport, tensorflowBackendInUse } from '../../../services/server/job-report.ts';

const NOW = 1_700_000_010_000;

const METRICS: JobMetrics = {
  name: 'window-aggregates',
  state: 'running',
  parallelism: 2,
  sources: [
    { name: 'readings', recordsOut: 700, watermark: NOW - 2_000, ended: false, pauses: 3, paused: true },
    { name: 'readings', recordsOut: 500, watermark: MIN_WATERMARK, ended: false, subtask: 1, idle: true },
  ],
  operators: [
    { name: 'map(parse)', recordsIn: 1_200, recordsOut: 1_200, watermark: NOW - 2_500 },
    {
      name: 'window(10s)',
      recordsIn: 1_200,
      recordsOut: 40,
      watermark: MAX_WATERMARK,
      lateRecordsDropped: 2,
      stateKeys: 20,
      stateBytes: 4_095.6,
    },
    { name: 'late-readings(10s)', recordsIn: 5, recordsOut: 5, watermark: NOW - 2_500 },
  ],
  channels: [
    {
      exchange: 'keyBy',
      from: 0,
      to: 1,
      inFlight: 2,
      capacity: 4,
      fill: 0.5,
      pendingRecords: 0,
      blocked: true,
      batchesSent: 10,
      recordsSent: 100,
      timesBlocked: 1,
      largestBatch: 10,
    },
  ],
  subtasks: [
    { subtask: 0, busy: 0.2, queuedBatches: 1 },
    { subtask: 1, busy: 0.3, queuedBatches: 2 },
  ],
};

const CHECKPOINTS: JobCheckpointStats = {
  last: {
    id: 6,
    kind: 'checkpoint',
    durationMs: 35,
    bytes: 48_211,
    keys: 20,
    longestPauseMs: 3,
    longestPauseTask: 'main#0',
  },
  maxPauseMs: 4,
  completed: 5,
  aborted: 1,
  skipped: 2,
  pending: undefined,
  queuedSavepoints: 0,
};

describe('jobReport', () => {
  it('reports counters, sources, operators, checkpoints and backpressure of a job', () => {
    const report = jobReport({
      job: { metrics: () => METRICS, checkpointStats: () => CHECKPOINTS },
      deadLetters: 7,
      now: NOW,
      tensorflowBackend: 'cpu',
    });
    expect(report).toEqual({
      name: 'window-aggregates',
      state: 'running',
      parallelism: 2,
      recordsIn: 1_200,
      resultsOut: 40,
      lateRecords: 7, // 2 dropped by the window + 5 sent to late-readings(10s)
      deadLetters: 7,
      sources: [
        {
          name: 'readings',
          subtask: null,
          recordsOut: 700,
          watermark: NOW - 2_000,
          watermarkLagMs: 2_000,
          backpressurePauses: 3,
          paused: true,
          idle: false,
        },
        {
          name: 'readings',
          subtask: 1,
          recordsOut: 500,
          watermark: null,
          watermarkLagMs: null,
          backpressurePauses: 0,
          paused: false,
          idle: true,
        },
      ],
      operators: [
        {
          name: 'map(parse)',
          recordsIn: 1_200,
          recordsOut: 1_200,
          watermark: NOW - 2_500,
          watermarkLagMs: 2_500,
          lateRecordsDropped: 0,
          stateKeys: 0,
          stateBytes: 0,
        },
        {
          name: 'window(10s)',
          recordsIn: 1_200,
          recordsOut: 40,
          watermark: null, // end of input
          watermarkLagMs: null,
          lateRecordsDropped: 2,
          stateKeys: 20,
          stateBytes: 4_096,
        },
        {
          name: 'late-readings(10s)',
          recordsIn: 5,
          recordsOut: 5,
          watermark: NOW - 2_500,
          watermarkLagMs: 2_500,
          lateRecordsDropped: 0,
          stateKeys: 0,
          stateBytes: 0,
        },
      ],
      checkpoints: {
        completed: 5,
        aborted: 1,
        skipped: 2,
        pending: null,
        lastId: 6,
        lastDurationMs: 35,
        lastSizeBytes: 48_211,
        lastKeys: 20,
        maxPauseMs: 4,
      },
      backpressure: { pausedSources: 1, blockedChannels: 1, maxChannelFill: 0.5, queuedBatches: 3 },
      tensorflowBackend: 'cpu',
    });
  });

  it('has no checkpoints without checkpointing, and defaults parallelism to 1', () => {
    const report = jobReport({
      job: {
        metrics: () => ({ name: 'j', state: 'starting', sources: [], operators: [] }),
        checkpointStats: () => undefined,
      },
      deadLetters: 0,
      now: NOW,
      tensorflowBackend: null,
    });
    expect(report).toMatchObject({
      parallelism: 1,
      recordsIn: 0,
      checkpoints: null,
      backpressure: { pausedSources: 0, blockedChannels: 0, maxChannelFill: 0, queuedBatches: 0 },
      tensorflowBackend: null,
    });
  });
});

describe('tensorflowBackendInUse', () => {
  const global = globalThis as { _tfengine?: unknown };
  const before = global._tfengine;
  afterEach(() => {
    global._tfengine = before;
  });

  it('is null while TensorFlow.js has no engine or no backend, else the backend name', () => {
    global._tfengine = undefined;
    expect(tensorflowBackendInUse()).toBeNull();
    global._tfengine = { backendName: null };
    expect(tensorflowBackendInUse()).toBeNull();
    global._tfengine = { backendName: 'wasm' };
    expect(tensorflowBackendInUse()).toBe('wasm');
  });
});

describe('tensorflowBackendInUse with TensorFlow.js', () => {
  it('names the backend initTensorFlow selected', async () => {
    const { initTensorFlow } = await import('../../../ml/tf/backend.ts');
    const { silentLogger } = await import('../../../services/common/logger.ts');
    const { backend } = await initTensorFlow({ logger: silentLogger });
    expect(tensorflowBackendInUse()).toBe(backend);
  });
});
