import { join } from 'node:path';
import type { IPoint, ISchemaOptions } from 'influx';
import type { ModelMetricsReport, ModelVersion } from '../../ml/operators/model-outputs.ts';
import type { Publisher } from '../../simulators/publisher.ts';
import type { Logger } from '../common/logger.ts';
import type { JobSpec } from '../config/job-spec.ts';
import { anomalyPoints } from '../connectors/influx/anomaly-points.ts';
import { createInfluxClient } from '../connectors/influx/create-influx-client.ts';
import type { DeviceTagsOf } from '../connectors/influx/device-point-tags.ts';
import { ANOMALIES, MODEL_METRICS, PREDICTIONS } from '../connectors/influx/influx-schema.ts';
import { InfluxSink, type InfluxSinkStats } from '../connectors/influx/influx-sink.ts';
import { formatInfluxUrl } from '../connectors/influx/influx-url.ts';
import { lateReadingPoints, lateReadingsSchema } from '../connectors/influx/late-reading-points.ts';
import { modelMetricsToPoints } from '../connectors/influx/model-metrics-points.ts';
import { predictionPoints } from '../connectors/influx/prediction-points.ts';
import { windowAggregatePoints, windowAggregateSchema } from '../connectors/influx/window-agg-points.ts';
import type { LiveFeed } from '../connectors/live/live-feed.ts';
import { MqttAlertSink } from '../connectors/mqtt/alert-sink.ts';
import type { AnomalyEvent } from '../domain/anomaly.ts';
import type { LateReading } from '../domain/late-reading.ts';
import type { Prediction } from '../domain/prediction.ts';
import type { WindowAggregate } from '../domain/window-aggregate.ts';
import type { Sink } from '../engine/api/sink.ts';
import { JOB_FILE_BINDINGS } from '../jobs/job-file-module.ts';
import { fanOutSink } from './fan-out-sink.ts';
import type { InfluxTarget } from './influx-target.ts';

type InfluxOn = Exclude<InfluxTarget, { mode: 'disabled' }>;

/** Live feed event types of the models' outputs (`/api/live`, the dashboards). */
export const MODEL_LIVE_EVENTS = { prediction: 'prediction', modelMetrics: 'model_metrics' } as const;

/** Live feed event type of the detectors' anomaly events. */
export const ANOMALY_LIVE_EVENT = 'anomaly';

/** A job's main-thread sinks, bound by name (`runJob`'s `sinks`), and what the server reports of them. */
export interface JobSinks {
  /** Every sink by its binding name: `influx` and `live` (window aggregates), {@link JOB_FILE_BINDINGS}' others. */
  readonly bound: Readonly<Record<string, Sink<unknown>>>;
  /** Names of the bound sinks each window aggregate goes to, e.g. `['influx', 'live']`. */
  readonly results: readonly string[];
  /** Whether late readings have a sink ({@link JOB_FILE_BINDINGS}.lateReadings). */
  readonly lateReadings: boolean;
  /** The models' outputs that have a sink: {@link JOB_FILE_BINDINGS}.predictions, modelMetrics, modelVersions. */
  readonly modelOutputs: readonly string[];
  /** Whether the detectors' anomaly events have a sink ({@link JOB_FILE_BINDINGS}.anomalies). */
  readonly anomalies: boolean;
  /** The window aggregates' InfluxDB sink (the health report counts its points). */
  readonly aggregates?: InfluxSink<WindowAggregate>;
  /** Every InfluxDB sink, for `/metrics`. */
  readonly influx: readonly { readonly name: string; stats(): InfluxSinkStats }[];
}

