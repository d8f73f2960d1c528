import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiErrors } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Whether the route needs `Authorization: Bearer <token>`. Unset: only POST, PUT, PATCH and
     * DELETE do (see {@link requiresToken}).
     */
    auth?: boolean;
  }
}

/** Methods that change something: they need the token unless the route says `config: { auth: false }`. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * POST routes that only read: their body is a question, not a change, so they stay open like GET.
 * `POST /api/models/:name/predict` computes a prediction from a kept model version and stores
 * nothing; a dashboard or a script that only reads should not need the token that can stop Eddy.
 */
export const READ_ONLY_POSTS: ReadonlySet<string> = new Set(['/api/models/:name/predict']);

/** The `WWW-Authenticate` challenge of a 401 (RFC 6750). */
export function bearerChallenge(error?: 'invalid_token' | 'invalid_request'): string {
  return error ? `Bearer realm="eddy", error="${error}"` : 'Bearer realm="eddy"';
}

/**
 * Whether a route needs the token: its `config.auth` when set, otherwise whether its method
 * changes something (read-only POSTs excepted).
 *
 * @example
 * requiresToken('POST', '/api/savepoints', {});               // true
 * requiresToken('GET', '/api/devices', { auth: true });        // true
 * requiresToken('POST', '/api/models/:name/predict', {});      // false
 */
export function requiresToken(method: string, url: string, config: { auth?: boolean }): boolean {
  if (config.auth !== undefined) return config.auth;
  return MUTATING_METHODS.has(method) && !READ_ONLY_POSTS.has(url);
}

/** `Bearer <token68>` (RFC 6750 §2.1; the scheme is case-insensitive). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * A checker for one token: compares SHA-256 digests with `timingSafeEqual`, so neither the
 * token's length nor its content leaks through the comparison's duration.
 *
 * @example
 * const check = tokenChecker('s3cret-token-0123456789');
 * check('s3cret-token-0123456789'); // true
 * check('guess');                   // false
 */
export function tokenChecker(token: string): (candidate: string) => boolean {
  const expected = sha256(token);
  return (candidate) => timingSafeEqual(sha256(candidate), expected);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Options of {@link addBearerAuth}. */
export interface BearerAuthOptions {
  /** The API token (`EDDY_API_TOKEN` or the data directory's `api-token`). */
  readonly token: string;
}

/**
 * Adds an `onRequest` hook to `app` (before its routes are registered) that answers 401
 * `EDDY_UNAUTHORIZED` with `WWW-Authenticate: Bearer` to a request for a protected route (see
 * {@link requiresToken}) without `Authorization: Bearer <token>`. It runs before the body is read,
 * so an unauthenticated request costs no parsing. Unknown routes stay 404.
 *
 * Why not `@fastify/bearer-auth`: it protects all routes or none (or hands out a verifier to wire
 * per route), answers in its own error format and logs every refusal at error level; the check
 * itself is the same constant-time comparison, kept here in a few lines.
 *
 * @example
 * addBearerAuth(app, { token: process.env.EDDY_API_TOKEN! });
 * // POST /api/savepoints without the header → 401 {"error":{"code":"EDDY_UNAUTHORIZED",...}}
 */
export function addBearerAuth(app: FastifyInstance, options: BearerAuthOptions): void {
  const check = tokenChecker(options.token);
  app.addHook('onRequest', async (request, reply) => {
    if (!isProtected(request)) return;
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      reply.header('www-authenticate', bearerChallenge());
      throw ApiErrors.unauthorized(`${request.method} ${routeOf(request)} needs the API token`);
    }
    const match = BEARER.exec(header);
    if (!match) {
      reply.header('www-authenticate', bearerChallenge('invalid_request'));
      throw ApiErrors.unauthorized('The Authorization header is not of the form "Bearer <token>"');
    }
    if (!check(match[1]!)) {
      reply.header('www-authenticate', bearerChallenge('invalid_token'));
      throw ApiErrors.unauthorized('The API token is not valid');
    }
  });
}

function isProtected(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  if (url === undefined) return false; // no such route: the 404 says so
  return requiresToken(request.method, url, request.routeOptions.config ?? {});
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'this route';
}
