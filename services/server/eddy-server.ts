import { join } from 'node:path';
import { ModelRegistry } from '../../ml/operators/model-registry.ts';
import { FleetRunner } from '../../simulators/fleet-runner.ts';
import { MqttPublisher } from '../../simulators/mqtt-publisher.ts';
import type { Publisher } from '../../simulators/publisher.ts';
import { buildApp } from '../api/build-app.ts';
import type { HealthReport } from '../api/health-report.ts';
import { createEngineMetrics } from '../api/metrics/engine-metrics.ts';
import { listen } from '../api/server.ts';
import type { Logger } from '../common/logger.ts';
import { payloadMappingOf, telemetryLimitsOf, withDefaultStateTtl } from '../config/job-spec.ts';
import { formatInfluxUrl } from '../connectors/influx/influx-url.ts';
import { LiveFeed } from '../connectors/live/live-feed.ts';
import type { Source } from '../engine/api/source.ts';
import type { JobExecution } from '../engine/runtime/job-execution.ts';
import { runJob } from '../engine/runtime/parallel/run-job.ts';
import { systemClock } from '../engine/time/clock.ts';
import { defaultJobSpec } from '../jobs/default-job.ts';
import { JOB_FILE_BINDINGS, JOB_FILE_MODULE, type JobFileArgs } from '../jobs/job-file-module.ts';
import { announceApiToken } from './announce-api-token.ts';
import { apiHistory } from './api-history.ts';
import { loadApiToken } from './api-token.ts';
import { builtDashboardsDir } from './built-dashboards.ts';
import { type DeviceStartOptions, openDevices, openDeviceTags, withDeviceSeen } from './device-wiring.ts';
import { eddyHealth } from './eddy-health.ts';
import { type InfluxTarget, resolveInfluxTarget } from './influx-target.ts';
import { openJobCheckpoints, savepointTaker, sessionClientId, withRestoreRemedy } from './job-checkpoints.ts';
import { jobReport, tensorflowBackendInUse } from './job-report.ts';
import { createJobSinks } from './job-sinks.ts';
import { type MqttIngest, openMqttIngest } from './mqtt-ingest.ts';
import { loadStartTls, type SecurityStartOptions, type StartTls } from './security-options.ts';
import type { StartOptions } from './start-options.ts';

export const DEFAULT_JOB_NAME = 'window-aggregates';

/** A running Eddy: broker, job, sinks, simulator and API. */
export interface RunningEddy {
  /** Where the dashboard and API answer, e.g. `http://127.0.0.1:3000`. */
  readonly apiUrl: string;
  /** Where devices publish, e.g. `mqtt://127.0.0.1:1883`. */
  readonly mqttUrl: string;
  readonly influx: InfluxTarget;
  readonly job: JobExecution;
  readonly liveFeed: LiveFeed;
  health(): HealthReport;
  /**
   * Stops the simulator and sources, flushes the sinks, closes the API, broker and a spawned
   * InfluxDB. With checkpoints on, the job first takes a final checkpoint (`finalCheckpoint`,
   * default true): the MQTT messages it holds are acknowledged and the next start replays nothing.
   */
  stop(options?: { readonly finalCheckpoint?: boolean }): Promise<void>;
  /**
   * Resolves with the reason when something asked Eddy to shut down (a stop with savepoint through
   * the API); whoever runs Eddy then calls `stop()`.
   */
  readonly stopRequested: Promise<string>;
}

/**
 * Starts the whole service in dependency order (storage, broker, job, simulator, API) and returns
 * once it is ready. On failure, whatever already started is stopped again before the error is thrown.
 */
