import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { requiresToken } from './auth.ts';

/** Where the OpenAPI document is browsed; the JSON is at `${DOCS_PREFIX}/json`. */
export const DOCS_PREFIX = '/docs';

/** The security scheme protected routes name in the document. */
export const BEARER_SCHEME = 'bearerAuth';

/**
 * Serves the OpenAPI 3 document of every route registered after it, generated from the routes'
 * TypeBox schemas: the UI at `/docs`, the JSON at `/docs/json`. Each operation is tagged with its
 * resource (`/api/<resource>/...`), and the routes that need the API token (see `requiresToken`)
 * carry the bearer security requirement. Register it before the routes.
 *
 * @example
 * await registerDocs(app, { version: '0.1.0' });
 * // GET /docs/json → {"openapi":"3.0.3","paths":{"/api/health":{...}},...}
 */
export async function registerDocs(app: FastifyInstance, options: { readonly version?: string } = {}) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Eddy API',
        description:
          'Online ML and IoT analytics. Routes that change something need `Authorization: Bearer <token>` ' +
          '(EDDY_API_TOKEN, or the api-token file in the data directory). Errors are ' +
          '`{"error": {"code", "message"}}` with a stable code.',
        version: options.version ?? '0.0.0',
      },
      components: {
        securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer' } },
      },
    },
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const secured = methods.some((method) => requiresToken(method, url, route.config ?? {}));
      const resource = /^\/api\/([^/]+)/.exec(url)?.[1];
      const documented: FastifySchema = {
        ...(schema ?? {}),
        ...(resource ? { tags: [resource] } : {}),
        ...(secured ? { security: [{ [BEARER_SCHEME]: [] }] } : {}),
      };
      return { schema: documented, url };
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });
}
