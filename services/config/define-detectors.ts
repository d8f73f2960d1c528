import { detectAnomalies } from '../../ml/operators/detect-anomalies.ts';
import { resolveMembers } from '../../ml/operators/detect-detector.ts';
import { rowInput, seriesInput } from '../../ml/operators/detect-inputs.ts';
import { deviceRows } from '../../ml/operators/keyed-models.ts';
import type { AnomalyEvent } from '../domain/anomaly.ts';
import type { Reading } from '../domain/reading.ts';
import { seriesKeySelector } from '../domain/series-key-interner.ts';
import type { DataStream } from '../engine/api/data-stream.ts';
import type { StreamEnvironment } from '../engine/api/stream-environment.ts';
import { readingCodec } from '../engine/runtime/channels/reading-codec.ts';
import type { JobConnections } from './define-job.ts';
import { type DetectorStepSpec, type StateSpec, stateTtlOf } from './job-spec.ts';
import { onlyMetrics } from './metrics-filter.ts';
import { shareSink } from './shared-sink.ts';

/**
 * Where a job's detectors write: their anomaly events (InfluxDB `anomalies`, MQTT `alerts/<device>`,
 * the live feed), each sink fed by every detector step.
 *
 * @example
 * const sinks: DetectorConnections = { anomalies: [influxAnomalies, mqttAlerts, liveAnomalies] };
 */
export type DetectorConnections = Pick<JobConnections, 'anomalies'>;

/**
 * Builds a job file's detectors on its readings (after timestamps and watermarks), one branch each:
 *
 *   readings ─┬─ filter(metrics) ─ keyBy(device/metric) ─ detect per series ───────┬─ anomalies
 *             └─ filter(metrics) ─ keyBy(device) ─ rows ─ detect per device ───────┘
 *
 * - `per: series`: a detector per (device, metric), each reading's value as feature `value`;
 *   univariate members only (reading `value`).
 * - `per: device`: a detector per device on its rows (a device's readings of one timestamp, each
 *   metric a feature); multivariate members, or univariate ones reading a metric (`feature`).
 *
 * Each step turns scores into incidents (threshold, hysteresis, cool-down, overrides: see
 * `ml/operators/alert-decision.ts`), one {@link AnomalyEvent} per incident, drops the detector of
 * a key idle for the job's state TTL ({@link stateTtlOf}: `state.ttl`, default 24 h, in event
 * time; a key that comes back warms up afresh), and is checkpointed
 * under uid `detector-<name>` (its rows `detector-<name>-rows`). The steps run even without an
 * anomalies sink, so that their detectors keep learning into checkpoints.
 *
 * @example
 * defineDetectors(env, spec, env.fromSource(source, watermarks), { anomalies: [influxAnomalies, alerts] });
 */
export function defineDetectors(
  env: StreamEnvironment,
  spec: { readonly detectors: readonly DetectorStepSpec[]; readonly state?: StateSpec },
  readings: DataStream<Reading>,
  connections: DetectorConnections,
): void {
  if (spec.detectors.length === 0) return;
  const sinks = (connections.anomalies ?? []).map((sink) => shareSink(sink));
  const stateTtlMs = stateTtlOf(spec);
  for (const step of spec.detectors) {
    const events = defineDetector(env, step, readings, stateTtlMs);
    for (const sink of sinks) events.sinkTo(sink.branch());
  }
}

/**
 * The checkpoint uid of a job's detector step `name` (its rows step adds `-rows`).
 *
 * @example
 * detectorUid('spikes'); // 'detector-spikes'
 */
export function detectorUid(name: string): string {
  return `detector-${name}`;
}

function defineDetector(
  env: StreamEnvironment,
  step: DetectorStepSpec,
  readings: DataStream<Reading>,
  stateTtlMs: number | undefined,
): DataStream<AnomalyEvent> {
  checkMembers(step);
  const uid = detectorUid(step.name);
  const common = {
    name: `detect(${step.name})`,
    detectorName: step.name,
    per: step.per,
    detector: { members: step.members, combine: step.combine },
    decision: step.decision,
    overrides: step.overrides,
    stateTtlMs,
  };
  const selected = onlyMetrics(readings, step.metrics, `detector ${step.name}`);
  if (step.per === 'series') {
    const keyed = selected.keyBy(seriesKeySelector(), `key-by(detector ${step.name})`);
    env.setRecordCodec(keyed, readingCodec);
    return detectAnomalies(keyed, { ...common, input: seriesInput }).uid(uid);
  }
  const keyed = selected.keyBy((r) => r.device, `key-by(detector ${step.name})`);
  env.setRecordCodec(keyed, readingCodec);
  const rows = deviceRows(keyed, { name: `rows(detector ${step.name})`, uid: `${uid}-rows`, stateTtlMs });
  return detectAnomalies(rows, { ...common, input: rowInput }).uid(uid);
}

/** Refuses members that cannot read what the step feeds them, naming the step and the member. */
function checkMembers(step: DetectorStepSpec): void {
  for (const { spec, params } of resolveMembers(step)) {
    const feature = typeof params.feature === 'string' ? params.feature : undefined;
    if (step.per === 'series') {
      if (spec.input === 'multivariate') {
        throw new Error(
          `detector ${step.name}: per: series takes univariate detectors; ${spec.name} is multivariate (use per: device)`,
        );
      }
      if (feature !== undefined && feature !== 'value') {
        throw new Error(
          `detector ${step.name}: per: series gives ${spec.name} each reading as feature "value", ` +
            `not "${feature}" (leave its feature parameter out, or use per: device to read metric "${feature}")`,
        );
      }
    } else if (spec.input === 'univariate' && (feature === undefined || feature === 'value')) {
      throw new Error(
        `detector ${step.name}: per: device gives ${spec.name} rows of metrics; set its feature parameter to ` +
          'the metric it should read, or use per: series',
      );
    }
  }
}
