import { access } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { ApiErrors } from '../errors.ts';

/** Options of {@link dashboardsRoutes}. */
export interface DashboardsRoutesOptions {
  /** Absolute path of the built dashboard assets (`npm run build:dashboards` writes `dashboards/dist`). */
  readonly dir: string;
}

/**
 * Serves the built dashboards: `GET /` is the dashboards app (`index.html`, `app.js`, `app.css`;
 * pages behind hash routes), `/live.html` the live aggregates page, other files by name. When the assets are missing, `GET /` answers 503 with code
 * `EDDY_DASHBOARDS_NOT_BUILT` telling to run `npm run build:dashboards` (checked per request, so a
 * build made while the server runs is picked up). The content security policy comes with every
 * response from the security headers (`../security.ts`).
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
