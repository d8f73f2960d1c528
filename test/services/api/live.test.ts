import { get as httpGet, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AppDeps, buildApp } from '../../../services/api/build-app.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { healthReport, windowAggregate } from './fixtures.ts';
import { SseTestClient } from './sse-test-client.ts';

describe('GET /api/live (Server-Sent Events)', () => {
  let app: FastifyInstance | undefined;
  const clients: SseTestClient[] = [];

  async function serve(feed: LiveFeed, extra: Partial<AppDeps> = {}): Promise<string> {
    app = await buildApp({
      liveFeed: feed,
      health: () => healthReport(),
      clock: new ManualClock(0),
      shutdownGraceMs: 50, // fetch leaves a spare connection behind when aborted
      ...extra,
    });
    return app.listen({ port: 0, host: '127.0.0.1' });
  }

  async function open(url: string, headers: Record<string, string> = {}): Promise<SseTestClient> {
    const client = await SseTestClient.open(url, headers);
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await app?.close();
    app = undefined;
  });

  it('streams new events as id/event/data frames with SSE headers', async () => {
    const feed = new LiveFeed();
    const base = await serve(feed);
    const client = await open(`${base}/api/live`);
    expect(client.response?.status).toBe(200);
    expect(client.response?.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(client.response?.headers.get('cache-control')).toBe('no-cache, no-transform');
    await client.waitFor((c) => c.frames.some((f) => f.retry !== undefined));
    expect(feed.listenerCount).toBe(1);

    feed.publish('aggregate', windowAggregate());
    feed.publish('anomaly', { device: 'boiler-1', score: 0.97 });
    await client.waitFor((c) => c.events.length === 2);

    const [first, second] = client.events;
    expect(first?.raw).toBe(`id: 1\nevent: aggregate\ndata: ${JSON.stringify(windowAggregate())}`);
    expect(JSON.parse(first?.data ?? '')).toEqual(windowAggregate());
    expect(second).toMatchObject({ id: '2', event: 'anomaly', data: '{"device":"boiler-1","score":0.97}' });
  });

  it('sends only the requested types', async () => {
    const feed = new LiveFeed();
    const base = await serve(feed);
    const client = await open(`${base}/api/live?types=aggregate,prediction`);
    await client.waitFor((c) => c.frames.length > 0);
    feed.publish('anomaly', { n: 1 });
    feed.publish('aggregate', { n: 2 });
    feed.publish('model_metrics', { n: 3 });
    feed.publish('prediction', { n: 4 });
    await client.waitFor((c) => c.events.length === 2);
    expect(client.events.map((f) => [f.id, f.event])).toEqual([
      ['2', 'aggregate'],
      ['4', 'prediction'],
    ]);
  });

  it('replays events newer than Last-Event-ID from the ring, then continues live', async () => {
    const feed = new LiveFeed();
    for (let i = 1; i <= 5; i++) feed.publish(i % 2 ? 'aggregate' : 'anomaly', { n: i });
    const base = await serve(feed);
    const client = await open(`${base}/api/live?types=aggregate`, { 'Last-Event-ID': '2' });
    await client.waitFor((c) => c.events.length === 2);
    expect(client.events.map((f) => f.id)).toEqual(['3', '5']);
    feed.publish('aggregate', { n: 6 });
    await client.waitFor((c) => c.events.length === 3);
    expect(client.events.map((f) => f.id)).toEqual(['3', '5', '6']);
  });

  it('replays from ?after= when there is no Last-Event-ID, and prefers the header', async () => {
    const feed = new LiveFeed();
    for (let i = 1; i <= 4; i++) feed.publish('aggregate', { n: i });
    const base = await serve(feed);
    const byQuery = await open(`${base}/api/live?after=2`);
    await byQuery.waitFor((c) => c.events.length === 2);
    expect(byQuery.events.map((f) => f.id)).toEqual(['3', '4']);
    const byHeader = await open(`${base}/api/live?after=0`, { 'last-event-id': '3' });
    await byHeader.waitFor((c) => c.events.length === 1);
    expect(byHeader.events.map((f) => f.id)).toEqual(['4']);
  });

  it('sends no history without Last-Event-ID or after', async () => {
    const feed = new LiveFeed();
    feed.publish('aggregate', { old: true });
    const base = await serve(feed);
    const client = await open(`${base}/api/live`);
    await client.waitFor((c) => c.frames.length > 0);
    feed.publish('aggregate', { old: false });
    await client.waitFor((c) => c.events.length === 1);
    expect(client.events[0]?.data).toBe('{"old":false}');
  });

  it('sends a heartbeat comment every heartbeatMs of the injected clock', async () => {
    const feed = new LiveFeed();
    const clock = new ManualClock(0);
    const base = await serve(feed, { clock });
    const client = await open(`${base}/api/live`);
    await client.waitFor((c) => c.frames.length > 0);
    expect(clock.pendingCount()).toBe(1);
    clock.advance(14_999);
    clock.advance(1);
    await client.waitFor((c) => c.frames.some((f) => f.comments.includes('heartbeat')));
    clock.advance(15_000);
    await client.waitFor((c) => c.frames.filter((f) => f.comments.includes('heartbeat')).length === 2);
    expect(client.events).toEqual([]);
  });

  it('removes the listener and the heartbeat when the client goes away', async () => {
    const feed = new LiveFeed();
    const clock = new ManualClock(0);
    const base = await serve(feed, { clock });
    const a = await open(`${base}/api/live`);
    const b = await open(`${base}/api/live`);
    await a.waitFor((c) => c.frames.length > 0);
    await b.waitFor((c) => c.frames.length > 0);
    expect(feed.listenerCount).toBe(2);
    expect(clock.pendingCount()).toBe(2);

    a.close();
    await vi.waitFor(() => expect(feed.listenerCount).toBe(1), { timeout: 3_000, interval: 10 });
    expect(clock.pendingCount()).toBe(1);
    feed.publish('aggregate', { still: 'flowing' });
    await b.waitFor((c) => c.events.length === 1);

    b.close();
    await vi.waitFor(() => expect(feed.listenerCount).toBe(0), { timeout: 3_000, interval: 10 });
    expect(clock.pendingCount()).toBe(0);
  });

  it('drops a client that does not read rather than buffering without bound', async () => {
    const feed = new LiveFeed({ capacity: 10 });
    const base = await serve(feed, { live: { maxBufferedBytes: 64 * 1024 } });
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpGet(`${base}/api/live`, resolve).on('error', reject);
    });
    response.pause(); // a stalled browser: never reads again
    const ended = new Promise<void>((resolve) => response.socket.once('close', () => resolve()));
    await vi.waitFor(() => expect(feed.listenerCount).toBe(1), { timeout: 3_000, interval: 10 });

    const payload = { blob: 'x'.repeat(16 * 1024) };
    let published = 0;
    while (feed.listenerCount > 0 && published < 2_000) {
      feed.publish('aggregate', payload);
      published++;
    }
    expect(feed.listenerCount).toBe(0); // dropped inside publish(), once its buffer passed 64 KiB
    await ended;
    expect(published).toBeLessThan(2_000);
    response.destroy();
  });

  it('ends open streams when the app closes', async () => {
    const feed = new LiveFeed();
    const base = await serve(feed);
    const client = await open(`${base}/api/live`);
    await client.waitFor((c) => c.frames.length > 0);
    const closing = app!.close();
    await client.waitForEnd();
    await closing;
    expect(feed.listenerCount).toBe(0);
    app = undefined;
  });

  it('closes even when a client keeps a connection open without sending a request', async () => {
    const base = await serve(new LiveFeed());
    const { port } = new URL(base);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await app!.close(); // would wait for Node's headers timeout (60 s) without the shutdown grace
    app = undefined;
    await socketClosed;
  });

  it.each([
    ['?types=Aggregate', /query parameter "types" must match pattern/],
    ['?types=aggregate,,anomaly', /query parameter "types" must match pattern/],
    ['?after=x', /query parameter "after" must be integer/],
  ])('rejects %s with a 400 before streaming', async (query, message) => {
    app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport() });
    const res = await app.inject({ method: 'GET', url: `/api/live${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
  });

  it('rejects a Last-Event-ID that is not a sequence number', async () => {
    app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport() });
    const res = await app.inject({
      method: 'GET',
      url: '/api/live',
      headers: { 'last-event-id': '1; rm -rf' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/header "last-event-id" must match pattern/);
  });
});
