import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { requiresToken, tokenChecker } from '../../../services/api/auth.ts';
import { buildApp } from '../../../services/api/build-app.ts';
import type { ModelServing } from '../../../services/api/routes/models.ts';
import type { SavepointTaker } from '../../../services/api/routes/savepoints.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import { healthReport } from './fixtures.ts';

const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuvwxyz-AB';

const TAKEN = { id: 1, path: '/data/savepoints/sp', bytes: 10, keys: 2, durationMs: 3 };
const taker: SavepointTaker = { savepoint: async () => TAKEN };

/** Only `predict` is called: it answers for any model. */
const models = {
  list: () => [],
  predict: (model: string) => ({ model, key: '*', version: 1, prediction: 42 }),
} as unknown as ModelServing;

describe('bearer token on mutating routes', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function build(): Promise<FastifyInstance> {
    app = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      savepoints: taker,
      models,
      apiToken: TOKEN,
    });
    // A plugin as H11's devices routes declare them: a GET that needs the token, a POST that does not.
    await app.register(async (scope) => {
      scope.get('/api/secret', { config: { auth: true } }, async () => ({ ok: true }));
      scope.post('/api/echo', { config: { auth: false } }, async () => ({ ok: true }));
    });
    return app;
  }

  const post = (headers: Record<string, string> = {}) =>
    app!.inject({ method: 'POST', url: '/api/savepoints', payload: { name: 'sp' }, headers });

  it('refuses a POST without the header: 401 EDDY_UNAUTHORIZED with a Bearer challenge', async () => {
    await build();
    const res = await post();
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="eddy"');
    expect(res.json().error.code).toBe('EDDY_UNAUTHORIZED');
    expect(res.json().error.message).toMatch(/^POST \/api\/savepoints needs the API token: send the header/);
    expect(res.body).not.toContain(TOKEN);
  });

  it('refuses a wrong token without echoing either token', async () => {
    await build();
    const guess = 'guess_0123456789abcdefghijklmnop';
    const res = await post({ authorization: `Bearer ${guess}` });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="eddy", error="invalid_token"');
    expect(res.json().error).toMatchObject({ code: 'EDDY_UNAUTHORIZED' });
    expect(res.json().error.message).toMatch(/^The API token is not valid/);
    expect(res.body).not.toContain(TOKEN);
    expect(res.body).not.toContain(guess);
  });

  it('refuses other schemes and malformed headers as invalid_request', async () => {
    await build();
    for (const authorization of [`Basic ${TOKEN}`, 'Bearer', `Bearer ${TOKEN} extra`, `Bearer "${TOKEN}"`]) {
      const res = await post({ authorization });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="eddy", error="invalid_request"');
    }
  });

  it('refuses a prefix or an extension of the token', async () => {
    await build();
    for (const candidate of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      expect((await post({ authorization: `Bearer ${candidate}` })).statusCode).toBe(401);
    }
  });

  it('lets the right token through (scheme case-insensitive) and runs the route', async () => {
    await build();
    expect((await post({ authorization: `Bearer ${TOKEN}` })).statusCode).toBe(201);
    expect((await post({ authorization: `bearer ${TOKEN}` })).json()).toEqual(TAKEN);
  });

  it('checks the token before reading the body: a malformed body without token is still a 401', async () => {
    await build();
    const res = await app!.inject({
      method: 'POST',
      url: '/api/savepoints',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(res.statusCode).toBe(401);
  });

  it('keeps GET routes and the read-only predict open', async () => {
    await build();
    expect((await app!.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const predicted = await app!.inject({
      method: 'POST',
      url: '/api/models/fit/predict',
      payload: { features: { x: 1 } },
    });
    expect(predicted.statusCode).toBe(200);
  });

  it("follows a route's config.auth over its method", async () => {
    await build();
    expect((await app!.inject({ method: 'GET', url: '/api/secret' })).statusCode).toBe(401);
    const authed = await app!.inject({
      method: 'GET',
      url: '/api/secret',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(authed.statusCode).toBe(200);
    expect((await app!.inject({ method: 'POST', url: '/api/echo' })).statusCode).toBe(200);
  });

  it('answers an unknown route 404, token or not', async () => {
    await build();
    const res = await app!.inject({ method: 'DELETE', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
  });
});

describe('requiresToken', () => {
  it('asks for the token on POST, PUT, PATCH, DELETE unless config says otherwise', () => {
    expect(requiresToken('POST', '/api/savepoints', {})).toBe(true);
    expect(requiresToken('PUT', '/api/devices/:id', {})).toBe(true);
    expect(requiresToken('PATCH', '/api/devices/:id', {})).toBe(true);
    expect(requiresToken('DELETE', '/api/devices/:id', {})).toBe(true);
    expect(requiresToken('GET', '/api/devices', {})).toBe(false);
    expect(requiresToken('HEAD', '/api/devices', {})).toBe(false);
    expect(requiresToken('GET', '/api/devices', { auth: true })).toBe(true);
    expect(requiresToken('POST', '/api/x', { auth: false })).toBe(false);
    expect(requiresToken('POST', '/api/models/:name/predict', {})).toBe(false);
  });
});

describe('tokenChecker', () => {
  it('accepts only the exact token', () => {
    const check = tokenChecker(TOKEN);
    expect(check(TOKEN)).toBe(true);
    expect(check('')).toBe(false);
    expect(check(TOKEN.slice(1))).toBe(false);
    expect(check(`${TOKEN}${TOKEN}`)).toBe(false);
  });
});
