import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePorts } from '../../services/common/free-port.ts';
import { isInfluxAlive } from '../../services/connectors/influx/influx-ping.ts';
import { InfluxdBusyError, startInfluxd } from '../../services/connectors/influx/influxd-process.ts';
import { createDatabase, dropDatabase, queryInflux, uniqueDatabase } from '../support/influx-query.ts';
import { startMosquitto } from '../support/mosquitto-process.ts';
import { onceEvent } from '../support/wait-for.ts';

/** Writes line protocol with ms timestamps over plain HTTP. */
async function writeLines(influxUrl: string, db: string, lines: string): Promise<void> {
  const url = `${influxUrl}/write?db=${encodeURIComponent(db)}&precision=ms`;
  const response = await fetch(url, { method: 'POST', body: lines });
  expect(response.status, await response.text()).toBe(204);
}

describe('test services from the global setup', () => {
  it('provides the URLs and ports of both services', () => {
    expect(inject('mqttUrl')).toBe(`mqtt://127.0.0.1:${inject('mqttPort')}`);
    expect(inject('influxUrl')).toBe(`http://127.0.0.1:${inject('influxPort')}`);
  });

  it('carries a message through the real mosquitto', async () => {
    const subscriber = await connectAsync(inject('mqttUrl'), { reconnectPeriod: 0 });
    const publisher = await connectAsync(inject('mqttUrl'), { reconnectPeriod: 0 });
    try {
      await subscriber.subscribeAsync('eddy-test/services/+', { qos: 1 });
      const received = onceEvent<[string, Buffer]>(subscriber, 'message', 5_000);
      await publisher.publishAsync('eddy-test/services/d1', '{"t":21.5}', { qos: 1 });
      const [topic, payload] = await received;
      expect(topic).toBe('eddy-test/services/d1');
      expect(payload.toString()).toBe('{"t":21.5}');
    } finally {
      await Promise.all([subscriber.endAsync(), publisher.endAsync()]);
    }
  });

  it('writes a point to the real influxd and reads it back with ms precision', async () => {
    const url = inject('influxUrl');
    const db = uniqueDatabase('services_test');
    await createDatabase(url, db);
    try {
      await writeLines(url, db, 'window_agg,device=d1,metric=temp mean=21.5,count=3i 1700000000123');
      const rows = await queryInflux(url, db, 'SELECT * FROM window_agg');
      expect(rows).toEqual([{ time: 1700000000123, device: 'd1', metric: 'temp', mean: 21.5, count: 3 }]);
    } finally {
      await dropDatabase(url, db);
    }
  });
});

describe('startInfluxd in a folder of its own', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'eddy-influxd-test-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts, keeps its data across a restart, and stops cleanly', async () => {
    const [httpPort, bindPort] = await freePorts(2);
    const options = { dataDir, httpPort: httpPort!, bindPort: bindPort! };
    const first = await startInfluxd(options);
    expect(first.url).toBe(`http://127.0.0.1:${httpPort}`);
    expect(await isInfluxAlive(first.url, 1_000)).toBe(true);
    await createDatabase(first.url, 'kept');
    await writeLines(first.url, 'kept', 'm value=1 1700000000001');

    await first.stop();
    expect(await first.exited).toBe(0);
    expect(await isInfluxAlive(first.url, 500)).toBe(false);

    const second = await startInfluxd(options);
    try {
      expect(await queryInflux(second.url, 'kept', 'SELECT value FROM m')).toEqual([
        { time: 1700000000001, value: 1 },
      ]);
    } finally {
      await second.stop();
    }
  });

  it('refuses a port where an InfluxDB already answers', async () => {
    const [bindPort] = await freePorts(1);
    const busy = startInfluxd({ dataDir, httpPort: inject('influxPort'), bindPort: bindPort! });
    await expect(busy).rejects.toBeInstanceOf(InfluxdBusyError);
  });

  it("reports influxd's own error when it cannot bind its port", async () => {
    const [httpPort, bindPort] = await freePorts(2);
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => squatter.listen(httpPort, '127.0.0.1', done));
    try {
      const failed = startInfluxd({ dataDir, httpPort: httpPort!, bindPort: bindPort! });
      await expect(failed).rejects.toThrow(/exited with code 1[\s\S]*address already in use/);
    } finally {
      await new Promise((done) => squatter.close(done));
    }
  });

  it('kill() ends it with SIGKILL', async () => {
    const [httpPort, bindPort] = await freePorts(2);
    const influx = await startInfluxd({ dataDir, httpPort: httpPort!, bindPort: bindPort! });
    influx.kill();
    expect(await influx.exited).toBeNull();
    expect(await isInfluxAlive(influx.url, 500)).toBe(false);
  });
});

describe('startMosquitto', () => {
  it('restarts on the same port and keeps retained messages with persistence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eddy-mosquitto-test-'));
    const broker = await startMosquitto({ dir, persistence: true });
    try {
      const publisher = await connectAsync(broker.url, { reconnectPeriod: 0 });
      await publisher.publishAsync('eddy-test/retained', 'kept', { qos: 1, retain: true });
      await publisher.endAsync();

      await broker.stop();
      expect(broker.running).toBe(false);
      await broker.start();
      expect(broker.running).toBe(true);

      const subscriber = await connectAsync(broker.url, { reconnectPeriod: 0 });
      const received = onceEvent<[string, Buffer]>(subscriber, 'message', 5_000);
      await subscriber.subscribeAsync('eddy-test/retained', { qos: 1 });
      const [, payload] = await received;
      expect(payload.toString()).toBe('kept');
      await subscriber.endAsync();

      broker.kill();
      expect(await broker.exited).toBeNull();
    } finally {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
