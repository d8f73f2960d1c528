import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PUBACKS_PER_TURN } from '../../services/connectors/mqtt/checkpoint-acks.ts';
import { MqttSource, type MqttSourceOptions } from '../../services/connectors/mqtt/mqtt-source.ts';
import type { Reading } from '../../services/domain/reading.ts';
import { systemClock } from '../../services/engine/time/clock.ts';
import { CollectingContext } from '../services/connectors/mqtt/collecting-context.ts';
import { type MosquittoProcess, startMosquitto } from '../support/mosquitto-process.ts';
import { onceEvent, waitFor } from '../support/wait-for.ts';

const T0 = 1_700_000_000_000;
const TOPIC = 'eo/{device}/telemetry';
const SESSION = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } } as const;

/** A source context that counts `requestCheckpoint` calls and samples the source's unacknowledged count. */
class CheckpointingContext extends CollectingContext {
  checkpointRequests = 0;
  maxAwaiting = 0;
  source: MqttSource | undefined;
  readonly requestCheckpoint = () => void this.checkpointRequests++;

  override collect(record: Reading): void {
    this.maxAwaiting = Math.max(
      this.maxAwaiting,
      this.source?.stats().checkpointAcks?.awaitingCheckpoint ?? 0,
    );
    super.collect(record);
  }
}

