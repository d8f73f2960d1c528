import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { type Logger, silentLogger } from '../common/logger.ts';
import type { LiveFeed } from '../connectors/live/live-feed.ts';
import type { Clock } from '../engine/time/clock.ts';
import { addBearerAuth } from './auth.ts';
import { registerDocs } from './docs.ts';
import { handleError, handleNotFound } from './errors.ts';
import type { HealthReport } from './health-report.ts';
import type { History } from './history.ts';
import type { MetricsExposition } from './metrics/engine-metrics.ts';
import { aggregatesRoutes } from './routes/aggregates.ts';
import { anomaliesRoutes } from './routes/anomalies.ts';
import { type CheckpointLister, checkpointsRoutes } from './routes/checkpoints.ts';
import { dashboardsRoutes } from './routes/dashboards.ts';
import { type DeviceDirectory, devicesRoutes } from './routes/devices.ts';
import { healthRoutes } from './routes/health.ts';
import { type JobsReporter, jobsRoutes } from './routes/jobs.ts';
import { liveRoutes } from './routes/live.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { modelMetricsRoutes } from './routes/model-metrics.ts';
import { type ModelServing, modelsRoutes } from './routes/models.ts';
import { type SavepointTaker, savepointsRoutes } from './routes/savepoints.ts';
import { seriesRoutes } from './routes/series.ts';
import { type RateLimitSetting, registerRateLimit, registerSecurityHeaders } from './security.ts';
import { strictValidatorCompiler } from './strict-validator-compiler.ts';

/** Where `npm run build:dashboards` writes the dashboard assets (independent of the working directory). */
export const DEFAULT_DASHBOARDS_DIR = fileURLToPath(new URL('../../dashboards/dist', import.meta.url));

/** Everything the API needs from the running system. */
export interface AppDeps {
  /** Source of `/api/live` and `/api/aggregates/recent`. */
  readonly liveFeed: LiveFeed;
  /** The runtime's current health, read on every `GET /api/health`. */
  readonly health: () => HealthReport;
  /** Served at `GET /metrics` (Prometheus text format), e.g. `createEngineMetrics(...)`. Without it, no `/metrics`. */
  readonly metrics?: MetricsExposition;
  /** Served at `GET /api/checkpoints`, e.g. the job's `CheckpointStore`. Without it, no `/api/checkpoints`. */
  readonly checkpoints?: CheckpointLister;
  /** Serves `GET /api/jobs` (each job's counters, watermarks, checkpoints, backpressure). Without it, no `/api/jobs`. */
  readonly jobs?: JobsReporter;
  /** Serves `POST /api/savepoints`, e.g. the running Eddy. Without it, no `/api/savepoints`. */
  readonly savepoints?: SavepointTaker;
  /**
   * Serves `/api/models` (list, describe, versions, snapshot download, predict), e.g. the job's
   * `ModelRegistry`. Without it, no `/api/models`.
   */
  readonly models?: ModelServing;
  /**
   * The token every mutating route (POST, PUT, PATCH, DELETE, or `config: { auth: true }`) needs as
   * `Authorization: Bearer <token>`. Without it those routes are open (tests, embedding): `startEddy`
   * always passes one (`EDDY_API_TOKEN` or `<data-dir>/api-token`), and buildApp logs a warning.
   */
  readonly apiToken?: string;
  /**
   * InfluxDB history (`influxHistory(client, database)`): serves `/api/devices/:id/series` and
   * `/api/anomalies` (list, acknowledge). Without it (no InfluxDB), no such routes.
   */
  readonly history?: History;
  /**
   * Serves `/api/devices` (list, get, register, update, remove, rotate credentials), e.g. the
   * `DeviceRegistry`, and makes `/api/devices/:id/series` answer 404 for a device it does not know.
   * Without it, no `/api/devices`.
   */
  readonly devices?: DeviceDirectory;
  /** Default: a silent logger. */
  readonly logger?: Logger;
  /** Built dashboard assets; relative paths resolve against the working directory. Default `dashboards/dist`. */
  readonly dashboardsDir?: string;
  /** Drives the SSE heartbeat. Default the system clock. */
  readonly clock?: Clock;
  /** SSE tuning: heartbeat period (default 15 s) and per-client buffer bound (default 4 MiB). */
  readonly live?: { readonly heartbeatMs?: number; readonly maxBufferedBytes?: number };
  /**
   * How long `app.close()` waits for open connections before cutting them (default 2 s). Browsers open
   * speculative connections that never carry a request; Node would otherwise wait for them to time out.
   */
  readonly shutdownGraceMs?: number;
  /** Serve over HTTPS with this certificate and key (PEM, see `loadTlsFiles`). Default plain HTTP. */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /**
   * Requests per minute per client address on `/api`, `/metrics` and `/docs` (the live stream and
   * the dashboard files are not counted), or `off`. Default `off` (tests, embedding): `startEddy`
   * passes `--rate-limit` (default 600).
   */
  readonly rateLimit?: RateLimitSetting;
}

