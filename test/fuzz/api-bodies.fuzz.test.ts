import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../services/api/build-app.ts';
import { RegisterDeviceSchema, UpdateDeviceSchema } from '../../services/api/schemas/devices.ts';
import { LiveFeed } from '../../services/connectors/live/live-feed.ts';
import { DeviceRegistry } from '../../services/devices/device-registry.ts';
import { ManualClock } from '../../services/engine/time/clock.ts';
import { healthReport } from '../services/api/fixtures.ts';
import { apiFuzzRuns, fuzzSeed } from './fuzz-budget.ts';

/**
 * Fuzz of the API's request bodies through the whole Fastify app (`app.inject`, no network): every
 * body the schema refuses gets 400 in the error catalogue's shape, and no body ever gets a 5xx.
 */

let app: FastifyInstance;
let registry: DeviceRegistry;

beforeAll(async () => {
  registry = DeviceRegistry.open(':memory:', {
    clock: new ManualClock(1_700_000_000_000),
    flushIntervalMs: 0,
  });
  app = await buildApp({
    liveFeed: new LiveFeed(),
    health: () => healthReport(),
    devices: registry,
    savepoints: {
      savepoint: async () => ({ id: 1, path: '/data/savepoints/x', bytes: 1, keys: 1, durationMs: 1 }),
    },
  });
  // Valid registrations of this id answer 409 at once (a new device would cost a password hash).
  const first = await app.inject({ method: 'POST', url: '/api/devices', payload: { id: 'd1' } });
  expect(first.statusCode).toBe(201);
});
afterAll(async () => {
  await app.close();
  registry.close();
});

/** The body of an API error: exactly `{"error": {"code", "message"}}`, both non-empty, the message short. */
function checkErrorBody(status: number, body: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`status ${status} with a body that is not JSON: ${body.slice(0, 200)}`);
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  const shaped =
    Object.keys(parsed as object).length === 1 &&
    typeof error?.code === 'string' &&
    error.code.length > 0 &&
    typeof error.message === 'string' &&
    error.message.length > 0 &&
    error.message.length < 2_000;
  if (!shaped)
    throw new Error(`status ${status} with a body not in the catalogue's shape: ${body.slice(0, 200)}`);
}

const hostile = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(
      '',
      'x'.repeat(200),
      '../../etc/passwd',
      'a,b=c d',
      'é',
      '\u0000',
      -1,
      1e308,
      99,
      5_000,
      1.5,
      null,
      true,
      [],
      {},
      { site: 'lyon' },
      { device: 'x' },
      { 'a b': 'c' },
      JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
    ),
  );

const deviceBody = (): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.record(
        {
          name: fc.constantFrom('Boiler 1', null),
          kind: fc.constantFrom('boiler', null),
          location: fc.constant('plant 2'),
          tags: fc.constantFrom({ site: 'lyon' }, {}),
          expectedIntervalMs: fc.constantFrom(5_000, null),
        },
        { requiredKeys: [] },
      ),
      fc.array(
        fc.tuple(
          fc.constantFrom('id', 'name', 'kind', 'location', 'tags', 'expectedIntervalMs', 'extra'),
          hostile(),
        ),
        {
          maxLength: 2,
        },
      ),
    )
    .map(([body, changes]) => {
      const out: Record<string, unknown> = { id: 'd1', ...body };
      for (const [key, value] of changes) out[key] = value;
      return out;
    });

type Request = {
  method: 'POST' | 'PATCH';
  url: string;
  payload: string;
  contentType: string;
  schema?: unknown;
};

const request = (): fc.Arbitrary<Request> => {
  const json = fc.oneof(
    { arbitrary: deviceBody() as fc.Arbitrary<unknown>, weight: 3 },
    { arbitrary: hostile(), weight: 1 },
  );
  const raw = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '{',
      '{"id": "d1",}',
      '[1,2',
      'NaN',
      '{"id": 1e999}',
      `{"id":"d1","${'k'.repeat(100_000)}":1}`,
      '{"id":"d1","a\\u0000\\"b":1}',
      `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
      `{"id":"${'x'.repeat(2_000_000)}"}`,
    ),
  );
  return fc.oneof(
    json.map((body) => ({
      method: 'POST' as const,
      url: '/api/devices',
      payload: JSON.stringify(body),
      contentType: 'application/json',
      schema: body,
    })),
    json.map((body) => ({
      method: 'PATCH' as const,
      url: '/api/devices/d1',
      payload: JSON.stringify(body),
      contentType: 'application/json',
      schema: body,
    })),
    hostile().map((body) => ({
      method: 'POST' as const,
      url: '/api/savepoints',
      payload: JSON.stringify(body),
      contentType: 'application/json',
    })),
    fc
      .tuple(
        fc.constantFrom('/api/devices', '/api/savepoints', '/api/devices/d1'),
        raw,
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
        ),
      )
      .map(([url, payload, contentType]) => ({
        method: url.endsWith('d1') ? ('PATCH' as const) : ('POST' as const),
        url,
        payload,
        contentType,
      })),
  );
};

describe('API request bodies under fuzz', () => {
  it('answers every body with a 2xx, or a 4xx in the error shape (400 when the schema refuses it), never a 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request(), async (req) => {
        const res = await app.inject({
          method: req.method,
          url: req.url,
          payload: req.payload,
          headers: { 'content-type': req.contentType },
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500)
          throw new Error(
            `${res.statusCode} for ${req.method} ${req.url} ${req.payload.slice(0, 200)}: ${res.body.slice(0, 300)}`,
          );
        if (res.statusCode >= 400) checkErrorBody(res.statusCode, res.body);
        const schema =
          req.url === '/api/devices'
            ? RegisterDeviceSchema
            : req.url === '/api/devices/d1'
              ? UpdateDeviceSchema
              : undefined;
        if (schema !== undefined && 'schema' in req && !Value.Check(schema, req.schema)) {
          if (res.statusCode !== 400)
            throw new Error(`${res.statusCode} for a body the schema refuses: ${req.payload.slice(0, 200)}`);
        }
        if (({} as Record<string, unknown>).polluted !== undefined)
          throw new Error('Object.prototype polluted');
      }),
      { numRuns: apiFuzzRuns(), seed: fuzzSeed() },
    );
    // Not vacuous: refused bodies, accepted ones (409: d1 exists; 200/201) and wrong media types all came up.
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect((statuses.get(409) ?? 0) + (statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(0);
    expect(statuses.get(415)).toBeGreaterThan(0);
  }, 120_000);
});
