import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { influxPingUrl, isInfluxAlive } from '../../../../services/connectors/influx/influx-ping.ts';

let server: Server | undefined;

async function serve(status: number | 'hang'): Promise<string> {
  server = createServer((request, response) => {
    if (status === 'hang') return;
    response.statusCode = request.url === '/ping' ? status : 404;
    response.end();
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

describe('isInfluxAlive', () => {
  it('is true when GET /ping answers 204', async () => {
    expect(await isInfluxAlive(await serve(204), 1_000)).toBe(true);
  });

  it('is false for another status, a server that hangs, or nothing listening', async () => {
    expect(await isInfluxAlive(await serve(200), 1_000)).toBe(false);
    const hanging = await serve('hang');
    expect(await isInfluxAlive(hanging, 100)).toBe(false);
    server?.closeAllConnections();
    await new Promise((done) => server?.close(done));
    server = undefined;
    expect(await isInfluxAlive(hanging, 1_000)).toBe(false);
  });

  it('throws for a URL that is not http(s)', async () => {
    await expect(isInfluxAlive('mqtt://127.0.0.1:1883')).rejects.toThrow('the scheme must be http or https');
    await expect(isInfluxAlive('not a url')).rejects.toThrow('invalid InfluxDB URL "not a url"');
  });
});

describe('influxPingUrl', () => {
  it('drops credentials and query, keeps a path prefix', () => {
    expect(influxPingUrl('http://127.0.0.1:8086')).toBe('http://127.0.0.1:8086/ping');
    expect(influxPingUrl('https://u:pw@db.example:8086/influx/?db=x')).toBe(
      'https://db.example:8086/influx/ping',
    );
  });
});
