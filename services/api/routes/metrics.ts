import type { FastifyPluginAsync } from 'fastify';
import type { MetricsExposition } from '../metrics/engine-metrics.ts';

/** Options of {@link metricsRoutes}. */
export interface MetricsRoutesOptions {
  /** Renders the metrics; called once per request. */
  readonly metrics: MetricsExposition;
}

/**
 * `GET /metrics`: engine, connector and process metrics in the Prometheus text exposition format,
 * for a Prometheus scrape (or `curl`). Every name starts with `eddy_`.
 *
 * @example
 * await app.register(metricsRoutes, { metrics: createEngineMetrics({ jobs: () => [{ job }] }) });
 * // GET /metrics → 200 text/plain; version=0.0.4
 * // # HELP eddy_job_state Job lifecycle: 1 for the current state, 0 for the others.
 * // # TYPE eddy_job_state gauge
 * // eddy_job_state{job="window-aggregates",state="running"} 1
 */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, options) => {
  app.get('/metrics', async (_request, reply) => {
    const text = await options.metrics.render();
    return reply.type(options.metrics.contentType).header('cache-control', 'no-store').send(text);
  });
};