/**
 * Builds the Fastify app (routes, schema validation, error format, static dashboards) without
 * listening: tests call `app.inject()`, `services/api/server.ts` calls `listen()`.
 *
 * @example
 * const app = await buildApp({ liveFeed: new LiveFeed(), health: () => runtime.health() });
 * const res = await app.inject({ method: 'GET', url: '/api/health' });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const options = {
    loggerInstance: (deps.logger ?? silentLogger) as FastifyBaseLogger,
    // The dashboard polls /api/health every few seconds, Prometheus scrapes /metrics: keep those out of the log.
    logController: new LogController({
      disableRequestLogging: (request) => request.url === '/api/health' || request.url === '/metrics',
    }),
  };
  // Fastify types an HTTPS instance apart; routes and hooks are the same, so one type serves both.
  const app = (
    deps.https ? (Fastify({ ...options, https: deps.https }) as unknown as FastifyInstance) : Fastify(options)
  ).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(strictValidatorCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  const shutdownGraceMs = deps.shutdownGraceMs ?? 2_000;
  app.addHook('preClose', async () => {
    const force = setTimeout(() => app.server.closeAllConnections(), shutdownGraceMs);
    force.unref();
    app.server.once('close', () => clearTimeout(force));
  });

  // Security headers (CSP, nosniff, frame and referrer policies; HSTS over HTTPS) on every response.
  await registerSecurityHeaders(app, { https: deps.https !== undefined });
  await registerRateLimit(app, deps.rateLimit ?? 'off'); // before the token check: guesses count too
  if (deps.apiToken !== undefined) addBearerAuth(app, { token: deps.apiToken });
  else app.log.warn('the API has no token: routes that change something are open to anyone who reaches it');
  await registerDocs(app);

  await app.register(healthRoutes, { health: deps.health });
  if (deps.metrics) await app.register(metricsRoutes, { metrics: deps.metrics });
  await app.register(aggregatesRoutes, { liveFeed: deps.liveFeed });
  if (deps.jobs) await app.register(jobsRoutes, { jobs: deps.jobs });
  if (deps.checkpoints) await app.register(checkpointsRoutes, { checkpoints: deps.checkpoints });
  if (deps.savepoints) await app.register(savepointsRoutes, { savepoints: deps.savepoints });
  if (deps.models) await app.register(modelsRoutes, { models: deps.models });
  if (deps.devices) await app.register(devicesRoutes, { devices: deps.devices });
  if (deps.history) {
    const history = { history: deps.history, ...(deps.clock ? { clock: deps.clock } : {}) };
    await app.register(seriesRoutes, { ...history, ...(deps.devices ? { devices: deps.devices } : {}) });
    await app.register(modelMetricsRoutes, history);
    await app.register(anomaliesRoutes, history);
  }
  await app.register(liveRoutes, {
    liveFeed: deps.liveFeed,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.live?.heartbeatMs !== undefined ? { heartbeatMs: deps.live.heartbeatMs } : {}),
    ...(deps.live?.maxBufferedBytes !== undefined ? { maxBufferedBytes: deps.live.maxBufferedBytes } : {}),
  });
  await app.register(dashboardsRoutes, { dir: resolve(deps.dashboardsDir ?? DEFAULT_DASHBOARDS_DIR) });
  return app;
}