/**
 * The sinks of `spec` in the main thread:
 *
 * - window aggregates to InfluxDB (the measurement of `sinks.influx`) and the live feed
 *   (`aggregate` events), as the job file's `sinks` say; at least one of them, or this throws;
 * - late readings of `late: influx` windows to InfluxDB `late_readings`;
 * - when the job has models: predictions to InfluxDB `predictions` and the live feed
 *   (`prediction` events), prequential metrics to `model_metrics` and the live feed
 *   (`model_metrics` events), each one bound sink fanned out to the targets the job's `sinks`
 *   name (InfluxDB when it is on and `sinks.influx` is set, the live feed when `sinks.live`); and
 *   model versions to `modelVersions` (the model registry);
 * - when the job has detectors: their anomaly events to InfluxDB `anomalies` (as for
 *   predictions), to MQTT `alerts/<deviceId>` (QoS 1, JSON) through `alerts` when given (a
 *   publisher on the job's broker), and to the live feed (`anomaly` events) when `sinks.live`.
 *
 * With `deviceTags` (the device registry's `DeviceTagCache.tagsOf`), the points of window
 * aggregates, late readings, predictions and anomalies carry their device's tags after Eddy's own
 * (model metrics are per model and key, not per device: they get none).
 *
 * @example
 * const sinks = createJobSinks(spec, { influx, liveFeed, modelVersions: registry.sink(), alerts, logger });
 * const { results, lateReadings, modelOutputs, anomalies } = sinks;
 * await runJob({ ..., sinks: sinks.bound, args: { spec, results, lateReadings, modelOutputs, anomalies } });
 */
export function createJobSinks(
  spec: JobSpec,
  parts: {
    readonly influx: InfluxTarget;
    readonly liveFeed: LiveFeed;
    readonly modelVersions?: Sink<ModelVersion>;
    /** Where alerts are published (the job's broker); without it anomalies go to no MQTT topic. */
    readonly alerts?: Publisher;
    /** A device's tags for its points (a Map lookup, once per point); without it, Eddy's tags only. */
    readonly deviceTags?: DeviceTagsOf;
    /**
     * Where the InfluxDB sinks spill when InfluxDB lags or is down (`<dir>/<sink name>`), and
     * their bound and memory buffer (see `InfluxSinkOptions`); without it nothing is spilled.
     */
    readonly spill?: InfluxSpillSettings;
    readonly logger: Logger;
  },
): JobSinks {
  const { liveFeed, logger, deviceTags } = parts;
  const out: InfluxSinkParts = { logger, ...(parts.spill ? { spill: parts.spill } : {}) };
  const influx = parts.influx.mode !== 'disabled' && spec.sinks.influx ? parts.influx : undefined;
  const bound: Record<string, Sink<unknown>> = {};
  const influxSinks: { readonly name: string; stats(): InfluxSinkStats }[] = [];
  const add = <T>(name: string, sink: Sink<T>) => {
    bound[name] = sink as Sink<unknown>;
  };

  const aggregates = influx ? createAggregateSink(influx, spec, out, deviceTags) : undefined;
  if (aggregates) {
    add('influx', aggregates);
    influxSinks.push(aggregates);
  }
  if (spec.sinks.live) add('live', liveFeed.sink<WindowAggregate>('aggregate'));
  const results = Object.keys(bound);
  if (results.length === 0) {
    throw new Error(
      `job ${spec.name} writes its results only to InfluxDB, and there is none: ` +
        'give --influx a URL, or set sinks.live: true in the job file',
    );
  }
  if (parts.influx.mode !== 'disabled' && spec.windows.some((w) => w.late === 'influx')) {
    const late = createInfluxSink<LateReading>(parts.influx, out, {
      name: 'influx:late_readings',
      schema: lateReadingsSchema(parts.influx.url.database),
      toPoints: lateReadingPoints(deviceTags),
    });
    add(JOB_FILE_BINDINGS.lateReadings, late);
    influxSinks.push(late);
  }

  if (spec.models.length > 0) {
    const modelOutput = <T>(
      binding: string,
      measurement: string,
      event: string,
      toPoints: (r: T) => IPoint[],
    ) => {
      const targets: Sink<T>[] = [];
      if (influx) {
        const sink = createInfluxSink<T>(influx, out, { name: `influx:${measurement}`, toPoints });
        influxSinks.push(sink);
        targets.push(sink);
      }
      if (spec.sinks.live) targets.push(liveFeed.sink<T>(event));
      if (targets.length > 0) add(binding, fanOutSink(binding, targets));
    };
    modelOutput<Prediction>(
      JOB_FILE_BINDINGS.predictions,
      PREDICTIONS.measurement,
      MODEL_LIVE_EVENTS.prediction,
      predictionPoints(deviceTags),
    );
    modelOutput<ModelMetricsReport>(
      JOB_FILE_BINDINGS.modelMetrics,
      MODEL_METRICS.measurement,
      MODEL_LIVE_EVENTS.modelMetrics,
      modelMetricsToPoints,
    );
    if (parts.modelVersions) add(JOB_FILE_BINDINGS.modelVersions, parts.modelVersions);
  }
  if (spec.detectors.length > 0) {
    const targets: Sink<AnomalyEvent>[] = [];
    if (influx) {
      const sink = createInfluxSink<AnomalyEvent>(influx, out, {
        name: `influx:${ANOMALIES.measurement}`,
        toPoints: anomalyPoints(deviceTags),
      });
      influxSinks.push(sink);
      targets.push(sink);
    }
    if (parts.alerts) targets.push(new MqttAlertSink({ publisher: parts.alerts, logger }));
    if (spec.sinks.live) targets.push(liveFeed.sink<AnomalyEvent>(ANOMALY_LIVE_EVENT));
    if (targets.length > 0)
      add(JOB_FILE_BINDINGS.anomalies, fanOutSink(JOB_FILE_BINDINGS.anomalies, targets));
  }
  const modelOutputs = [
    JOB_FILE_BINDINGS.predictions,
    JOB_FILE_BINDINGS.modelMetrics,
    JOB_FILE_BINDINGS.modelVersions,
  ].filter((name) => name in bound);
  return {
    bound,
    results,
    lateReadings: JOB_FILE_BINDINGS.lateReadings in bound,
    modelOutputs,
    anomalies: JOB_FILE_BINDINGS.anomalies in bound,
    ...(aggregates ? { aggregates } : {}),
    influx: influxSinks,
  };
}

