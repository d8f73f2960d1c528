import type { InfluxSinkStats } from '../../connectors/influx/influx-sink-options.ts';
import type { CheckpointAckStats } from '../../connectors/mqtt/checkpoint-acks.ts';
import type { DeadLetterCode } from '../../connectors/mqtt/dead-letters.ts';
import { DECODE_ERROR_CODES } from '../../connectors/mqtt/decode-telemetry.ts';
import type { TelemetryIngestStats } from '../../connectors/mqtt/telemetry-ingest.ts';
import type { JobCheckpointStats } from '../../engine/runtime/checkpointing/checkpointing-options.ts';
import type { JobMetrics, JobState } from '../../engine/runtime/job-execution.ts';
import type { OperatorMetrics } from '../../engine/runtime/stream-operator.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../../engine/time/watermark.ts';
import type { EngineMetricFamilyId } from './engine-metric-families.ts';
import { sampleCheckpointAcks, sampleCoordinator, sampleSubtaskCheckpoints } from './sample-checkpoints.ts';

/**
 * Counters of an MQTT telemetry source (`MqttSource`, `BrokerSource`: all of them). Each is
 * optional so that a source typed with fewer reports what it has; a missing one is left out.
 */
export type TelemetrySourceStats = Partial<TelemetryIngestStats> & {
  readonly connected?: boolean;
  readonly subscribed?: boolean;
  /** With `ackOn: 'checkpoint'` (`MqttSource`). */
  readonly checkpointAcks?: Partial<CheckpointAckStats>;
  /** `MqttSource` once opened: its broker connection (see `MqttConnectionStatus`). */
  readonly connection?: { readonly reconnects?: number };
};

/** A running job and the connectors whose own counters the engine does not see. */
export interface MonitoredJob {
  /** The job (a `JobExecution`); `checkpointStats` when it may take checkpoints. */
  readonly job: { metrics(): JobMetrics; checkpointStats?(): JobCheckpointStats | undefined };
  /** MQTT sources of the job, matched to its source tasks by `name`. */
  readonly telemetrySources?: readonly { readonly name: string; stats(): TelemetrySourceStats }[];
  /** InfluxDB sinks of the job (labelled `sink` by their `name`). */
  readonly influxSinks?: readonly { readonly name: string; stats(): InfluxSinkStats }[];
}

