import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/api/build-app.ts';
import { ApiError, ApiErrors, describeValidation, toApiError } from '../../../services/api/errors.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';

describe('error format', () => {
  const appPromise = buildApp({
    liveFeed: new LiveFeed(),
    health: () => {
      throw new Error('database password is hunter2');
    },
  });
  afterAll(async () => (await appPromise).close());

  it('answers an unknown route with 404 {"error": {"code", "message"}}', async () => {
    const res = await (await appPromise).inject({ method: 'GET', url: '/api/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      error: {
        code: 'EDDY_NOT_FOUND',
        message: 'No such resource: GET /api/nope. The API lives under /api (try GET /api/health).',
      },
    });
  });

  it('answers an unknown method on a known path with the same 404', async () => {
    const res = await (await appPromise).inject({ method: 'DELETE', url: '/api/health' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('EDDY_NOT_FOUND');
  });

  it('hides the details of an unexpected error behind a 500', async () => {
    const res = await (await appPromise).inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: { code: 'EDDY_INTERNAL', message: expect.stringMatching(/server log/) },
    });
    expect(res.body).not.toContain('hunter2');
  });

  it('marks every response nosniff', async () => {
    const res = await (await appPromise).inject({ method: 'GET', url: '/api/nope' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('toApiError', () => {
  it('keeps catalog errors as they are', () => {
    const error = ApiErrors.dashboardsNotBuilt('/tmp/x');
    expect(toApiError(error)).toBe(error);
    expect(error).toMatchObject({ code: 'EDDY_DASHBOARDS_NOT_BUILT', statusCode: 503 });
  });

  it("keeps the code and message of Fastify's own client errors", () => {
    const fastifyError = Object.assign(new Error('Unsupported Media Type: text/csv'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
    expect(toApiError(fastifyError)).toMatchObject({
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
      message: 'Unsupported Media Type: text/csv',
    });
  });

  it('turns anything else into EDDY_INTERNAL, keeping the cause for the log', () => {
    const cause = new TypeError('boom');
    const error = toApiError(cause);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'EDDY_INTERNAL', statusCode: 500, cause });
    expect(toApiError('a string')).toMatchObject({ code: 'EDDY_INTERNAL' });
  });
});

describe('describeValidation', () => {
  it('names the parameter and joins several problems', () => {
    const text = describeValidation(
      [
        { instancePath: '/limit', keyword: 'maximum', message: 'must be <= 5000' },
        { instancePath: '/device', keyword: 'pattern', message: 'must match pattern "^a$"' },
      ],
      'querystring',
    );
    expect(text).toBe(
      'query parameter "limit" must be <= 5000; query parameter "device" must match pattern "^a$"',
    );
  });

  it('names an unknown field of a strict body as such', () => {
    const text = describeValidation(
      [
        {
          instancePath: '/eval',
          keyword: 'boolean',
          message: 'schema is false',
          schemaPath: '#/additionalProperties',
        },
      ],
      'body',
    );
    expect(text).toBe('body field "eval" is not a known field');
  });

  it('quotes a hostile field name as JSON, cut to 64 characters', () => {
    const unknown = (key: string) =>
      describeValidation(
        [
          {
            instancePath: `/${key}`,
            keyword: 'boolean',
            message: 'schema is false',
            schemaPath: '#/additionalProperties',
          },
        ],
        'body',
      );
    expect(unknown('a"b\u0000')).toBe('body field "a\\"b\\u0000" is not a known field');
    expect(unknown('k'.repeat(1_000_000))).toBe(`body field "${'k'.repeat(64)}…" is not a known field`);
  });

  it('names a missing property', () => {
    const text = describeValidation(
      [
        {
          instancePath: '',
          keyword: 'required',
          message: 'must have required properties device',
          params: { requiredProperties: ['device'] },
        },
      ],
      'querystring',
    );
    expect(text).toBe('query parameter "device" must have required properties device');
  });

  it('describes a header', () => {
    expect(
      describeValidation([{ instancePath: '/last-event-id', message: 'must match pattern "x"' }], 'headers'),
    ).toBe('header "last-event-id" must match pattern "x"');
  });
});
