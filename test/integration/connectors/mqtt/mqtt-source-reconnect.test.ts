import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient, type Packet } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttSource } from '../../../../services/connectors/mqtt/mqtt-source.ts';
import { systemClock } from '../../../../services/engine/time/clock.ts';
import { CollectingContext } from '../../../services/connectors/mqtt/collecting-context.ts';
import { type MosquittoProcess, startMosquitto } from '../../../support/mosquitto-process.ts';
import { waitFor } from '../../../support/wait-for.ts';

const T0 = 1_700_000_000_000;

/**
 * `MqttSource` across a Mosquitto restart: it reconnects by itself (with backoff), reports the
 * outage in `stats().connection`, and subscribes again only when the broker lost its session, so a
 * message is never delivered twice by a second subscription nor missed for want of one.
 */
describe('MqttSource across a broker restart (real mosquitto)', () => {
  const cleanup: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
  });

  async function setUp(persistence: boolean) {
    const dir = await mkdtemp(join(tmpdir(), 'eddy-mqtt-reconnect-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const broker = await startMosquitto({ dir, persistence });
    cleanup.push(() => broker.stop());
    const source = new MqttSource({
      url: broker.url,
      clientId: `reconnect-${persistence ? 'persistent' : 'volatile'}`,
      ackOn: 'checkpoint',
      topics: ['rc/{device}/telemetry'],
      reconnectBackoff: { baseMs: 50, maxMs: 400, jitter: 0.5 },
    });
    cleanup.push(() => source.close());
    const ctx = new CollectingContext(systemClock);
    await source.open(ctx);
    const subscribes: Packet[] = [];
    (source as unknown as { client: MqttClient }).client.on('packetsend', (packet) => {
      if (packet.cmd === 'subscribe') subscribes.push(packet);
    });
    return { broker, source, ctx, subscribes };
  }

  async function publish(broker: MosquittoProcess, from: number, to: number): Promise<void> {
    const publisher = await connectAsync(broker.url, { clientId: 'rc-publisher', reconnectPeriod: 0 });
    for (let n = from; n < to; n++) {
      await publisher.publishAsync('rc/d1/telemetry', JSON.stringify({ ts: T0 + n, n }), { qos: 1 });
    }
    await publisher.endAsync();
  }

  async function restart(broker: MosquittoProcess, source: MqttSource): Promise<void> {
    const stoppedAt = Date.now();
    await broker.stop();
    await waitFor(() => source.stats().connection?.connected === false, {
      message: 'the source to notice the broker is gone',
    });
    const down = source.stats().connection!;
    expect(down.downSince).toBeGreaterThanOrEqual(stoppedAt - 1_000);
    expect(down.lastError).toEqual(expect.any(String));
    await broker.start();
    await waitFor(() => source.stats().connection?.connected === true, {
      timeoutMs: 10_000,
      message: 'the source to reconnect',
    });
  }

  it('with a persistent session: sends no second SUBSCRIBE and receives on, each message once', async () => {
    const { broker, source, ctx, subscribes } = await setUp(true);
    await publish(broker, 0, 5);
    await ctx.waitForCount(5);
    source.snapshotState(1);
    source.notifyCheckpointComplete(1);
    await restart(broker, source);
    await publish(broker, 5, 10);
    await ctx.waitForCount(10);
    expect(ctx.records.map((r) => r.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(subscribes).toEqual([]);
    expect(source.stats().connection).toMatchObject({ connected: true, reconnects: 1, attempts: 0 });
  });

  it('when the broker lost the session (no persistence): subscribes again, once', async () => {
    const { broker, source, ctx, subscribes } = await setUp(false);
    await publish(broker, 0, 3);
    await ctx.waitForCount(3);
    await restart(broker, source);
    await waitFor(() => subscribes.length === 1, { message: 'the SUBSCRIBE after the reconnection' });
    // Published once the broker has the new subscription (its SUBACK is not observable here: wait
    // for a probe message to come through first).
    await waitFor(
      async () => {
        await publish(broker, 100, 101);
        return ctx.records.some((r) => r.value === 100);
      },
      { timeoutMs: 5_000, intervalMs: 100, message: 'a probe message after the resubscription' },
    );
    await publish(broker, 3, 6);
    await waitFor(() => ctx.records.filter((r) => r.value < 100).length === 6, { message: '6 readings' });
    expect(ctx.records.map((r) => r.value).filter((n) => n < 100)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(subscribes).toHaveLength(1);
    expect(source.stats().connection).toMatchObject({ connected: true, reconnects: 1 });
  });
});
