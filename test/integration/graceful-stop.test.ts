import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttSource } from '../../services/connectors/mqtt/mqtt-source.ts';
import type { Reading } from '../../services/domain/reading.ts';
import type { Sink } from '../../services/engine/api/sink.ts';
import { StreamEnvironment } from '../../services/engine/api/stream-environment.ts';
import { CheckpointStore } from '../../services/engine/checkpoint/checkpoint-store.ts';
import type { CompletedCheckpoint } from '../../services/engine/checkpoint/checkpoint-types.ts';
import { JobExecution } from '../../services/engine/runtime/job-execution.ts';
import { systemClock } from '../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../services/engine/time/watermark-strategy.ts';
import { type MosquittoProcess, startMosquitto } from '../support/mosquitto-process.ts';
import { waitFor } from '../support/wait-for.ts';

const T0 = 1_700_000_000_000;

/** Keeps the values it was written. */
class ValuesSink implements Sink<Reading> {
  readonly name = 'values';
  readonly values: number[] = [];
  async open(): Promise<void> {}
  write(reading: Reading): void {
    this.values.push(reading.value);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('graceful stop with a final checkpoint (real mosquitto, MQTT QoS 1, ackOn checkpoint)', () => {
  let dir: string;
  let broker: MosquittoProcess;
  let publisher: MqttClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-graceful-stop-'));
    broker = await startMosquitto({ dir });
    publisher = await connectAsync(broker.url, { clientId: 'gs-publisher', reconnectPeriod: 0 });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Publishes readings `from`..`to - 1` (value = number) at QoS 1, in order. */
  async function publish(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) {
      await publisher.publishAsync('gs/d1/telemetry', JSON.stringify({ ts: T0 + i, n: i }), { qos: 1 });
    }
  }

  /** Starts MQTT → sink with checkpoints in `checkpointDir` (only on request), restoring the latest one. */
  async function startJob(clientId: string, checkpointDir: string) {
    const store = new CheckpointStore({ dir: checkpointDir, clock: systemClock });
    const restore: CompletedCheckpoint | undefined = await store.latest();
    const source = new MqttSource({
      url: broker.url,
      clientId,
      ackOn: 'checkpoint',
      topics: ['gs/{device}/telemetry'],
      clientOptions: { reconnectPeriod: 0 },
    });
    const sink = new ValuesSink();
    const env = new StreamEnvironment({ clock: systemClock });
    const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Reading>(1_000).withTimestampAssigner(
      (r) => r.ts,
    );
    env.fromSource(source, watermarks).sinkTo(sink);
    const job = new JobExecution(
      clientId,
      env.plan,
      { clock: systemClock, maxParallelism: env.maxParallelism },
      undefined,
      { store, intervalMs: 0, ...(restore ? { restore } : {}) },
    );
    await job.start();
    return { job, source, sink };
  }

  /**
   * A first job checkpoints after readings 0..9, then takes 10..19 and is stopped with `stop`; a
   * second job restores the latest checkpoint, then 20..22 are published. Returns what the second
   * job received (the broker resends unacknowledged messages before new ones) and its counters.
   */
  async function restartAfter(clientId: string, stop: (job: JobExecution) => Promise<void>) {
    const checkpointDir = join(dir, clientId);
    const first = await startJob(clientId, checkpointDir);
    await publish(0, 10);
    await waitFor(() => first.sink.values.length === 10, { message: 'readings 0..9' });
    await first.job.triggerCheckpoint();
    await publish(10, 20);
    await waitFor(() => first.sink.values.length === 20, { message: 'readings 10..19' });
    await stop(first.job);
    expect(first.job.state).toBe('stopped');
    expect(first.sink.values).toEqual(range(0, 20));

    const second = await startJob(clientId, checkpointDir);
    await publish(20, 23);
    await waitFor(() => second.sink.values.includes(22), { message: 'reading 22 in the restarted job' });
    const acks = second.source.stats().checkpointAcks!;
    await second.job.stop({ finalCheckpoint: true });
    return { received: second.sink.values, redeliveriesDropped: acks.redeliveriesDropped, first };
  }

  it('SIGTERM-style stop: the final checkpoint acknowledges everything, the restarted job gets no redelivery', async () => {
    const { received, redeliveriesDropped, first } = await restartAfter('gs-final', (job) =>
      job.stop({ finalCheckpoint: true }),
    );
    expect(first.job.checkpointStats()).toMatchObject({ completed: 2, aborted: 0 });
    expect(first.source.stats().checkpointAcks?.awaitingCheckpoint).toBe(0);
    expect(received).toEqual([20, 21, 22]);
    expect(redeliveriesDropped).toBe(0);
  });

  it('messages published during the stop: each reaches exactly one of the two jobs', async () => {
    const checkpointDir = join(dir, 'gs-busy');
    const first = await startJob('gs-busy', checkpointDir);
    const publishing = publish(0, 300);
    await waitFor(() => first.sink.values.length >= 50, { message: '50 readings in the first job' });
    await first.job.stop({ finalCheckpoint: true }); // the sources pause: nothing taken after the checkpoint
    await publishing;
    expect(first.job.checkpointStats()).toMatchObject({ completed: 1 });

    const second = await startJob('gs-busy', checkpointDir);
    const total = () => first.sink.values.length + second.sink.values.length;
    await waitFor(() => total() >= 300, { message: 'all 300 readings across both jobs' });
    await second.job.stop({ finalCheckpoint: true });
    expect([...first.sink.values, ...second.sink.values].sort((a, b) => a - b)).toEqual(range(0, 300));
  });

  it('without it (a plain stop) the messages after the last checkpoint are redelivered and taken again', async () => {
    const { received, first } = await restartAfter('gs-plain', (job) => job.stop());
    expect(first.job.checkpointStats()).toMatchObject({ completed: 1 });
    expect(first.source.stats().checkpointAcks?.awaitingCheckpoint).toBe(10);
    expect(received).toEqual(range(10, 23)); // 10..19 a second time: their windows would be recomputed
  });
});
