import type { ModelMetricsReport, ModelVersion } from '../../ml/operators/model-outputs.ts';
import type { AnomalyEvent } from '../domain/anomaly.ts';
import type { LateReading } from '../domain/late-reading.ts';
import type { Prediction } from '../domain/prediction.ts';
import { type Reading, splitSeriesKey } from '../domain/reading.ts';
import { seriesKeySelector } from '../domain/series-key-interner.ts';
import type { WindowAggregate } from '../domain/window-aggregate.ts';
import type { AggregateFields } from '../engine/aggregates/combine-aggregates.ts';
import { namedAggregates } from '../engine/aggregates/named-aggregates.ts';
import type { KeySelector } from '../engine/api/functions.ts';
import { OutputTag } from '../engine/api/output-tag.ts';
import type { Sink } from '../engine/api/sink.ts';
import type { Source } from '../engine/api/source.ts';
import type { StreamEnvironment } from '../engine/api/stream-environment.ts';
import { readingCodec } from '../engine/runtime/channels/reading-codec.ts';
import { windowAggregateCodec } from '../engine/runtime/channels/window-aggregate-codec.ts';
import type { JobMetrics } from '../engine/runtime/job-execution.ts';
import { WatermarkStrategy } from '../engine/time/watermark-strategy.ts';
import { durationLabel } from '../engine/windows/duration-label.ts';
import { defineDetectors } from './define-detectors.ts';
import { defineModels } from './define-models.ts';
import type { JobSpec, KeyPart, WindowSpec } from './job-spec.ts';
import { shareSink } from './shared-sink.ts';
import { windowAssigner } from './window-assigner-of.ts';

/** The device or metric of a series keyed without it (`key: [metric]` aggregates all devices). */
export const ALL = '*';

/** Name prefix of the window steps, e.g. `window(10s)` (see {@link windowStats}). */
const WINDOW_STEP = 'window';

/** Name prefix of the step that hands a window's late readings to their sink (see {@link windowStats}). */
const LATE_STEP = 'late-readings';

/** The statistics every window aggregate carries (NaN when a job does not ask for one). */
const SUMMARY = new Set(['count', 'mean', 'min', 'max', 'stddev']);

/** What a job built from a job file reads from and writes to; the caller opens nothing. */
export interface JobConnections {
  /** The readings (an MQTT source set up with the job's topics and payload mapping). */
  readonly source: Source<Reading>;
  /** Where every window's results go: InfluxDB, the live feed… Each may be fed by several windows. */
  readonly results: readonly Sink<WindowAggregate>[];
  /** Where late readings of `late: influx` windows go; without it they are only counted. */
  readonly lateReadings?: Sink<LateReading>;
  /** Where the job's models' predictions go (InfluxDB `predictions`, the live feed). */
  readonly predictions?: readonly Sink<Prediction>[];
  /** Where the models' prequential metrics go (InfluxDB `model_metrics`, the live feed). */
  readonly modelMetrics?: readonly Sink<ModelMetricsReport>[];
  /** Where the models' versions go (the model registry behind `/api/models`). */
  readonly modelVersions?: readonly Sink<ModelVersion>[];
  /** Where the detectors' anomaly events go (InfluxDB `anomalies`, MQTT `alerts/<device>`, the live feed). */
  readonly anomalies?: readonly Sink<AnomalyEvent>[];
}

/**
 * Builds a job file's job with the DataStream API:
 *
 *   source ─ timestamps & watermarks ─┬─ keyBy(device/metric) ─┬─ window 1 ─ aggregates ─ results
 *                                     │                        └─ window 2 ─ …          └─ late ─ lateReadings
 *                                     ├─ models (see defineModels) ─ predictions, modelMetrics, modelVersions
 *                                     └─ detectors (see defineDetectors) ─ anomalies
 *
 * Every window is a branch of its own over the same keyed stream, its state kept in checkpoints
 * under a uid from its place and kind in the file ({@link windowUid}); its results are window
 * aggregates (`count` always, the summary statistics asked for, others in `extra`). At parallelism
 * > 1 readings and aggregates cross threads with the typed-array codecs (`readingCodec`,
 * `windowAggregateCodec`); see `services/jobs/job-file-module.ts` to run it so.
 *
 * @example
 * const env = new StreamEnvironment();
 * defineJob(env, await loadJobFile('job.yaml'), { source, results: [influxSink, liveSink] });
 * const job = await env.start(spec.name);
 */
