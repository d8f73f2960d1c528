import { counter, gauge, type MetricFamily } from './metric-family.ts';

const JOB = ['job'];
/** A worker of a job at parallelism > 1. */
const SUBTASK = ['job', 'subtask'];
/** An input gate of a subtask: the task fed by an exchange, where barriers align. */
const GATE = ['job', 'subtask', 'task'];
const TELEMETRY = ['job', 'source'];

/**
 * Checkpoint metrics of `GET /metrics` (part of `ENGINE_METRIC_FAMILIES`): the coordinator's
 * counters and its last completed checkpoint (`job.checkpointStats()`), the workers' barrier
 * alignment (pushed with their metrics), and the MQTT source's held acknowledgements
 * (`ackOn: 'checkpoint'`). Left out when the job takes no checkpoints.
 */
export const CHECKPOINT_METRIC_FAMILIES = {
  checkpointsCompleted: counter(
    'checkpoints_completed_total',
    JOB,
    'Checkpoints and savepoints that completed (durable manifest written).',
  ),
  checkpointsAborted: counter(
    'checkpoints_aborted_total',
    JOB,
    'Checkpoints and savepoints given up: declined by a task, timed out, or could not be written.',
  ),
  checkpointsSkipped: counter(
    'checkpoints_skipped_total',
    JOB,
    'Periodic checkpoint triggers skipped because one was still in flight.',
  ),
  checkpointInProgress: gauge(
    'checkpoint_in_progress',
    JOB,
    '1 while a checkpoint or savepoint is in flight.',
  ),
  checkpointLastId: gauge('checkpoint_last_id', JOB, 'Id of the last completed checkpoint or savepoint.'),
  checkpointLastDuration: gauge(
    'checkpoint_last_duration_seconds',
    JOB,
    'Trigger to completion of the last completed checkpoint, in seconds.',
  ),
  checkpointLastBytes: gauge(
    'checkpoint_last_size_bytes',
    JOB,
    "Size of the last completed checkpoint's snapshot files, in bytes.",
  ),
  checkpointLastKeys: gauge('checkpoint_last_keys', JOB, 'Keys held in the last completed checkpoint.'),
  checkpointLastPause: gauge(
    'checkpoint_last_longest_pause_seconds',
    JOB,
    'Longest time a task stopped processing to capture its state for the last completed checkpoint, in seconds.',
  ),
  checkpointLastEncodeSlice: gauge(
    'checkpoint_last_longest_encode_slice_seconds',
    JOB,
    "Longest slice of encoding the main thread's snapshot of the last completed checkpoint, in seconds (encoding runs in slices between records).",
  ),
  checkpointMaxPause: gauge(
    'checkpoint_max_pause_seconds',
    JOB,
    'Longest capture pause of any task over every completed checkpoint since the job started, in seconds.',
  ),

  subtaskBarriersInFlight: gauge(
    'checkpoint_barriers_in_flight',
    SUBTASK,
    'Checkpoints begun in the subtask and not yet acknowledged or declined by all of its tasks.',
  ),
  subtaskAcks: counter(
    'checkpoint_subtask_acks_total',
    SUBTASK,
    "Checkpoints the subtask's tasks acknowledged.",
  ),
  subtaskDeclines: counter(
    'checkpoint_subtask_declines_total',
    SUBTASK,
    "Checkpoints the subtask's tasks declined.",
  ),
  alignmentLast: gauge(
    'checkpoint_alignment_last_seconds',
    GATE,
    "How long the gate's last barrier alignment held inputs back, in seconds.",
  ),
  alignmentMax: gauge(
    'checkpoint_alignment_max_seconds',
    GATE,
    'Longest barrier alignment of the gate since the job started, in seconds.',
  ),
  alignmentBlockedInputs: gauge(
    'checkpoint_alignment_blocked_inputs',
    GATE,
    'Inputs of the gate held back now, waiting for the barrier on the other inputs.',
  ),
  alignmentsCompleted: counter('checkpoint_alignments_total', GATE, 'Barrier alignments the gate completed.'),
  alignmentsAborted: counter(
    'checkpoint_alignments_aborted_total',
    GATE,
    'Barrier alignments the gate gave up (checkpoint aborted).',
  ),

  sourceAwaitingCheckpoint: gauge(
    'source_acks_awaiting_checkpoint',
    TELEMETRY,
    'MQTT messages in the job whose PUBACK waits for the checkpoint covering them to complete.',
  ),
  sourceAwaitingRedelivery: gauge(
    'source_acks_awaiting_redelivery',
    TELEMETRY,
    'MQTT messages in a completed checkpoint whose PUBACK could not be sent yet (disconnected or restored).',
  ),
  sourceRedeliveriesDropped: counter(
    'source_redeliveries_dropped_total',
    TELEMETRY,
    'MQTT redeliveries of messages the job already had, dropped instead of counted twice.',
  ),
  sourceCheckpointRequests: counter(
    'source_checkpoint_requests_total',
    TELEMETRY,
    'Early checkpoints the MQTT source asked for (too many messages awaiting their PUBACK).',
  ),
} as const satisfies Record<string, MetricFamily>;
