import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/api/build-app.ts';
import type { MetricsExposition } from '../../../services/api/metrics/engine-metrics.ts';
import type { ModelServing } from '../../../services/api/routes/models.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import { fakeHistory } from './fake-history.ts';
import { healthReport } from './fixtures.ts';

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { tags?: string[]; security?: unknown[]; parameters?: { name: string }[] }>
  >;
  components: { securitySchemes: Record<string, unknown> };
}

/**
 * `METHOD /path` of every route of `app`, read from `printRoutes()`'s tree (a line's depth is its
 * indentation / 4, its path the segments above it joined), in OpenAPI's `{param}` form; HEAD and
 * the docs' own routes left out, and so is `/*`: the dashboards' static files, which @fastify/static
 * hides from the document.
 */
function routesOf(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const segments: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[└├]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    segments.length = depth;
    segments.push(match[2]!);
    if (!match[3]) continue;
    const path = segments.join('').replace(/:([A-Za-z]+)/g, '{$1}');
    if (path.startsWith('/docs') || path === '/*') continue;
    for (const method of match[3].split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes.sort();
}

describe('OpenAPI at /docs', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function build() {
    app = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      metrics: { contentType: 'text/plain', render: () => '' } as unknown as MetricsExposition,
      checkpoints: { list: async () => [] },
      savepoints: { savepoint: async () => ({ id: 1, path: '/p', bytes: 0, keys: 0, durationMs: 0 }) },
      models: { list: () => [] } as unknown as ModelServing,
      history: fakeHistory().history,
      apiToken: 'docs-test-token-0123456789',
    });
    await app.ready();
    return app;
  }

  it('documents every route of buildApp, from the TypeBox schemas', async () => {
    await build();
    const res = await app!.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as OpenApiDocument;
    expect(doc.openapi).toBe('3.0.3');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .filter((route) => !route.startsWith('HEAD '))
      .sort();
    const routes = routesOf(app!);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/health',
        'POST /api/savepoints',
        'GET /api/devices/{id}/series',
        'GET /api/anomalies',
        'POST /api/anomalies/ack',
        'POST /api/models/{name}/predict',
      ]),
    );
    expect(documented).toEqual(routes);

    const series = doc.paths['/api/devices/{id}/series']!.get!;
    expect(series.tags).toEqual(['devices']);
    expect(series.parameters!.map((p) => p.name).sort()).toEqual([
      'every',
      'from',
      'id',
      'metric',
      'to',
      'window',
    ]);
  });

  it('marks the routes that need the token with the bearer scheme, and only those', async () => {
    await build();
    const doc = (await app!.inject({ method: 'GET', url: '/docs/json' })).json() as OpenApiDocument;
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: { type: 'http', scheme: 'bearer' } });
    const secured = Object.entries(doc.paths)
      .flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => operation.security !== undefined)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(secured).toEqual(['POST /api/anomalies/ack', 'POST /api/savepoints']);
  });

  it('serves the UI at /docs', async () => {
    await build();
    const res = await app!.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});
