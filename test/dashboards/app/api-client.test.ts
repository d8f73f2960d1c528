import { describe, expect, it } from 'vitest';
import { API_TOKEN_KEY, HttpApiClient, withQuery } from '../../../dashboards/src/app/api-client.ts';
import { ApiRequestError } from '../../../dashboards/src/app/page.ts';

interface Call {
  readonly url: string;
  readonly method: string;
  readonly authorization: string | undefined;
  readonly body: string | undefined;
}

/** A fetch answering from `answers` in order, recording each call. */
function fakeFetch(answers: readonly { status: number; body?: unknown }[]) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    calls.push({
      url,
      method: init.method ?? 'GET',
      authorization: headers.authorization,
      body: init.body as string | undefined,
    });
    const answer = answers[calls.length - 1];
    if (!answer) throw new TypeError('Failed to fetch');
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), {
      status: answer.status,
    });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    items,
  };
}

describe('HttpApiClient', () => {
  it('GETs JSON with the defined query values', async () => {
    const { fetch, calls } = fakeFetch([{ status: 200, body: { devices: [] } }]);
    const api = new HttpApiClient({ fetch, storage: memoryStorage(), askToken: async () => null });
    expect(await api.get('/api/devices', { limit: 10, status: undefined, online: true })).toEqual({
      devices: [],
    });
    expect(calls[0]).toMatchObject({
      url: '/api/devices?limit=10&online=true',
      method: 'GET',
      authorization: undefined,
    });
  });

  it("rejects with the API's error code and message, or status 0 when the request failed", async () => {
    const { fetch } = fakeFetch([
      { status: 404, body: { error: { code: 'EDDY_DEVICE_NOT_FOUND', message: 'no device x' } } },
      { status: 500 },
    ]);
    const api = new HttpApiClient({ fetch, storage: memoryStorage(), askToken: async () => null });
    await expect(api.get('/api/devices/x')).rejects.toMatchObject({
      name: 'ApiRequestError',
      status: 404,
      code: 'EDDY_DEVICE_NOT_FOUND',
      message: 'no device x',
    });
    await expect(api.get('/api/x')).rejects.toMatchObject({
      status: 500,
      code: 'HTTP_500',
      message: 'GET /api/x answered HTTP 500',
    });
    const error = await api.get('/api/y').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 0, code: 'EDDY_API_UNREACHABLE' });
  });

  it('POSTs with the stored token as a bearer token', async () => {
    const { fetch, calls } = fakeFetch([{ status: 200, body: { ok: true } }]);
    const api = new HttpApiClient({
      fetch,
      storage: memoryStorage({ [API_TOKEN_KEY]: 'tok-1' }),
      askToken: async () => null,
    });
    expect(await api.post('/api/anomalies/ack', { device: 'd1' })).toEqual({ ok: true });
    expect(calls[0]).toMatchObject({
      method: 'POST',
      authorization: 'Bearer tok-1',
      body: '{"device":"d1"}',
    });
  });

  it('on 401 asks for the token, stores it and retries once', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 401, body: { error: { code: 'EDDY_UNAUTHORIZED', message: 'bad token' } } },
      { status: 200, body: { acknowledged: true } },
    ]);
    const storage = memoryStorage({ [API_TOKEN_KEY]: 'old' });
    const asked: string[] = [];
    const api = new HttpApiClient({
      fetch,
      storage,
      askToken: async (reason) => {
        asked.push(reason);
        return ' new-token ';
      },
    });
    expect(await api.post('/api/anomalies/ack', {})).toEqual({ acknowledged: true });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('refused the saved token');
    expect(storage.items.get(API_TOKEN_KEY)).toBe('new-token');
    expect(calls.map((c) => c.authorization)).toEqual(['Bearer old', 'Bearer new-token']);
  });

  it('gives up with the 401 when the user cancels, and retries only once', async () => {
    const unauthorized = { status: 401, body: { error: { code: 'EDDY_UNAUTHORIZED', message: 'no token' } } };
    const cancelled = new HttpApiClient({
      fetch: fakeFetch([unauthorized]).fetch,
      storage: memoryStorage(),
      askToken: async () => null,
    });
    await expect(cancelled.post('/api/x', {})).rejects.toMatchObject({
      status: 401,
      code: 'EDDY_UNAUTHORIZED',
    });

    const twice = fakeFetch([unauthorized, unauthorized]);
    const wrong = new HttpApiClient({
      fetch: twice.fetch,
      storage: memoryStorage(),
      askToken: async () => 'wrong',
    });
    await expect(wrong.post('/api/x', {})).rejects.toMatchObject({ status: 401 });
    expect(twice.calls).toHaveLength(2);
  });

  it('never asks for a token on a GET', async () => {
    let asked = 0;
    const api = new HttpApiClient({
      fetch: fakeFetch([{ status: 401 }]).fetch,
      storage: memoryStorage(),
      askToken: async () => {
        asked++;
        return 't';
      },
    });
    await expect(api.get('/api/x')).rejects.toMatchObject({ status: 401 });
    expect(asked).toBe(0);
  });
});

describe('withQuery', () => {
  it('appends defined values, with & when the path has a query already', () => {
    expect(withQuery('/api/a', { x: 1, y: undefined })).toBe('/api/a?x=1');
    expect(withQuery('/api/a?z=2', { x: 'a b' })).toBe('/api/a?z=2&x=a+b');
    expect(withQuery('/api/a', {})).toBe('/api/a');
  });
});
