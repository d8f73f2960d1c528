import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatSseEvent, SseConnection } from '../../../../services/api/live/sse-connection.ts';

describe('formatSseEvent', () => {
  it('frames id, event and JSON data, ended by a blank line', () => {
    expect(formatSseEvent({ type: 'aggregate', seq: 7, data: { device: 'a', mean: 1.5 } })).toBe(
      'id: 7\nevent: aggregate\ndata: {"device":"a","mean":1.5}\n\n',
    );
  });

  it('keeps newlines in data inside the JSON string and out of the type', () => {
    const text = formatSseEvent({ type: 'evil\n\ndata: x', seq: 1, data: 'line1\nline2' });
    expect(text).toBe('id: 1\nevent: evil data: x\ndata: "line1\\nline2"\n\n');
  });

  it('sends null for undefined data', () => {
    expect(formatSseEvent({ type: 't', seq: 1, data: undefined })).toBe('id: 1\nevent: t\ndata: null\n\n');
  });
});

describe('SseConnection', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** Serves one SSE connection and hands both ends to the test. */
  async function connectPair(options: ConstructorParameters<typeof SseConnection>[1] = {}) {
    let resolveServerSide: (res: ServerResponse) => void = () => {};
    const serverSide = new Promise<ServerResponse>((resolve) => {
      resolveServerSide = resolve;
    });
    server = createServer((_req, res) => resolveServerSide(res));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const clientSide = new Promise<IncomingMessage>((resolve) => get(`http://127.0.0.1:${port}/`, resolve));
    const res = await serverSide;
    const connection = new SseConnection(res, options);
    connection.open();
    return { connection, client: await clientSide };
  }

  async function readAll(client: IncomingMessage): Promise<string> {
    let text = '';
    client.setEncoding('utf8');
    for await (const chunk of client) text += chunk;
    return text;
  }

  it('writes the retry hint, events and comments, then ends on close()', async () => {
    const { connection, client } = await connectPair({ retryMs: 500 });
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(connection.sendEvent({ type: 'aggregate', seq: 1, data: 1 })).toBe(true);
    expect(connection.sendComment('heart\nbeat')).toBe(true);
    let closedCalls = 0;
    connection.onClose(() => closedCalls++);
    connection.close();
    expect(connection.closed).toBe(true);
    expect(closedCalls).toBe(1);
    expect(connection.sendEvent({ type: 'aggregate', seq: 2, data: 2 })).toBe(false);
    expect(await readAll(client)).toBe('retry: 500\n\nid: 1\nevent: aggregate\ndata: 1\n\n: heart beat\n\n');
    connection.onClose(() => closedCalls++); // already closed: runs at once
    expect(closedCalls).toBe(2);
  });

  it('skips an event whose data cannot be serialised instead of throwing', async () => {
    const { connection, client } = await connectPair();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(connection.sendEvent({ type: 'x', seq: 1, data: cyclic })).toBe(true);
    expect(connection.sendEvent({ type: 'x', seq: 2, data: 10n })).toBe(true);
    connection.sendEvent({ type: 'x', seq: 3, data: 'ok' });
    connection.close();
    expect(await readAll(client)).toBe('retry: 2000\n\nid: 3\nevent: x\ndata: "ok"\n\n');
  });

  it('drops the client synchronously once its buffer passes the bound, and says so once', async () => {
    const overflows: number[] = [];
    const { connection, client } = await connectPair({
      maxBufferedBytes: 1_000,
      onOverflow: (bytes) => overflows.push(bytes),
    });
    client.pause();
    let closed = false;
    connection.onClose(() => {
      closed = true;
    });
    // Written in one tick, so nothing reaches the socket yet: the third event passes 1,000 bytes.
    const big = 'x'.repeat(400);
    expect(connection.sendEvent({ type: 'x', seq: 1, data: big })).toBe(true);
    expect(connection.sendEvent({ type: 'x', seq: 2, data: big })).toBe(true);
    expect(connection.sendEvent({ type: 'x', seq: 3, data: big })).toBe(false);
    expect(closed).toBe(true);
    expect(connection.closed).toBe(true);
    expect(overflows).toHaveLength(1);
    expect(overflows[0]).toBeGreaterThan(1_000);
    expect(connection.sendEvent({ type: 'x', seq: 4, data: big })).toBe(false);
    expect(overflows).toHaveLength(1);
  });

  it('rejects a bound that is not positive', async () => {
    const { connection } = await connectPair();
    connection.close();
    expect(() => new SseConnection({} as ServerResponse, { maxBufferedBytes: 0 })).toThrow(
      /maxBufferedBytes/,
    );
  });
});