export async function startEddy(
  options: StartOptions & DeviceStartOptions & SecurityStartOptions,
  logger: Logger,
): Promise<RunningEddy> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const spec = withDefaultStateTtl(options.job ?? defaultJobSpec(options), options.stateTtlMs);
  const cleanup: (() => Promise<void>)[] = [];
  let finalCheckpoint = true; // set by stop()
  let requestStop: (reason: string) => void = () => {};
  const stopRequested = new Promise<string>((resolve) => {
    requestStop = resolve;
  });
  const undo = async () => {
    for (const step of cleanup.reverse())
      await step().catch((error) => logger.warn({ err: error }, 'cleanup failed'));
  };
  try {
    const tls = await loadStartTls(options); // a bad TLS file fails the start before anything runs
    const influx = await resolveInfluxTarget(options, logger);
    if (influx.mode === 'spawned') cleanup.push(() => influx.process.stop());
    if (influx.mode === 'disabled') logger.warn(influx.reason);
    else
      logger.info({ mode: influx.mode, url: formatInfluxUrl(influx.url) }, 'writing aggregates to InfluxDB');

    const devices = openDevices(options, clock, logger);
    cleanup.push(async () => devices.close()); // last: after the job's final readings were seen
    const deviceTags = openDeviceTags(devices, clock, logger);
    cleanup.push(async () => deviceTags.close()); // before the registry (cleanup runs in reverse)
    const checkpoints = await openJobCheckpoints(options, logger, clock);
    const ingest = await openMqttIngest(
      {
        ...options,
        ...(options.mqttAuth ? { auth: devices } : {}),
        ...(tls.broker ? { brokerTls: tls.broker } : {}),
        ...(tls.mqttClient ? { clientTls: tls.mqttClient } : {}),
        topics: spec.source.topics,
        payload: payloadMappingOf(spec.source),
        limits: telemetryLimitsOf(spec.time),
        ...(checkpoints.intervalMs > 0
          ? { ackOnCheckpoint: { clientId: options.mqttClientId ?? sessionClientId(spec.name, checkpoints) } }
          : {}),
      },
      logger,
    );
    cleanup.push(() => ingest.close());
    logger.info({ mode: ingest.mode, url: ingest.url }, 'MQTT broker');

    const liveFeed = new LiveFeed();
    const models = new ModelRegistry();
    models.declare(spec.models);
    const alerts =
      spec.detectors.length > 0 ? await openAlertPublisher(options, ingest, tls, logger) : undefined;
    if (alerts?.close) cleanup.push(() => alerts.close!()); // after the job stopped: its sinks flushed
    const sinks = createJobSinks(spec, {
      influx,
      liveFeed,
      modelVersions: models.sink(),
      deviceTags: deviceTags.tagsOf,
      ...(alerts ? { alerts } : {}),
      ...(options.influxSpillLimit === 'off'
        ? {}
        : {
            spill: {
              dir: join(options.dataDir, 'spill'),
              ...(options.influxSpillLimit === undefined ? {} : { maxBytes: options.influxSpillLimit }),
              ...(options.influxBufferPoints === undefined
                ? {}
                : { maxBufferedPoints: options.influxBufferPoints }),
            },
          }),
      logger,
    });
    const parallelism = options.parallelism ?? 1;
    const job = await runJob<JobFileArgs>({
      name: spec.name,
      module: JOB_FILE_MODULE,
      args: {
        spec,
        results: sinks.results,
        lateReadings: sinks.lateReadings,
        modelOutputs: sinks.modelOutputs,
        anomalies: sinks.anomalies,
      },
      parallelism,
      clock,
      sources: { [JOB_FILE_BINDINGS.readings]: withDeviceSeen(ingest.source, devices) as Source<unknown> },
      sinks: sinks.bound,
      checkpointing: {
        store: checkpoints.store,
        intervalMs: checkpoints.intervalMs,
        logger,
        ...(checkpoints.restore ? { restore: checkpoints.restore } : {}),
        ...(options.allowNonRestoredState ? { allowNonRestoredState: true } : {}),
      },
    }).catch((error: unknown) => {
      throw withRestoreRemedy(error, checkpoints);
    });
    logger.info(
      {
        job: spec.name,
        windows: spec.windows.length,
        models: spec.models.length,
        detectors: spec.detectors.length,
        parallelism,
      },
      'job started',
    );
    cleanup.push(() => job.stop({ finalCheckpoint: finalCheckpoint && checkpoints.intervalMs > 0 }));
    job.finished.catch((error) => logger.error({ err: error }, 'the job failed'));

    const simulator = options.simulate > 0 ? await startSimulator(options, ingest, logger) : undefined;
    if (simulator) cleanup.push(() => simulator.stop());

    const health = (): HealthReport =>
      eddyHealth({ startedAt, now: clock.now(), ingest, influx, influxSink: sinks.aggregates, job });
    const metrics = createEngineMetrics({
      clock,
      jobs: () => [
        {
          job,
          telemetrySources: [ingest.source],
          influxSinks: sinks.influx,
        },
      ],
    });
    // A generated token is shown once on the terminal, never in the log (see announceApiToken).
    const apiToken = await loadApiToken({
      dataDir: options.dataDir,
      announce: announceApiToken(logger, options.dataDir),
    });
    const history = apiHistory(influx);
    const app = await buildApp({
      ...(tls.api ? { https: tls.api } : {}),
      rateLimit:
        options.rateLimit === undefined || options.rateLimit === 'off' ? 'off' : { max: options.rateLimit },
      apiToken: apiToken.token,
      ...(history ? { history } : {}),
      liveFeed,
      health,
      metrics,
      logger,
      dashboardsDir: await builtDashboardsDir(logger),
      checkpoints: checkpoints.store,
      jobs: () => [
        jobReport({
          job,
          deadLetters: ingest.source.stats().deadLetters,
          now: clock.now(),
          tensorflowBackend: tensorflowBackendInUse(),
        }),
      ],
      savepoints: savepointTaker(job, checkpoints.savepointDir, clock, requestStop),
      models,
      devices,
    });
    const apiUrl = await listen(app, { port: options.port, host: options.host });
    cleanup.push(() => app.close());

    const stop = (stopOptions: { readonly finalCheckpoint?: boolean } = {}) => {
      finalCheckpoint = stopOptions.finalCheckpoint ?? true;
      return undo();
    };
    return { apiUrl, mqttUrl: ingest.url, influx, job, liveFeed, health, stop, stopRequested };
  } catch (error) {
    await undo();
    throw error;
  }
}

/**
 * Where the job's alerts (`alerts/<deviceId>`) are published: straight into the embedded broker,
 * or a client of its own on the external one (the ingest client only subscribes).
 */
async function openAlertPublisher(
  options: StartOptions,
  ingest: MqttIngest,
  tls: StartTls,
  logger: Logger,
): Promise<Publisher & { close?(): Promise<void> }> {
  if (ingest.mode === 'embedded' || options.mqttUrl === undefined) return ingest.openPublisher();
  return MqttPublisher.connect({
    url: options.mqttUrl,
    logger,
    noDelay: true, // alerts: each one out at once
    ...(tls.mqttClient ? { tls: tls.mqttClient } : {}),
  });
}

async function startSimulator(options: StartOptions, ingest: MqttIngest, logger: Logger) {
  const publisher: Publisher & { close?(): Promise<void> } = await ingest.openPublisher();
  const runner = new FleetRunner({
    fleet: { seed: options.seed, devices: options.simulate },
    publisher,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  runner.run().catch((error) => logger.error({ err: error }, 'the simulator stopped'));
  logger.info({ devices: options.simulate, seed: options.seed }, 'simulating devices');
  return {
    stop: async () => {
      await runner.stop();
      await publisher.close?.();
    },
  };
}
