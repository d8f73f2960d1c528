import { CHECKPOINT_METRIC_FAMILIES } from './checkpoint-metric-families.ts';
import { counter, gauge, type MetricFamily } from './metric-family.ts';

export type { MetricFamily } from './metric-family.ts';

const JOB = ['job'];
const OPERATOR = ['job', 'operator'];
/** `subtask`: the split of a parallel source; empty (absent, for Prometheus) for a main-thread source. */
const SOURCE = ['job', 'source', 'subtask'];
const TELEMETRY = ['job', 'source'];
const CHANNEL = ['job', 'exchange', 'from', 'to'];
const SINK = ['job', 'sink'];

/**
 * Every engine metric `GET /metrics` exposes (process metrics come on top: `eddy_process_*`,
 * `eddy_nodejs_*`). Times are in seconds, watermarks in seconds since the epoch, as Prometheus
 * conventions ask. A sample is left out rather than faked: no watermark before the first one, no
 * lag at end of input, no channel at parallelism 1 (a chain of direct calls has none).
 */
export const ENGINE_METRIC_FAMILIES = {
  jobState: gauge(
    'job_state',
    [...JOB, 'state'],
    'Job lifecycle: 1 for the current state, 0 for the others.',
  ),
  jobParallelism: gauge('job_parallelism', JOB, 'Subtasks per keyed stage.'),

  operatorRecordsIn: counter(
    'operator_records_in_total',
    OPERATOR,
    'Records the operator received (summed over its subtasks).',
  ),
  operatorRecordsOut: counter(
    'operator_records_out_total',
    OPERATOR,
    'Records the operator emitted (summed over its subtasks).',
  ),
  operatorWatermark: gauge(
    'operator_watermark_seconds',
    OPERATOR,
    'Last watermark the operator received (its slowest subtask), seconds since the epoch (+Inf at end of input).',
  ),
  operatorWatermarkLag: gauge(
    'operator_watermark_lag_seconds',
    OPERATOR,
    "Processing time minus the operator's watermark, in seconds.",
  ),
  operatorLateRecordsDropped: counter(
    'operator_late_records_dropped_total',
    OPERATOR,
    'Records dropped because they were too late for every window they belonged to.',
  ),
  operatorStateKeys: gauge('operator_state_keys', OPERATOR, 'Keys holding state in the operator.'),
  operatorStateEntries: gauge(
    'operator_state_entries',
    OPERATOR,
    'Values held in keyed state: one per (key, state, namespace), e.g. per live key-window.',
  ),
  operatorKeysExpired: counter(
    'operator_keys_expired_total',
    OPERATOR,
    'Keys dropped with all their state because their last record was older than the state TTL (event time).',
  ),
  operatorStateBytes: gauge(
    'operator_state_size_bytes',
    OPERATOR,
    'Estimated heap held by the operator state and timers (a model over the counts, not a heap walk).',
  ),

  sourceRecords: counter('source_records_total', SOURCE, 'Records the source handed to the job.'),
  sourceWatermark: gauge(
    'source_watermark_seconds',
    SOURCE,
    "The source task's watermark, seconds since the epoch (+Inf at end of input).",
  ),
  sourceWatermarkLag: gauge(
    'source_watermark_lag_seconds',
    SOURCE,
    "Processing time minus the source task's watermark, in seconds.",
  ),
  sourcePaused: gauge('source_paused', SOURCE, '1 while backpressure holds the source (parallelism > 1).'),
  sourcePauses: counter(
    'source_backpressure_pauses_total',
    SOURCE,
    'How often backpressure paused the source (parallelism > 1).',
  ),
  sourceIdle: gauge(
    'source_idle',
    SOURCE,
    '1 while no record came for the idleness timeout (the source no longer holds the watermark back).',
  ),
  sourceMessages: counter(
    'source_messages_total',
    TELEMETRY,
    'MQTT messages the source received, good or bad.',
  ),
  sourceDeadLetters: counter(
    'source_dead_letters_total',
    [...TELEMETRY, 'code'],
    'MQTT messages refused (sent to the dead-letter topic), by reason code.',
  ),
  sourceDeadLetterPublishFailures: counter(
    'source_dead_letter_publish_failures_total',
    TELEMETRY,
    'Dead letters that could not be published (they are still counted).',
  ),
  sourceConnected: gauge(
    'source_connected',
    TELEMETRY,
    '1 while the source is connected or subscribed to its broker.',
  ),
  sourceReconnects: counter(
    'source_reconnects_total',
    TELEMETRY,
    'Times the source connected to its broker again after losing the connection (external broker).',
  ),

  channelFill: gauge(
    'channel_fill_ratio',
    CHANNEL,
    'How full a channel between threads is: batches in flight / capacity, 0 to 1 (parallelism > 1).',
  ),
  channelBatchesInFlight: gauge(
    'channel_batches_in_flight',
    CHANNEL,
    'Batches sent on the channel and not yet processed by its consumer.',
  ),
  channelBlocked: gauge('channel_blocked', CHANNEL, '1 while the channel is full and its producer paused.'),
  channelTimesBlocked: counter('channel_blocked_total', CHANNEL, 'How often the channel became full.'),
  channelRecordsSent: counter('channel_records_sent_total', CHANNEL, 'Records sent on the channel.'),

  influxPointsWritten: counter('influx_points_written_total', SINK, 'Points InfluxDB acknowledged.'),
  influxPointsDropped: counter(
    'influx_points_dropped_total',
    SINK,
    'Points given up: refused for good (4xx), out of retries, or abandoned at close.',
  ),
  influxPointsBuffered: gauge(
    'influx_points_buffered',
    SINK,
    'Points accepted and not yet acknowledged or dropped (waiting or in flight).',
  ),
  influxRetries: counter('influx_retries_total', SINK, 'Failed InfluxDB writes that were retried.'),
  influxBatchesInFlight: gauge('influx_batches_in_flight', SINK, 'Batches being written to InfluxDB now.'),
  influxReachable: gauge(
    'influx_reachable',
    SINK,
    '1 when the last contact with InfluxDB (open, or a batch) succeeded.',
  ),
  influxBackpressured: gauge(
    'influx_backpressured',
    SINK,
    '1 while the sink holds the sources (its spill queue, or without one its memory buffer, is full).',
  ),
  influxBackpressuredSeconds: counter(
    'influx_backpressured_seconds_total',
    SINK,
    'Time the sink held the sources.',
  ),
  influxSpilling: gauge('influx_spilling', SINK, '1 while new points go to the disk queue.'),
  influxSpillBytes: gauge('influx_spill_bytes', SINK, 'Bytes in the disk queue.'),
  influxSpillSegments: gauge('influx_spill_segments', SINK, 'Segment files of the disk queue.'),
  influxPointsSpilled: counter('influx_points_spilled_total', SINK, 'Points written to the disk queue.'),

  ...CHECKPOINT_METRIC_FAMILIES,
} as const satisfies Record<string, MetricFamily>;

export type EngineMetricFamilyId = keyof typeof ENGINE_METRIC_FAMILIES;
