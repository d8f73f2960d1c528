import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { MqttSource } from '../../services/connectors/mqtt/mqtt-source.ts';
import type { Reading } from '../../services/domain/reading.ts';
import type { Sink } from '../../services/engine/api/sink.ts';
import type { ChannelMetrics } from '../../services/engine/runtime/channels/exchange-output.ts';
import type { JobExecution } from '../../services/engine/runtime/job-execution.ts';
import { runJob } from '../../services/engine/runtime/parallel/run-job.ts';
import { SLOW_KEYED_JOB, SlowGate, type SlowKeyedJobArgs } from '../support/slow-keyed-job.ts';
import { waitFor } from '../support/wait-for.ts';

/** Messages published; under mosquitto's default `max_queued_messages` (1000), which drops the excess. */
const MESSAGES = 600;
const DEVICES = 4;
const T0 = 1_700_000_000_000;
/** Small batches and credit, so a slow subtask fills its channel quickly. */
const CHANNEL = { batchSize: 16, capacity: 2, lingerMs: 2 };
/** Mosquitto's default `max_inflight_messages`: unacknowledged QoS 1 messages it sends one client at most. */
const BROKER_INFLIGHT = 20;
const TOPIC = (device: string) => `backpressure/${device}/telemetry`;

/** One reading per message; `value` numbers the messages in publication order. */
function published(): Reading[] {
  return Array.from({ length: MESSAGES }, (_, i) => ({
    device: `bp-d${i % DEVICES}`,
    metric: 'seq',
    ts: T0 + i,
    value: i,
  }));
}

/** The main thread's channels to the subtasks, sampled on every event-loop turn until `stop()`. */
function sampleChannels(job: JobExecution): { samples: ChannelMetrics[]; stop: () => void } {
  const samples: ChannelMetrics[] = [];
  let running = true;
  const sample = () => {
    if (!running) return;
    samples.push(...(job.metrics().channels ?? []).filter((c) => c.from === 'main'));
    setImmediate(sample);
  };
  sample();
  return { samples, stop: () => (running = false) };
}

function collectingSink(into: Reading[]): Sink<unknown> {
  return {
    name: 'processed',
    open: async () => {},
    write: (record) => void into.push(record as Reading),
    flush: async () => {},
    close: async () => {},
  };
}

describe('backpressure from a slow keyed stage to MQTT', () => {
  let publisher: MqttClient | undefined;
  let job: JobExecution | undefined;
  let gate: SlowGate | undefined;

  afterEach(async () => {
    gate?.release(); // never leave a worker waiting on the gate
    await job?.stop();
    await publisher?.endAsync();
    job = undefined;
    publisher = undefined;
  });

  it('pauses the MqttSource, keeps Eddy bounded, leaves the backlog in Mosquitto, and loses nothing', async () => {
    const url = inject('mqttUrl');
    gate = new SlowGate();
    const source = new MqttSource({
      url,
      clientId: 'eddy-backpressure-source',
      connectTimeoutMs: 5_000,
      topics: ['backpressure/{device}/telemetry'],
      clientOptions: { reconnectPeriod: 0 },
    });
    const processed: Reading[] = [];
    job = await runJob<SlowKeyedJobArgs>({
      name: 'mqtt-backpressure',
      module: SLOW_KEYED_JOB,
      args: { gate: gate.buffer, slowMs: 20 },
      parallelism: 2,
      sources: { readings: source },
      sinks: { processed: collectingSink(processed) },
      channel: CHANNEL,
    });
    const running = job;
    const sampler = sampleChannels(running);
    const sourceMetrics = () => running.metrics().sources[0]!;

    // A plain mqtt.js device publishes everything at QoS 1: done once Mosquitto acknowledged it all.
    publisher = await connectAsync(url, { clientId: 'eddy-backpressure-publisher', reconnectPeriod: 0 });
    const client = publisher;
    const readings = published();
    await Promise.all(
      readings.map((r) =>
        client.publishAsync(TOPIC(r.device), JSON.stringify({ ts: r.ts, seq: r.value }), { qos: 1 }),
      ),
    );

    // The slow subtasks fill their channels; the source is paused, resumed and paused again as
    // credit trickles back, and each time the MqttSource holds mqtt.js's next message.
    await waitFor(() => (sourceMetrics().pauses ?? 0) >= 3 && source.stats().heldMessages === 1, {
      timeoutMs: 5_000,
      message: 'the source to have been paused 3 times and to hold a message',
    });
    expect(source.stats()).toMatchObject({ paused: true, heldMessages: 1, connected: true });
    expect(sourceMetrics().paused).toBe(true);
    expect(gate.slow).toBe(true);

    // Everything was published, yet Eddy took only part of it: the rest waits in Mosquitto (more
    // than the 20 messages the broker sends a client without a PUBACK, so not in a socket).
    const taken = source.stats().messages;
    const inEddy = taken + source.stats().heldMessages - processed.length;
    expect(MESSAGES - taken - BROKER_INFLIGHT).toBeGreaterThan(MESSAGES / 4);
    // Eddy holds at most what its channels allow, per subtask: into it, the batches in flight, one
    // pending batch and the reading that filled it; out of it, the same with the rest of an input batch.
    const { batchSize, capacity } = CHANNEL;
    const perSubtask = (capacity + 1) * batchSize + 1 + capacity * batchSize + 2 * batchSize - 1;
    expect(inEddy).toBeLessThanOrEqual(2 * perSubtask + 1);

    gate.release();
    await waitFor(() => processed.length >= MESSAGES, {
      timeoutMs: 8_000,
      message: `all ${MESSAGES} readings to be processed after the slowness ended`,
    });
    sampler.stop();

    // Messages kept arriving from the broker after the publisher had finished.
    expect(source.stats().messages).toBe(MESSAGES);
    expect(source.stats()).toMatchObject({
      readings: MESSAGES,
      deadLetters: 0,
      paused: false,
      heldMessages: 0,
      connected: true,
    });
    // Exactly as published: no loss, no duplicate, and each device's readings in order.
    expect(processed).toHaveLength(MESSAGES);
    expect([...processed].sort((a, b) => a.value - b.value)).toEqual(readings);
    for (let d = 0; d < DEVICES; d++) {
      const device = `bp-d${d}`;
      expect(processed.filter((r) => r.device === device)).toEqual(
        readings.filter((r) => r.device === device),
      );
    }

    // Bounded throughout: never more batches in flight than the credit, never more than one
    // pending batch (plus the message being handed over when the channel filled up).
    const { samples } = sampler;
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.some((s) => s.blocked && s.fill === 1)).toBe(true);
    for (const s of samples) {
      expect(s.inFlight).toBeLessThanOrEqual(CHANNEL.capacity);
      expect(s.pendingRecords).toBeLessThanOrEqual(CHANNEL.batchSize + 1);
    }
    const metrics = await running.refreshMetrics();
    for (const c of metrics.channels ?? []) {
      // From the source: a full batch plus the reading handed over as it filled up. From a subtask:
      // a full batch plus the rest of the input batch it was processing when its output filled up.
      const bound = c.from === 'main' ? CHANNEL.batchSize + 1 : 2 * CHANNEL.batchSize - 1;
      expect(c.largestBatch, `${c.from}→${c.to}`).toBeLessThanOrEqual(bound);
    }
    expect(metrics.sources[0]).toMatchObject({ recordsOut: MESSAGES, paused: false });
    expect(metrics.sources[0]!.pauses).toBeGreaterThanOrEqual(3);
  }, 15_000);
});
