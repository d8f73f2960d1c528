import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { FleetRunner } from '../../simulators/fleet-runner.ts';
import type { Publisher } from '../../simulators/publisher.ts';
import { buildApp, DEFAULT_DASHBOARDS_DIR } from '../api/build-app.ts';
import type { HealthReport } from '../api/health-report.ts';
import { listen } from '../api/server.ts';
import type { Logger } from '../common/logger.ts';
import { createInfluxClient } from '../connectors/influx/create-influx-client.ts';
import { InfluxSink } from '../connectors/influx/influx-sink.ts';
import { formatInfluxUrl } from '../connectors/influx/influx-url.ts';
import { windowAggregateToPoints } from '../connectors/influx/window-agg-points.ts';
import { LiveFeed } from '../connectors/live/live-feed.ts';
import type { WindowAggregate } from '../domain/window-aggregate.ts';
import type { Sink } from '../engine/api/sink.ts';
import { StreamEnvironment } from '../engine/api/stream-environment.ts';
import type { JobExecution } from '../engine/runtime/job-execution.ts';
import { systemClock } from '../engine/time/clock.ts';
import { MIN_WATERMARK } from '../engine/time/watermark.ts';
import { defineDefaultJob } from '../jobs/default-job.ts';
import { type InfluxTarget, resolveInfluxTarget } from './influx-target.ts';
import { type MqttIngest, openMqttIngest } from './mqtt-ingest.ts';
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
  /** Stops the simulator and sources, flushes the sinks, closes the API, broker and a spawned InfluxDB. */
  stop(): Promise<void>;
}

/**
 * Starts the whole service in dependency order (storage, broker, job, simulator, API) and returns
 * once it is ready. On failure, whatever already started is stopped again before the error is thrown.
 */
export async function startEddy(options: StartOptions, logger: Logger): Promise<RunningEddy> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const cleanup: (() => Promise<void>)[] = [];
  const undo = async () => {
    for (const step of cleanup.reverse())
      await step().catch((error) => logger.warn({ err: error }, 'cleanup failed'));
  };
  try {
    const influx = await resolveInfluxTarget(options, logger);
    if (influx.mode === 'spawned') cleanup.push(() => influx.process.stop());
    if (influx.mode === 'disabled') logger.warn(influx.reason);
    else
      logger.info({ mode: influx.mode, url: formatInfluxUrl(influx.url) }, 'writing aggregates to InfluxDB');

    const ingest = await openMqttIngest(options, logger);
    cleanup.push(() => ingest.close());
    logger.info({ mode: ingest.mode, url: ingest.url }, 'MQTT broker');

    const liveFeed = new LiveFeed();
    const influxSink = influx.mode === 'disabled' ? undefined : createAggregateSink(influx, logger);
    const sinks: Sink<WindowAggregate>[] = [liveFeed.sink<WindowAggregate>('aggregate')];
    if (influxSink) sinks.unshift(influxSink);
    const env = new StreamEnvironment({ clock });
    defineDefaultJob(env, ingest.source, sinks, options);
    const job = await env.start(DEFAULT_JOB_NAME);
    cleanup.push(() => job.stop());
    job.finished.catch((error) => logger.error({ err: error }, 'the job failed'));

    const simulator = options.simulate > 0 ? await startSimulator(options, ingest, logger) : undefined;
    if (simulator) cleanup.push(() => simulator.stop());

    const health = (): HealthReport =>
      healthReport({ startedAt, now: clock.now(), ingest, influx, influxSink, job });
    const app = await buildApp({ liveFeed, health, logger, dashboardsDir: await dashboardsDir(logger) });
    const apiUrl = await listen(app, { port: options.port, host: options.host });
    cleanup.push(() => closeApp(app));

    return { apiUrl, mqttUrl: ingest.url, influx, job, liveFeed, health, stop: undo };
  } catch (error) {
    await undo();
    throw error;
  }
}

function createAggregateSink(influx: Exclude<InfluxTarget, { mode: 'disabled' }>, logger: Logger) {
  return new InfluxSink<WindowAggregate>({
    name: 'influx:window_agg',
    client: createInfluxClient(influx.url),
    database: influx.url.database,
    endpoint: formatInfluxUrl(influx.url),
    toPoints: windowAggregateToPoints,
    logger,
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

/** The built dashboards; built now (esbuild, a second or two) when missing. */
async function dashboardsDir(logger: Logger): Promise<string> {
  if (!existsSync(join(DEFAULT_DASHBOARDS_DIR, 'index.html'))) {
    logger.info('building the dashboards (first start)');
    const { buildDashboards } = await import('../../dashboards/build.ts');
    await buildDashboards({ outDir: DEFAULT_DASHBOARDS_DIR });
  }
  return DEFAULT_DASHBOARDS_DIR;
}

async function closeApp(app: FastifyInstance): Promise<void> {
  await app.close();
}

function healthReport(parts: {
  startedAt: number;
  now: number;
  ingest: MqttIngest;
  influx: InfluxTarget;
  influxSink: InfluxSink<WindowAggregate> | undefined;
  job: JobExecution;
}): HealthReport {
  const { ingest, influx, influxSink, job } = parts;
  const metrics = job.metrics();
  const window = metrics.operators.find((o) => o.lateRecordsDropped !== undefined);
  const source = metrics.sources[0];
  const sinkStats = influxSink?.stats();
  return {
    status: 'ok',
    uptimeMs: parts.now - parts.startedAt,
    broker: { mode: ingest.mode, url: ingest.url, connected: ingest.connected() },
    influx:
      influx.mode === 'disabled'
        ? { mode: 'disabled', url: '', reachable: false, pointsWritten: 0, lastError: influx.reason }
        : {
            mode: influx.mode,
            url: formatInfluxUrl(influx.url),
            reachable: sinkStats?.reachable ?? false,
            pointsWritten: sinkStats?.pointsWritten ?? 0,
            ...(sinkStats?.lastError ? { lastError: sinkStats.lastError } : {}),
          },
    job: {
      name: metrics.name,
      state: metrics.state,
      recordsIn: source?.recordsOut ?? 0,
      resultsOut: window?.recordsOut ?? 0,
      lateRecords: window?.lateRecordsDropped ?? 0,
      deadLetters: ingest.source.stats().deadLetters,
      watermark: source && source.watermark > MIN_WATERMARK ? source.watermark : null,
    },
  };
}
