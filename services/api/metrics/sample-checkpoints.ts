import type { CheckpointAckStats } from '../../connectors/mqtt/checkpoint-acks.ts';
import type { JobCheckpointStats } from '../../engine/runtime/checkpointing/checkpointing-options.ts';
import type { SubtaskLoad } from '../../engine/runtime/job-metrics.ts';
import type { EngineMetricFamilyId } from './engine-metric-families.ts';

/** Adds one sample (none when `value` is undefined). */
export type AddSample = (
  family: EngineMetricFamilyId,
  labels: Record<string, string>,
  value: number | undefined,
) => void;

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/**
 * The coordinator's counters and its last completed checkpoint: ids, duration, size, keys, the
 * longest capture pause, and the main thread's longest encoding slice when it is of that
 * checkpoint. Nothing without checkpointing; the "last" gauges only once one completed.
 *
 * @example
 * sampleCoordinator(add, 'eddy', job.checkpointStats());
 */
export function sampleCoordinator(add: AddSample, job: string, stats: JobCheckpointStats | undefined): void {
  if (stats === undefined) return;
  const labels = { job };
  add('checkpointsCompleted', labels, stats.completed);
  add('checkpointsAborted', labels, stats.aborted);
  add('checkpointsSkipped', labels, stats.skipped);
  add('checkpointInProgress', labels, stats.pending === undefined ? 0 : 1);
  add('checkpointMaxPause', labels, seconds(stats.maxPauseMs));
  const last = stats.last;
  if (last === undefined) return;
  add('checkpointLastId', labels, last.id);
  add('checkpointLastDuration', labels, seconds(last.durationMs));
  add('checkpointLastBytes', labels, last.bytes);
  add('checkpointLastKeys', labels, last.keys);
  add('checkpointLastPause', labels, seconds(last.longestPauseMs));
  if (stats.main?.id === last.id)
    add('checkpointLastEncodeSlice', labels, seconds(stats.main.longestSliceMs));
}

/** Each worker's barriers in flight, acks and declines, and each of its gates' alignment. */
export function sampleSubtaskCheckpoints(
  add: AddSample,
  job: string,
  subtasks: readonly SubtaskLoad[],
): void {
  for (const { subtask, checkpoints } of subtasks) {
    if (checkpoints === undefined) continue;
    const labels = { job, subtask: String(subtask) };
    add('subtaskBarriersInFlight', labels, checkpoints.barriersInFlight);
    add('subtaskAcks', labels, checkpoints.acknowledged);
    add('subtaskDeclines', labels, checkpoints.declined);
    for (const gate of checkpoints.alignments) {
      const gateLabels = { ...labels, task: gate.task };
      add('alignmentLast', gateLabels, seconds(gate.lastAlignmentMs));
      add('alignmentMax', gateLabels, seconds(gate.maxAlignmentMs));
      add('alignmentBlockedInputs', gateLabels, gate.blockedInputs);
      add('alignmentsCompleted', gateLabels, gate.aligned);
      add('alignmentsAborted', gateLabels, gate.aborted);
    }
  }
}

/** An MQTT source's held acknowledgements (`ackOn: 'checkpoint'`); nothing without them. */
export function sampleCheckpointAcks(
  add: AddSample,
  labels: Record<string, string>,
  acks: Partial<CheckpointAckStats> | undefined,
): void {
  if (acks === undefined) return;
  add('sourceAwaitingCheckpoint', labels, acks.awaitingCheckpoint);
  add('sourceAwaitingRedelivery', labels, acks.awaitingRedelivery);
  add('sourceRedeliveriesDropped', labels, acks.redeliveriesDropped);
  add('sourceCheckpointRequests', labels, acks.checkpointRequests);
}
