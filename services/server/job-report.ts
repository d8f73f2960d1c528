import type { JobReport } from '../api/schemas/jobs.ts';
import { windowStats } from '../config/define-job.ts';
import type { JobCheckpointStats } from '../engine/runtime/checkpointing/checkpointing-options.ts';
import type { JobMetrics } from '../engine/runtime/job-execution.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../engine/time/watermark.ts';

/** What {@link jobReport} reads: a `JobExecution` and the counters the engine does not see. */
export interface JobReportParts {
  readonly job: { metrics(): JobMetrics; checkpointStats?(): JobCheckpointStats | undefined };
  /** Messages the MQTT source refused (`ingest.source.stats().deadLetters`). */
  readonly deadLetters: number;
  /** Processing time (epoch ms, from the caller's Clock), for watermark lag. */
  readonly now: number;
  /** See {@link tensorflowBackendInUse}. */
  readonly tensorflowBackend: string | null;
}

/**
 * A running job's report for `GET /api/jobs`: counters (records in = what the sources emitted,
 * results and late records as the health report counts them), each source and operator with its
 * watermark and lag (`null` before the first watermark and at end of input), checkpoint statistics
 * and backpressure. Pure: the same parts give the same report.
 *
 * @example
 * jobReport({ job, deadLetters: 0, now: clock.now(), tensorflowBackend: tensorflowBackendInUse() });
 * // { name: 'window-aggregates', state: 'running', recordsIn: 1200, sources: [{ watermarkLagMs: 2150, ... }], ... }
 */
export function jobReport(parts: JobReportParts): JobReport {
  const metrics = parts.job.metrics();
  const windows = windowStats(metrics);
  const channels = metrics.channels ?? [];
  return {
    name: metrics.name,
    state: metrics.state,
    parallelism: metrics.parallelism ?? 1,
    recordsIn: metrics.sources.reduce((sum, source) => sum + source.recordsOut, 0),
    resultsOut: windows.resultsOut,
    lateRecords: windows.lateRecords,
    deadLetters: parts.deadLetters,
    sources: metrics.sources.map((source) => ({
      name: source.name,
      subtask: source.subtask ?? null,
      recordsOut: source.recordsOut,
      ...watermarkAndLag(source.watermark, parts.now),
      backpressurePauses: source.pauses ?? 0,
      paused: source.paused ?? false,
      idle: source.idle ?? false,
    })),
    operators: metrics.operators.map((operator) => ({
      name: operator.name,
      recordsIn: operator.recordsIn,
      recordsOut: operator.recordsOut,
      ...watermarkAndLag(operator.watermark, parts.now),
      lateRecordsDropped: operator.lateRecordsDropped ?? 0,
      stateKeys: operator.stateKeys ?? 0,
      stateBytes: Math.round(operator.stateBytes ?? 0),
    })),
    checkpoints: checkpointReport(parts.job.checkpointStats?.()),
    backpressure: {
      pausedSources: metrics.sources.filter((source) => source.paused === true).length,
      blockedChannels: channels.filter((channel) => channel.blocked).length,
      maxChannelFill: channels.reduce((max, channel) => Math.max(max, channel.fill), 0),
      queuedBatches: (metrics.subtasks ?? []).reduce((sum, subtask) => sum + subtask.queuedBatches, 0),
    },
    tensorflowBackend: parts.tensorflowBackend,
  };
}

/**
 * The TensorFlow.js backend this thread runs on (`tensorflow`, `wasm`, `cpu`), or `null` when no
 * model started TensorFlow.js here. Reads the engine tfjs-core keeps on `globalThis` without
 * importing TensorFlow.js (which would start a backend). At parallelism > 1 the models run in
 * worker threads, each with its own engine: this reports the main thread's.
 *
 * @example
 * tensorflowBackendInUse(); // null until a neural model or the autoencoder detector started
 */
export function tensorflowBackendInUse(): string | null {
  const engine = (globalThis as { _tfengine?: { backendName?: unknown } })._tfengine;
  const name = engine?.backendName;
  return typeof name === 'string' && name.length > 0 ? name : null;
}

function watermarkAndLag(
  watermark: number,
  now: number,
): { watermark: number | null; watermarkLagMs: number | null } {
  if (watermark <= MIN_WATERMARK || watermark >= MAX_WATERMARK)
    return { watermark: null, watermarkLagMs: null };
  return { watermark, watermarkLagMs: now - watermark };
}

function checkpointReport(stats: JobCheckpointStats | undefined): JobReport['checkpoints'] {
  if (!stats) return null;
  return {
    completed: stats.completed,
    aborted: stats.aborted,
    skipped: stats.skipped,
    pending: stats.pending ?? null,
    lastId: stats.last?.id ?? null,
    lastDurationMs: stats.last?.durationMs ?? null,
    lastSizeBytes: stats.last?.bytes ?? null,
    lastKeys: stats.last?.keys ?? null,
    maxPauseMs: stats.maxPauseMs,
  };
}
