import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../../services/broker/embedded-broker.ts';
import { DeviceRegistry } from '../../../services/devices/device-registry.ts';
import { waitFor } from '../../support/wait-for.ts';

describe('embedded broker with device auth', () => {
  let registry: DeviceRegistry;
  let embedded: EmbeddedBroker;
  let password1: string;
  let password2: string;
  /** Messages reaching Eddy's in-process consumer. */
  const received: string[] = [];

  beforeAll(async () => {
    registry = DeviceRegistry.open(':memory:', { flushIntervalMs: 0 });
    password1 = registry.register('dev-1').credentials.password;
    password2 = registry.register('dev-2').credentials.password;
    embedded = await startEmbeddedBroker({ port: 0, auth: registry });
    // Eddy's in-process consumer (as BrokerSource): bypasses auth.
    await new Promise<void>((resolve) =>
      embedded.broker.subscribe(
        'sensors/#',
        (packet, done) => {
          received.push(`${packet.topic} ${packet.payload.toString()}`);
          done();
        },
        resolve,
      ),
    );
  });
  afterAll(async () => {
    await embedded.close();
    registry.close();
  });

  const connect = (options: { username?: string; password?: string }) =>
    connectAsync(embedded.url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });

  it('refuses a client without credentials', async () => {
    await expect(connect({})).rejects.toThrow(/Bad username or password/);
  });

  it('refuses a wrong password and an unknown device', async () => {
    await expect(connect({ username: 'dev-1', password: password2 })).rejects.toThrow(
      /Bad username or password/,
    );
    await expect(connect({ username: 'ghost', password: password1 })).rejects.toThrow(
      /Bad username or password/,
    );
  });

  it('delivers a device publishing to its own topic, and drops one publishing to another device topic', async () => {
    const device = await connect({ username: 'dev-1', password: password1 });
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    await device.publishAsync('sensors/dev-1/telemetry', '{"ts":1,"t":1}', { qos: 1 });
    await waitFor(() => received.includes('sensors/dev-1/telemetry {"ts":1,"t":1}'), {
      message: 'own message',
    });

    device.publish('sensors/dev-2/telemetry', '{"ts":2,"t":666}', { qos: 0 });
    await closed; // Aedes closes the connection of a refused publish
    // A publish sent after the refused one by the rightful owner proves ordering: the forged one is gone.
    const owner = await connect({ username: 'dev-2', password: password2 });
    await owner.publishAsync('sensors/dev-2/telemetry', '{"ts":3,"t":2}', { qos: 1 });
    await waitFor(() => received.includes('sensors/dev-2/telemetry {"ts":3,"t":2}'));
    expect(received.some((line) => line.includes('666'))).toBe(false);
    await end(owner, device);
  });

  it('refuses a device publishing to $SYS or outside sensors/', async () => {
    for (const topic of ['$SYS/x/y', 'alerts/dev-1', 'sensors/dev-1']) {
      const device = await connect({ username: 'dev-1', password: password1 });
      const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
      device.publish(topic, 'x', { qos: 0 });
      await closed;
      await end(device);
    }
  });

  it('lets a device subscribe to its own alerts only', async () => {
    const device = await connect({ username: 'dev-1', password: password1 });
    const own = await device.subscribeAsync('alerts/dev-1', { qos: 1 });
    expect(own[0]?.qos).toBe(1);
    // A refused subscription is SUBACK 0x80, which mqtt.js turns into an error.
    await expect(device.subscribeAsync('alerts/dev-2', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(device.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await end(device);
  });

  it("keeps Eddy's in-process publishers working", async () => {
    await new Promise<void>((resolve, reject) =>
      embedded.broker.publish(
        {
          cmd: 'publish',
          topic: 'sensors/sim-1/telemetry',
          payload: Buffer.from('sim'),
          qos: 0,
          dup: false,
          retain: false,
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    await waitFor(() => received.includes('sensors/sim-1/telemetry sim'));
  });
});

async function end(...clients: MqttClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.endAsync(true)));
}