/** One value of one metric family. */
export interface EngineSample {
  readonly family: EngineMetricFamilyId;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Every job state, so that `eddy_job_state` shows each (a new state is a compile error here). */
const JOB_STATES = Object.keys({
  starting: true,
  running: true,
  stopping: true,
  stopped: true,
  failed: true,
} satisfies Record<JobState, true>) as JobState[];

/** Codes shown at 0 before the first refusal, so that rates work from the start. */
const KNOWN_DEAD_LETTER_CODES: readonly DeadLetterCode[] = [
  'invalid_topic',
  'invalid_device_id',
  ...DECODE_ERROR_CODES,
];

/**
 * Reads every metric of `jobs` at processing time `nowMs` (epoch ms, from the caller's Clock) into
 * samples, one per family and label set. Pure: the same inputs give the same samples.
 *
 * Operators are labelled by name (a keyed operator's counters come summed over its subtasks from
 * the job); a name used twice in a job gets `#2`, `#3`... in plan order, so that every series
 * stays distinct. A parallel source's splits are told apart by `subtask`, channels by exchange and
 * ends. Watermark samples are left out before the first watermark, lag samples at end of input
 * (the watermark is then +Inf), and any counter the job or a connector does not report.
 *
 * @example
 * sampleEngine([{ job }], clock.now());
 * // [{ family: 'jobState', labels: { job: 'window-aggregates', state: 'starting' }, value: 0 }, ...]
 */
export function sampleEngine(jobs: readonly MonitoredJob[], nowMs: number): EngineSample[] {
  const samples: EngineSample[] = [];
  const add = (family: EngineMetricFamilyId, labels: Record<string, string>, value: number | undefined) => {
    if (value !== undefined) samples.push({ family, labels, value });
  };
  const addTime = (
    watermarkFamily: EngineMetricFamilyId,
    lagFamily: EngineMetricFamilyId,
    labels: Record<string, string>,
    watermark: number,
  ) => {
    if (watermark <= MIN_WATERMARK) return;
    if (watermark >= MAX_WATERMARK) {
      add(watermarkFamily, labels, Number.POSITIVE_INFINITY);
      return;
    }
    add(watermarkFamily, labels, watermark / 1000);
    add(lagFamily, labels, (nowMs - watermark) / 1000);
  };

  for (const monitored of jobs) {
    const metrics = monitored.job.metrics();
    const job = metrics.name;
    for (const state of JOB_STATES) add('jobState', { job, state }, state === metrics.state ? 1 : 0);
    add('jobParallelism', { job }, metrics.parallelism);
    sampleCoordinator(add, job, monitored.job.checkpointStats?.());
    sampleSubtaskCheckpoints(add, job, metrics.subtasks ?? []);

    for (const [operator, m] of uniqueNames(metrics.operators)) {
      const labels = { job, operator };
      add('operatorRecordsIn', labels, m.recordsIn);
      add('operatorRecordsOut', labels, m.recordsOut);
      addTime('operatorWatermark', 'operatorWatermarkLag', labels, m.watermark);
      add('operatorLateRecordsDropped', labels, m.lateRecordsDropped);
      add('operatorStateKeys', labels, m.stateKeys);
      add('operatorStateEntries', labels, m.stateEntries);
      add('operatorKeysExpired', labels, m.keysExpired);
      add('operatorStateBytes', labels, m.stateBytes);
    }

    for (const source of metrics.sources) {
      const subtask = source.subtask === undefined ? '' : String(source.subtask);
      const labels = { job, source: source.name, subtask };
      add('sourceRecords', labels, source.recordsOut);
      addTime('sourceWatermark', 'sourceWatermarkLag', labels, source.watermark);
      add('sourcePaused', labels, flag(source.paused));
      add('sourcePauses', labels, source.pauses);
      add('sourceIdle', labels, flag(source.idle));
    }
    for (const telemetry of monitored.telemetrySources ?? []) {
      const stats = telemetry.stats();
      const labels = { job, source: telemetry.name };
      add('sourceMessages', labels, stats.messages);
      const byCode = stats.deadLettersByCode as Partial<Record<string, number>> | undefined;
      if (byCode !== undefined) {
        const codes = new Set<string>([...KNOWN_DEAD_LETTER_CODES, ...Object.keys(byCode)]);
        for (const code of codes) add('sourceDeadLetters', { ...labels, code }, byCode[code] ?? 0);
      }
      add('sourceDeadLetterPublishFailures', labels, stats.deadLetterPublishFailures);
      add('sourceConnected', labels, flag(stats.connected ?? stats.subscribed));
      add('sourceReconnects', labels, stats.connection?.reconnects);
      sampleCheckpointAcks(add, labels, stats.checkpointAcks);
    }

    for (const channel of metrics.channels ?? []) {
      const labels = { job, exchange: channel.exchange, from: String(channel.from), to: String(channel.to) };
      add('channelFill', labels, channel.fill);
      add('channelBatchesInFlight', labels, channel.inFlight);
      add('channelBlocked', labels, flag(channel.blocked));
      add('channelTimesBlocked', labels, channel.timesBlocked);
      add('channelRecordsSent', labels, channel.recordsSent);
    }

    for (const sink of monitored.influxSinks ?? []) {
      const stats = sink.stats();
      const labels = { job, sink: sink.name };
      add('influxPointsWritten', labels, stats.pointsWritten);
      add('influxPointsDropped', labels, stats.pointsDropped);
      add('influxPointsBuffered', labels, stats.pointsBuffered);
      add('influxRetries', labels, stats.retries);
      add('influxBatchesInFlight', labels, stats.batchesInFlight);
      add('influxReachable', labels, flag(stats.reachable));
      add('influxBackpressured', labels, flag(stats.backpressured));
      add(
        'influxBackpressuredSeconds',
        labels,
        stats.backpressuredMs === undefined ? undefined : stats.backpressuredMs / 1000,
      );
      if (stats.spill) {
        add('influxSpilling', labels, flag(stats.spill.spilling));
        add('influxSpillBytes', labels, stats.spill.bytes);
        add('influxSpillSegments', labels, stats.spill.segments);
        add('influxPointsSpilled', labels, stats.spill.pointsSpilled);
      }
    }
  }
  return samples;
}

/** 1 / 0 for a flag that is reported, `undefined` (no sample) for one that is not. */
function flag(value: boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  return value ? 1 : 0;
}

/** Operators with distinct label values: repeated names get `#2`, `#3`... in plan order. */
function uniqueNames(operators: readonly OperatorMetrics[]): [string, OperatorMetrics][] {
  const seen = new Map<string, number>();
  return operators.map((m) => {
    const n = (seen.get(m.name) ?? 0) + 1;
    seen.set(m.name, n);
    return [n === 1 ? m.name : `${m.name}#${n}`, m];
  });
}