/** The job's results to InfluxDB: its measurement, with a field for every extra aggregate it asks for. */
function createAggregateSink(
  influx: InfluxOn,
  spec: JobSpec,
  out: InfluxSinkParts,
  deviceTags: DeviceTagsOf | undefined,
) {
  const measurement = spec.sinks.influx?.measurement ?? 'window_agg';
  const extraFields = spec.windows.flatMap((w) => w.aggregates);
  return createInfluxSink<WindowAggregate>(influx, out, {
    name: `influx:${measurement}`,
    schema: windowAggregateSchema(influx.url.database, measurement, extraFields),
    toPoints: windowAggregatePoints(measurement, deviceTags),
  });
}

/** The spill settings of a job's InfluxDB sinks (`createJobSinks`' `spill`). */
export interface InfluxSpillSettings {
  /** Parent folder: each sink spills to `<dir>/<its name, : as _>`, e.g. `.eddy/spill/influx_window_agg`. */
  readonly dir: string;
  /** Bytes each sink's queue may hold (`--influx-spill-limit`). Default 1 GiB. */
  readonly maxBytes?: number;
  /** Points each sink keeps in memory before spilling. Default 100,000. */
  readonly maxBufferedPoints?: number;
}

/** What every InfluxDB sink of a job shares. */
interface InfluxSinkParts {
  readonly logger: Logger;
  readonly spill?: InfluxSpillSettings;
}

/**
 * A sink of its own client (Eddy's schema registered, and `schema` for a measurement outside it,
 * so field types are right).
 */
function createInfluxSink<T>(
  influx: InfluxOn,
  { logger, spill }: InfluxSinkParts,
  sink: { name: string; schema?: ISchemaOptions; toPoints: (record: T) => IPoint[] },
): InfluxSink<T> {
  const client = createInfluxClient(influx.url);
  if (sink.schema) client.addSchema(sink.schema);
  return new InfluxSink<T>({
    name: sink.name,
    client,
    database: influx.url.database,
    endpoint: formatInfluxUrl(influx.url),
    toPoints: sink.toPoints,
    logger,
    ...(spill ? { spillDir: join(spill.dir, sink.name.replace(/[^\w.-]/g, '_')) } : {}),
    ...(spill?.maxBytes !== undefined ? { maxSpillBytes: spill.maxBytes } : {}),
    ...(spill?.maxBufferedPoints !== undefined ? { maxBufferedPoints: spill.maxBufferedPoints } : {}),
  });
}