const values = (ctx: CollectingContext) => ctx.records.map((r) => r.value);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * A crash of the process holding `source`: its socket is destroyed, no DISCONNECT is sent, and
 * nothing that was not written already reaches the broker. (Reaches into the source's client.)
 */
async function crash(source: MqttSource): Promise<void> {
  const client = (source as unknown as { client: MqttClient }).client;
  client.options.reconnectPeriod = 0;
  client.stream.destroy();
  await source.close();
}

describe("MqttSource with ackOn: 'checkpoint' (real mosquitto)", () => {
  let dir: string;
  let broker: MosquittoProcess;
  let publisher: MqttClient;
  const open: MqttSource[] = [];
  let seq = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-mqtt-exactly-once-'));
    broker = await startMosquitto({ dir });
    publisher = await connectAsync(broker.url, { clientId: 'eo-publisher', reconnectPeriod: 0 });
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Publishes readings `from`..`to - 1` (value = number) at QoS 1, in order. */
  async function publish(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) {
      await publisher.publishAsync('eo/d1/telemetry', JSON.stringify({ ts: T0 + i, n: i }), { qos: 1 });
    }
  }

  async function openSource(
    clientId: string,
    options: Partial<MqttSourceOptions> & { state?: unknown } = {},
  ): Promise<{ source: MqttSource; ctx: CheckpointingContext }> {
    const { state, ...rest } = options;
    const source = new MqttSource({
      url: broker.url,
      clientId,
      ackOn: 'checkpoint',
      topics: [TOPIC],
      clientOptions: { reconnectPeriod: 0 },
      ...rest,
    });
    open.push(source);
    const ctx = new CheckpointingContext(systemClock);
    ctx.source = source;
    if (state !== undefined) source.restoreState(state);
    await source.open(ctx);
    return { source, ctx };
  }

  /** Opens a source as `clientId`, takes readings 0..`count - 1` and completes checkpoint 1, which holds them all. */
  async function completedCheckpoint(
    clientId: string,
    count: number,
    options: Partial<MqttSourceOptions> = {},
  ): Promise<MqttSource> {
    const { source, ctx } = await openSource(clientId, options);
    await publish(0, count);
    await ctx.waitForCount(count);
    source.snapshotState(1);
    source.notifyCheckpointComplete(1);
    return source;
  }

  /** Room for more than two slices of PUBACKs in flight, and no checkpoint asked for meanwhile. */
  const MANY_IN_FLIGHT = { maxUnacknowledged: 2_000, requestCheckpointAt: 2_000 };

  /**
   * What the broker still holds unacknowledged for `clientId`'s session: connects as that client
   * (PUBACKs held), publishes a marker and returns the readings' numbers received before it, with
   * their DUP flags. The broker resends unacknowledged messages first, so the marker ends the list.
   */
  async function unacknowledgedIn(clientId: string): Promise<{ n: number; dup: boolean }[]> {
    const marker = 1_000_000 + seq++;
    const seen: { n: number; dup: boolean }[] = [];
    let resolveMarker: () => void = () => {};
    const markerSeen = new Promise<void>((resolve) => (resolveMarker = resolve));
    const probe = connect(broker.url, { clientId, ...SESSION, reconnectPeriod: 0 });
    probe.handleMessage = (packet: IPublishPacket, done) => {
      const n = (JSON.parse(String(packet.payload)) as { n: number }).n;
      if (n === marker) resolveMarker();
      else seen.push({ n, dup: packet.dup });
      done(new Error('hold the PUBACK'));
    };
    await onceEvent(probe, 'connect');
    await publisher.publishAsync('eo/d1/telemetry', JSON.stringify({ ts: T0, n: marker }), { qos: 1 });
    await markerSeen;
    await probe.endAsync(true);
    return seen;
  }

  it('acknowledges nothing before notifyCheckpointComplete: the broker redelivers it all after a crash', async () => {
    const { source, ctx } = await openSource('eo-nothing-acked');
    await publish(0, 8);
    await ctx.waitForCount(8);
    source.snapshotState(1);
    await crash(source);
    const redelivered = await unacknowledgedIn('eo-nothing-acked');
    expect(redelivered).toEqual(range(0, 8).map((n) => ({ n, dup: true })));
  });

  it('keeps PUBACKs held through backpressure: a message held while paused is delivered on resume, unacknowledged', async () => {
    const { source, ctx } = await openSource('eo-paused');
    source.pause();
    await publish(0, 3);
    await waitFor(() => source.stats().heldMessages === 1, { message: 'a message held while paused' });
    expect(ctx.records).toEqual([]);
    source.resume();
    await ctx.waitForCount(3);
    expect(source.stats().checkpointAcks?.awaitingCheckpoint).toBe(3);
    await crash(source);
    expect(await unacknowledgedIn('eo-paused')).toEqual(range(0, 3).map((n) => ({ n, dup: true })));
  });

  it('after notifyCheckpointComplete the broker holds nothing more for the session', async () => {
    const source = await completedCheckpoint('eo-completed', 8);
    await source.close();
    expect(await unacknowledgedIn('eo-completed')).toEqual([]);
  });

  it('acknowledges a checkpoint larger than a slice of PUBACKs over several turns; the broker then holds nothing', async () => {
    const count = 2 * PUBACKS_PER_TURN + 37;
    const source = await completedCheckpoint('eo-slices', count, MANY_IN_FLIGHT);
    // the first slice is written at once, the rest in later turns
    expect(source.stats().checkpointAcks?.awaitingRedelivery).toBe(count - PUBACKS_PER_TURN);
    await waitFor(() => source.stats().checkpointAcks?.awaitingRedelivery === 0, {
      message: 'every PUBACK written',
    });
    await source.close();
    expect(await unacknowledgedIn('eo-slices')).toEqual([]);
  });

  it('writes the PUBACKs still waiting for their slice before it disconnects', async () => {
    const source = await completedCheckpoint('eo-slices-close', 2 * PUBACKS_PER_TURN, MANY_IN_FLIGHT);
    await source.close(); // in the same turn: only the first slice was written so far
    expect(await unacknowledgedIn('eo-slices-close')).toEqual([]);
  });

  it('after a crash and a restore of checkpoint N, drops what N covers, redelivers the rest: none lost, none twice', async () => {
    const first = await openSource('eo-crash');
    await publish(0, 10);
    await first.ctx.waitForCount(10);
    const state = first.source.snapshotState(1); // covers 0..9
    await publish(10, 15);
    await first.ctx.waitForCount(15); // 10..14: in the job, in no checkpoint
    await crash(first.source);

    const second = await openSource('eo-crash', { state });
    await waitFor(() => second.ctx.records.length >= 5, { message: 'the 5 messages after checkpoint 1' });
    await publish(15, 17); // new messages come after the redeliveries
    await second.ctx.waitForCount(7);
    // Restored state (0..9) + what the new source delivered = every message once.
    expect(values(second.ctx)).toEqual(range(10, 17));
    expect(second.source.stats().checkpointAcks).toMatchObject({
      redeliveriesDropped: 10,
      awaitingCheckpoint: 7,
    });
    // The covered messages were acknowledged on redelivery; the others wait for their checkpoint.
    await second.source.close();
    expect(await unacknowledgedIn('eo-crash')).toEqual(range(10, 17).map((n) => ({ n, dup: true })));
  });

  it('a crash right after the checkpoint completed (PUBACKs possibly unsent) loses and repeats nothing', async () => {
    const first = await openSource('eo-crash-after-complete');
    await publish(0, 6);
    await first.ctx.waitForCount(6);
    const state = first.source.snapshotState(1);
    await publish(6, 9);
    await first.ctx.waitForCount(9);
    first.source.notifyCheckpointComplete(1);
    await crash(first.source);

    const second = await openSource('eo-crash-after-complete', { state });
    await publish(9, 10);
    await second.ctx.waitForCount(4);
    expect(values(second.ctx)).toEqual(range(6, 10));
  });

  it('asks for a checkpoint at requestCheckpointAt, and the broker sends no more than maxUnacknowledged', async () => {
    const { source, ctx } = await openSource('eo-threshold', {
      maxUnacknowledged: 10,
      requestCheckpointAt: 4,
    });
    await publish(0, 3);
    await ctx.waitForCount(3);
    expect(ctx.checkpointRequests).toBe(0);
    await publish(3, 15);
    await ctx.waitForCount(10);
    expect(ctx.checkpointRequests).toBe(1); // once, until a checkpoint is taken
    source.snapshotState(1);
    source.notifyCheckpointComplete(1);
    await ctx.waitForCount(15);
    expect(values(ctx)).toEqual(range(0, 15));
    expect(ctx.maxAwaiting).toBeLessThanOrEqual(10); // the Receive Maximum held the rest in the broker
    expect(ctx.checkpointRequests).toBe(2); // the 4th message after checkpoint 1 reached the threshold again
    expect(source.stats().checkpointAcks?.checkpointRequests).toBe(2);
  });

  it("acknowledges an aborted checkpoint's messages when the next checkpoint completes", async () => {
    const { source, ctx } = await openSource('eo-aborted');
    await publish(0, 5);
    await ctx.waitForCount(5);
    source.snapshotState(1);
    source.notifyCheckpointAborted(1);
    await publish(5, 8);
    await ctx.waitForCount(8);
    source.snapshotState(2);
    source.notifyCheckpointComplete(2);
    await source.close();
    expect(await unacknowledgedIn('eo-aborted')).toEqual([]);
  });
});