export function defineJob(env: StreamEnvironment, spec: JobSpec, connections: JobConnections): void {
  if (connections.results.length === 0) throw new Error(`job ${spec.name}: give at least one result sink`);
  let watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Reading>(spec.time.maxOutOfOrdernessMs)
    .withTimestampAssigner((r) => r.ts)
    .withQuietPeriod(spec.time.quietPeriodMs);
  if (spec.time.idleTimeoutMs !== undefined) watermarks = watermarks.withIdleness(spec.time.idleTimeoutMs);

  const split = keySplitter(spec.key);
  const readings = env.fromSource(connections.source, watermarks);
  const keyed = readings.keyBy(keySelector(spec.key));
  env.setRecordCodec(keyed, readingCodec); // at parallelism > 1: readings cross threads as typed arrays
  const results = connections.results.map((sink) => shareSink(sink));
  const lateSink = connections.lateReadings === undefined ? undefined : shareSink(connections.lateReadings);

  spec.windows.forEach((windowSpec, i) => {
    const assigner = windowAssigner(windowSpec);
    const label = assigner.label;
    const names = windowSpec.aggregates.includes('count')
      ? windowSpec.aggregates
      : ['count', ...windowSpec.aggregates];
    const aggregate = namedAggregates(names, { value: (r: Reading) => r.value, time: (r: Reading) => r.ts });
    const extras = names.filter((name) => !SUMMARY.has(name));
    const windowed = keyed.window(assigner).allowedLateness(windowSpec.allowedLatenessMs);
    const lateTag = new OutputTag<Reading>(`late-readings-${i}`);
    if (windowSpec.late === 'influx' && lateSink !== undefined) windowed.sideOutputLateData(lateTag);
    const aggregates = windowed.aggregate(
      aggregate,
      (key, window, fields): WindowAggregate => {
        // Properties written out, not spread: V8 (Node 20) builds `{ ...a, b }` on its slow path
        // (about 2 µs, as much as the window's whole aggregate).
        const { device, metric } = split(key);
        const { start, end } = window;
        const count = fields.count ?? 0;
        const mean = fields.mean ?? Number.NaN;
        const min = fields.min ?? Number.NaN;
        const max = fields.max ?? Number.NaN;
        const stddev = fields.stddev ?? Number.NaN;
        if (extras.length === 0)
          return { device, metric, window: label, start, end, count, mean, min, max, stddev };
        const extra = pickExtras(fields, extras);
        return { device, metric, window: label, start, end, count, mean, min, max, stddev, extra };
      },
      `${WINDOW_STEP}(${label})`,
    );
    aggregates.uid(windowUid(windowSpec, i));
    env.setRecordCodec(aggregates, windowAggregateCodec);
    for (const sink of results) aggregates.sinkTo(sink.branch());
    if (windowSpec.late === 'influx' && lateSink !== undefined) {
      aggregates
        .getSideOutput(lateTag)
        .map((r): LateReading => ({ ...r, window: label }), `${LATE_STEP}(${label})`)
        .sinkTo(lateSink.branch());
    }
  });
  defineModels(env, spec, readings, connections);
  defineDetectors(env, spec, readings, connections);
}

/**
 * The uid of a job file's window `index` (0-based, in file order): its place and kind, so that a
 * restore still finds its state after other parts of the file changed (another window's
 * aggregates, the source, a window added after it).
 *
 * @example
 * windowUid({ type: 'tumbling', sizeMs: 10_000, ... }, 0); // 'window-0-tumbling-10s'
 * windowUid({ type: 'sliding', sizeMs: 60_000, slideMs: 10_000, ... }, 1); // 'window-1-sliding-1m-10s'
 * windowUid({ type: 'session', gapMs: 30_000, ... }, 2); // 'window-2-session-30s'
 */
export function windowUid(spec: WindowSpec, index: number): string {
  const shape =
    spec.type === 'tumbling'
      ? durationLabel(spec.sizeMs)
      : spec.type === 'sliding'
        ? `${durationLabel(spec.sizeMs)}-${durationLabel(spec.slideMs)}`
        : durationLabel(spec.gapMs);
  return `window-${index}-${spec.type}-${shape}`;
}

function pickExtras(fields: AggregateFields, names: readonly string[]): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const name of names) extra[name] = fields[name] ?? Number.NaN;
  return extra;
}

function keySelector(key: readonly KeyPart[]): KeySelector<Reading, string> {
  const device = key.includes('device');
  const metric = key.includes('metric');
  if (device && metric) return seriesKeySelector();
  if (device) return (r) => r.device;
  return (r) => r.metric;
}

function keySplitter(key: readonly KeyPart[]): (key: string) => { device: string; metric: string } {
  const device = key.includes('device');
  const metric = key.includes('metric');
  if (device && metric) return splitSeriesKey;
  if (device) return (k) => ({ device: k, metric: ALL });
  return (k) => ({ device: ALL, metric: k });
}

/**
 * Results and late readings of all of a job's windows together, from the job's metrics: late
 * readings dropped (counted by the window operators) plus those sent to `late_readings`.
 *
 * @example
 * windowStats(job.metrics()); // { resultsOut: 120, lateRecords: 3 }
 */
export function windowStats(metrics: JobMetrics): { resultsOut: number; lateRecords: number } {
  let resultsOut = 0;
  let lateRecords = 0;
  for (const operator of metrics.operators) {
    if (operator.lateRecordsDropped !== undefined && operator.name.startsWith(`${WINDOW_STEP}(`)) {
      resultsOut += operator.recordsOut;
      lateRecords += operator.lateRecordsDropped;
    } else if (operator.name.startsWith(`${LATE_STEP}(`)) {
      lateRecords += operator.recordsIn;
    }
  }
  return { resultsOut, lateRecords };
}
