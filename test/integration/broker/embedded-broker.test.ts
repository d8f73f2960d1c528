import { connectAsync } from 'mqtt';
import { describe, expect, inject, it } from 'vitest';
import { PortInUseError, startEmbeddedBroker } from '../../../services/broker/embedded-broker.ts';

describe('startEmbeddedBroker', () => {
  it('listens on loopback, reports the port it got, and carries messages between clients', async () => {
    const embedded = await startEmbeddedBroker({ port: 0 });
    try {
      expect(embedded.host).toBe('127.0.0.1');
      expect(embedded.port).toBeGreaterThan(0);
      expect(embedded.url).toBe(`mqtt://127.0.0.1:${embedded.port}`);
      const subscriber = await connectAsync(embedded.url, { reconnectPeriod: 0 });
      const publisher = await connectAsync(embedded.url, { reconnectPeriod: 0 });
      try {
        await subscriber.subscribeAsync('eddy-test/embedded', { qos: 1 });
        const received = new Promise<string>((resolve) =>
          subscriber.once('message', (_t, p) => resolve(p.toString())),
        );
        await publisher.publishAsync('eddy-test/embedded', 'hello', { qos: 1 });
        expect(await received).toBe('hello');
      } finally {
        await Promise.all([subscriber.endAsync(), publisher.endAsync()]);
      }
    } finally {
      await embedded.close();
    }
  });

  it('says what to do when the port is taken by another broker', async () => {
    const port = inject('mqttPort'); // the test mosquitto
    const error = await startEmbeddedBroker({ port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as PortInUseError).code).toBe('EDDY_PORT_IN_USE');
    expect((error as Error).message).toBe(
      `port ${port} is already in use: another MQTT broker is probably running; ` +
        `connect to it with --mqtt mqtt://127.0.0.1:${port}, or choose another port with --mqtt-port`,
    );
  });

  it('releases the port on close, so a new broker can take it', async () => {
    const first = await startEmbeddedBroker({ port: 0 });
    await expect(startEmbeddedBroker({ port: first.port })).rejects.toThrow(PortInUseError);
    await first.close();
    await first.close(); // idempotent
    const second = await startEmbeddedBroker({ port: first.port });
    await second.close();
  });

  it('passes access-control hooks to Aedes', async () => {
    const embedded = await startEmbeddedBroker({
      port: 0,
      hooks: {
        authenticate: (_client, username, _password, done) => done(null, username === 'device'),
      },
    });
    try {
      await expect(
        connectAsync(embedded.url, { username: 'intruder', password: 'x', reconnectPeriod: 0 }),
      ).rejects.toThrow(/Not authorized|Bad username/);
      const ok = await connectAsync(embedded.url, { username: 'device', password: 'x', reconnectPeriod: 0 });
      await ok.endAsync();
    } finally {
      await embedded.close();
    }
  });

  it('refuses an impossible port', async () => {
    await expect(startEmbeddedBroker({ port: 70_000 })).rejects.toThrow(
      'MQTT port must be an integer from 0 to 65535, got 70000',
    );
  });
});
