import { type Static, Type } from 'typebox';
import { JobStateSchema } from '../health-report.ts';

/** Epoch ms or lag in ms; `null` before the first watermark and at end of input (watermark +∞). */
const Time = Type.Union([Type.Number(), Type.Null()]);
const Count = Type.Integer({ minimum: 0 });

/** One source task (a parallel source's split carries its `subtask`). */
export const JobSourceReportSchema = Type.Object({
  name: Type.String(),
  subtask: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  recordsOut: Count,
  watermark: Time,
  watermarkLagMs: Time,
  /** How often backpressure paused the source (parallelism > 1). */
  backpressurePauses: Count,
  /** Held by backpressure right now. */
  paused: Type.Boolean(),
  /** No record for the idleness timeout. */
  idle: Type.Boolean(),
});

/** One operator of the plan; a keyed operator's counters summed over its subtasks. */
export const JobOperatorReportSchema = Type.Object({
  name: Type.String(),
  recordsIn: Count,
  recordsOut: Count,
  watermark: Time,
  watermarkLagMs: Time,
  lateRecordsDropped: Count,
  stateKeys: Count,
  stateBytes: Count,
});

/** From `job.checkpointStats()`; `null` when the job takes no checkpoints. */
export const JobCheckpointReportSchema = Type.Object({
  completed: Count,
  aborted: Count,
  skipped: Count,
  /** Id of the checkpoint in flight. */
  pending: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  lastId: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  lastDurationMs: Time,
  lastSizeBytes: Type.Union([Count, Type.Null()]),
  lastKeys: Type.Union([Count, Type.Null()]),
  /** The longest task pause over every completed checkpoint. */
  maxPauseMs: Type.Number({ minimum: 0 }),
});

/** Backpressure now: sources held, channels between threads blocked, batches waiting in workers. */
export const JobBackpressureReportSchema = Type.Object({
  pausedSources: Count,
  blockedChannels: Count,
  /** Fullest channel (batches in flight / capacity, 0..1); 0 at parallelism 1. */
  maxChannelFill: Type.Number({ minimum: 0 }),
  queuedBatches: Count,
});

/** One running job as `GET /api/jobs` shows it. */
export const JobReportSchema = Type.Object({
  name: Type.String(),
  state: JobStateSchema,
  parallelism: Type.Integer({ minimum: 1 }),
  recordsIn: Count,
  resultsOut: Count,
  lateRecords: Count,
  deadLetters: Count,
  sources: Type.Array(JobSourceReportSchema),
  operators: Type.Array(JobOperatorReportSchema),
  checkpoints: Type.Union([JobCheckpointReportSchema, Type.Null()]),
  backpressure: JobBackpressureReportSchema,
  tensorflowBackend: Type.Union([Type.String(), Type.Null()], {
    description:
      'the TensorFlow.js backend of the main thread (tensorflow, wasm, cpu); null when none started',
  }),
});
export type JobReport = Static<typeof JobReportSchema>;

export const JobsResponseSchema = Type.Object({ jobs: Type.Array(JobReportSchema) });
