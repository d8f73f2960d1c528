import { access } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ApiErrors } from '../errors.ts';

/** Options of {@link dashboardsRoutes}. */
export interface DashboardsRoutesOptions {
  /** Absolute path of the built dashboard assets (`npm run build:dashboards` writes `dashboards/dist`). */
  readonly dir: string;
}

/**
 * Pages may load only their own scripts and data; ECharts sets element styles, hence the inline styles.
 * Nothing from the network is ever evaluated as code.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves the built dashboards: `GET /` is the dashboards app (`index.html`, `app.js`, `app.css`;
 * pages behind hash routes), `/live.html` the live aggregates page, other files by name. When the assets are missing, `GET /` answers 503 with code
 * `EDDY_DASHBOARDS_NOT_BUILT` telling to run `npm run build:dashboards` (checked per request, so a
 * build made while the server runs is picked up).
 *
 * @example
 * await app.register(dashboardsRoutes, { dir: '/srv/eddy/dashboards/dist' });
 */
export const dashboardsRoutes: FastifyPluginAsync<DashboardsRoutesOptions> = async (app, options) => {
  const dir = options.dir;
  await app.register(fastifyStatic, {
    root: dir,
    index: false,
    dotfiles: 'ignore',
    suppressWarning: true, // a missing dir is reported on GET / with what to do
    setHeaders: (reply: FastifyReply) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    },
  });

  app.get('/', async (_request, reply) => {
    try {
      await access(join(dir, 'index.html'));
    } catch {
      throw ApiErrors.dashboardsNotBuilt(dir);
    }
    return reply.sendFile('index.html', { maxAge: 0 });
  });
};
