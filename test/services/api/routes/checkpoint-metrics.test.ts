import { Aedes } from 'aedes';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/build-app.ts';
import { createEngineMetrics } from '../../../../services/api/metrics/engine-metrics.ts';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';
import { BrokerSource } from '../../../../services/connectors/mqtt/broker-source.ts';
import type { WindowAggregate } from '../../../../services/domain/window-aggregate.ts';
import { CollectingSink } from '../../../../services/engine/api/sinks/collecting-sink.ts';
import { StreamEnvironment } from '../../../../services/engine/api/stream-environment.ts';
import { CheckpointStore } from '../../../../services/engine/checkpoint/checkpoint-store.ts';
import type { JobExecution } from '../../../../services/engine/runtime/job-execution.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { defineDefaultJob } from '../../../../services/jobs/default-job.ts';
import { tempDir } from '../../engine/checkpoint/fixtures.ts';
import { healthReport } from '../fixtures.ts';
import { type ParsedFamily, parsePrometheusText, sampleValue } from '../metrics/prometheus-text.ts';

const T = 1_700_000_000_000;

/**
 * The default job with checkpoints on request only (`intervalMs: 0`), fed through an in-process
 * Aedes, one checkpoint taken, then scraped: the coordinator's metrics on `/metrics`. (Alignment
 * metrics need workers, held MQTT acks a real broker: see `sample-checkpoints.test.ts` and
 * `test/integration/metrics-endpoint.test.ts`.)
 */
describe('GET /metrics: checkpoints', () => {
  const clock = new ManualClock(T);
  const labels = { job: 'checkpointed' };
  let broker: Aedes;
  let job: JobExecution;
  let app: FastifyInstance;
  let families: Map<string, ParsedFamily>;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const temp = await tempDir();
    remove = temp.remove;
    broker = await Aedes.createBroker({ heartbeatInterval: 60_000 });
    const source = new BrokerSource({ broker, name: 'mqtt' });
    const env = new StreamEnvironment({
      clock,
      checkpointing: { store: new CheckpointStore({ dir: temp.dir, clock }), intervalMs: 0 },
    });
    defineDefaultJob(env, source, [new CollectingSink<WindowAggregate>('results')], {
      windowMs: 10_000,
      outOfOrdernessMs: 2_000,
    });
    job = await env.start(labels.job);
    for (const [device, s] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const) {
      await new Promise<void>((resolve, reject) =>
        broker.publish(
          {
            cmd: 'publish',
            topic: `sensors/${device}/telemetry`,
            payload: Buffer.from(`{"ts":${T + s * 1_000},"t":${s}}`),
            qos: 0,
            dup: false,
            retain: false,
          },
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    }
    await job.flush();
    clock.advance(40);
    await job.triggerCheckpoint();

    const metrics = createEngineMetrics({ clock, jobs: () => [{ job, telemetrySources: [source] }] });
    app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport(), metrics });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    families = parsePrometheusText(res.body);
  });

  afterAll(async () => {
    await app?.close();
    await job?.stop();
    await new Promise<void>((resolve) => broker?.close(() => resolve()));
    await remove?.();
  });

  it('counts completed, aborted and skipped checkpoints, with HELP and TYPE', () => {
    expect(families.get('eddy_checkpoints_completed_total')).toMatchObject({
      type: 'counter',
      help: 'Checkpoints and savepoints that completed (durable manifest written).',
    });
    expect(sampleValue(families, 'eddy_checkpoints_completed_total', labels)).toBe(1);
    expect(sampleValue(families, 'eddy_checkpoints_aborted_total', labels)).toBe(0);
    expect(sampleValue(families, 'eddy_checkpoints_skipped_total', labels)).toBe(0);
    expect(sampleValue(families, 'eddy_checkpoint_in_progress', labels)).toBe(0);
  });

  it('describes the last checkpoint: id, duration, size, keys, longest pause and encode slice', () => {
    const stats = job.checkpointStats()!;
    expect(sampleValue(families, 'eddy_checkpoint_last_id', labels)).toBe(stats.last!.id);
    expect(sampleValue(families, 'eddy_checkpoint_last_duration_seconds', labels)).toBe(
      stats.last!.durationMs / 1000,
    );
    expect(sampleValue(families, 'eddy_checkpoint_last_size_bytes', labels)).toBeGreaterThan(0);
    expect(sampleValue(families, 'eddy_checkpoint_last_keys', labels)).toBe(3);
    expect(
      sampleValue(families, 'eddy_checkpoint_last_longest_pause_seconds', labels),
    ).toBeGreaterThanOrEqual(0);
    expect(
      sampleValue(families, 'eddy_checkpoint_last_longest_encode_slice_seconds', labels),
    ).toBeGreaterThanOrEqual(0);
    expect(families.get('eddy_checkpoint_alignment_last_seconds')?.samples).toEqual([]); // parallelism 1
    expect(families.get('eddy_source_acks_awaiting_checkpoint')?.samples).toEqual([]); // no ack-on-checkpoint
  });
});
