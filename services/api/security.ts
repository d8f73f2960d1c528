import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ApiError, ApiErrors } from './errors.ts';

/**
 * What the dashboards, the live page and `/docs` need, and no more: their own scripts, styles
 * (ECharts and Swagger UI set element styles, hence inline styles), `data:` images (the favicon),
 * requests to this origin only (fetch and the live EventSource). The same policy as the one the
 * dashboards route sets on its files.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Rate limit of the API: requests per window per client address, or `off`. */
export type RateLimitSetting = { readonly max: number; readonly timeWindowMs?: number } | 'off';

/**
 * Requests a rate limit counts: the API (`/api/...`), `/metrics` and `/docs`. The live stream
 * (`/api/live`, one long request per page, reopened after a drop) and the dashboard files are not
 * counted, so a busy API never keeps a page from loading or following the stream.
 *
 * @example
 * isRateLimited('/api/devices?limit=5'); // true
 * isRateLimited('/api/live?types=aggregate'); // false
 * isRateLimited('/app.js'); // false
 */
export function isRateLimited(url: string): boolean {
  const path = url.split('?', 1)[0] ?? url;
  if (path === '/api/live' || path.startsWith('/api/live/')) return false;
  return path.startsWith('/api/') || path === '/metrics' || path === '/docs' || path.startsWith('/docs/');
}

/**
 * Security headers (`@fastify/helmet`): the {@link CSP_DIRECTIVES}, `X-Frame-Options`,
 * `Referrer-Policy: no-referrer`, `X-Content-Type-Options: nosniff`, ... on every response; over
 * HTTPS also `Strict-Transport-Security` and `upgrade-insecure-requests` (over plain HTTP they would
 * send browsers to an `https://` that does not answer). Register before the routes.
 *
 * @example
 * await registerSecurityHeaders(app, { https: false });
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: { readonly https: boolean },
): Promise<void> {
  const directives: Record<string, string[] | null> = Object.fromEntries(
    Object.entries(CSP_DIRECTIVES).map(([name, values]) => [name, [...values]]),
  );
  if (options.https) directives['upgrade-insecure-requests'] = [];
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: options.https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
  });
}

/**
 * Rate limiting (`@fastify/rate-limit`) per client address over the requests
 * {@link isRateLimited} counts: past `max` in the window (default one minute), 429
 * `EDDY_RATE_LIMITED` in the API's error format, with `Retry-After`. It runs before the token
 * check, so guessing the API token is limited too. Register before the bearer auth and the routes.
 *
 * @example
 * await registerRateLimit(app, { max: 600 });
 * // the 601st GET /api/health within a minute → 429 {"error":{"code":"EDDY_RATE_LIMITED",...}}
 */
export async function registerRateLimit(app: FastifyInstance, setting: RateLimitSetting): Promise<void> {
  if (setting === 'off') return;
  if (!(Number.isInteger(setting.max) && setting.max > 0)) {
    throw new RangeError(`the rate limit must be a positive whole number of requests, got ${setting.max}`);
  }
  const timeWindowMs = setting.timeWindowMs ?? 60_000;
  await app.register(fastifyRateLimit, {
    global: false,
    max: setting.max,
    timeWindow: timeWindowMs,
    allowList: (request: FastifyRequest) => !isRateLimited(request.url),
    errorResponseBuilder: (request, context) =>
      rateLimited(request, context.statusCode, setting.max, timeWindowMs),
  });
  app.addHook('onRequest', app.rateLimit());
}

/** The 429 a client gets past its limit (a 403 if ever banned), in the catalog's shape. */
function rateLimited(request: FastifyRequest, status: number, max: number, timeWindowMs: number): ApiError {
  const window = timeWindowMs === 60_000 ? 'a minute' : `${timeWindowMs / 1000} s`;
  return ApiErrors.rateLimited(
    `Too many requests from ${request.ip}: at most ${max} in ${window}. Wait as many seconds as the ` +
      'Retry-After header says, then retry (the limit is set with --rate-limit).',
    status,
  );
}
