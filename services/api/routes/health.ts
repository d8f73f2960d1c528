import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stripCredentials } from '../../common/logger.ts';
import { deriveHealthStatus, type HealthReport, HealthReportSchema } from '../health-report.ts';

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  /** Reads the runtime's current health; called once per request. */
  readonly health: () => HealthReport;
}

/**
 * `GET /api/health`: the runtime's {@link HealthReport}, with `status` recomputed from the components.
 * 200 when `ok` or `degraded` (a component is down but results still flow), 503 when the job failed.
 *
 * @example
 * await app.register(healthRoutes, { health: () => runtime.health() });
 * // GET /api/health → 200 {"status":"ok","uptimeMs":1200,"broker":{...},"influx":{...},"job":{...}}
 */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, options) => {
  app.get(
    '/api/health',
    { schema: { response: { 200: HealthReportSchema, 503: HealthReportSchema } } },
    async (_request, reply) => {
      const report = sanitize(options.health());
      return reply.code(report.job.state === 'failed' ? 503 : 200).send(report);
    },
  );
};

/** Recomputes `status`, strips passwords from the URLs, maps a non-finite watermark to null. */
function sanitize(report: HealthReport): HealthReport {
  const watermark = report.job.watermark;
  return {
    ...report,
    status: deriveHealthStatus(report),
    broker: { ...report.broker, url: stripCredentials(report.broker.url) },
    influx: { ...report.influx, url: stripCredentials(report.influx.url) },
    job: { ...report.job, watermark: watermark !== null && Number.isFinite(watermark) ? watermark : null },
  };
}
