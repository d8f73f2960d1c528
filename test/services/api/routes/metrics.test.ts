import { Aedes } from 'aedes';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/build-app.ts';
import { createEngineMetrics } from '../../../../services/api/metrics/engine-metrics.ts';
import { InfluxSink } from '../../../../services/connectors/influx/influx-sink.ts';
import { windowAggregateToPoints } from '../../../../services/connectors/influx/window-agg-points.ts';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';
import { BrokerSource } from '../../../../services/connectors/mqtt/broker-source.ts';
import type { WindowAggregate } from '../../../../services/domain/window-aggregate.ts';
import { StreamEnvironment } from '../../../../services/engine/api/stream-environment.ts';
import type { JobExecution } from '../../../../services/engine/runtime/job-execution.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { WINDOW_STATE_BYTES } from '../../../../services/engine/windows/window-state-bytes.ts';
import { defineDefaultJob } from '../../../../services/jobs/default-job.ts';
import { healthReport } from '../fixtures.ts';
import { type ParsedFamily, parsePrometheusText, sampleValue } from '../metrics/prometheus-text.ts';

/** Event time of the first window's start (a multiple of 10 s). */
const T = 1_700_000_000_000;

/**
 * The default job (MQTT source → 10 s tumbling windows → InfluxDB sink) on a ManualClock, fed
 * through an in-process Aedes, then scraped with `app.inject()`.
 */
describe('GET /metrics', () => {
  const clock = new ManualClock(T + 15_000);
  let broker: Aedes;
  let job: JobExecution;
  let app: FastifyInstance;
  let families: Map<string, ParsedFamily>;
  let contentType: string | undefined;

  function publish(device: string, payload: string): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      broker.publish(
        {
          cmd: 'publish',
          topic: `sensors/${device}/telemetry`,
          payload: Buffer.from(payload),
          qos: 0,
          dup: false,
          retain: false,
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }

  beforeAll(async () => {
    broker = await Aedes.createBroker({ heartbeatInterval: 60_000 });
    const source = new BrokerSource({ broker, name: 'mqtt' });
    const influx = new InfluxSink<WindowAggregate>({
      name: 'influx:window_agg',
      toPoints: windowAggregateToPoints,
      writePoints: async () => {},
      ensureDatabase: async () => {},
    });
    const env = new StreamEnvironment({ clock });
    defineDefaultJob(env, source, [influx], { windowMs: 10_000, outOfOrdernessMs: 2_000 });
    job = await env.start('window-aggregates');

    await publish('a', `{"ts":${T + 1_000},"t":1}`);
    await publish('b', `[{"ts":${T + 2_000},"t":2},{"ts":${T + 3_000},"t":3}]`);
    await publish('a', `{"ts":${T + 13_000},"t":4}`); // watermark T + 10_999: [T, T + 10 s) fires for a and b
    await publish('b', `{"ts":${T + 5_000},"t":5}`); // too late for its window: dropped
    await publish('a', 'not json'); // a dead letter
    await publish('a', `{"ts":${T + 14_000},"t":6}`); // watermark T + 11_999
    clock.advance(5_000); // processing time T + 20 s
    await job.flush();

    const metrics = createEngineMetrics({
      clock,
      jobs: () => [{ job, telemetrySources: [source], influxSinks: [influx] }],
    });
    app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport(), metrics });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    contentType = String(res.headers['content-type']);
    families = parsePrometheusText(res.body);
  });

  afterAll(async () => {
    await app?.close();
    await job?.stop();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });

  it('answers in the Prometheus text format, every family with # HELP and # TYPE, every name eddy_', () => {
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(families.size).toBeGreaterThan(20);
    for (const family of families.values()) {
      expect(family.name).toMatch(/^eddy_/);
      expect(family.help).not.toBe('');
      if (family.type === 'counter') expect(family.name).toMatch(/_total$/);
    }
  });

  it('shows the job state', () => {
    expect(sampleValue(families, 'eddy_job_state', { job: 'window-aggregates', state: 'running' })).toBe(1);
    expect(sampleValue(families, 'eddy_job_state', { job: 'window-aggregates', state: 'failed' })).toBe(0);
  });

  it("shows the window operator's records, watermark, lag, late records and state", () => {
    const window = { job: 'window-aggregates', operator: 'window(10s)' };
    expect(sampleValue(families, 'eddy_operator_records_in_total', window)).toBe(6);
    expect(sampleValue(families, 'eddy_operator_records_out_total', window)).toBe(2);
    expect(sampleValue(families, 'eddy_operator_watermark_seconds', window)).toBe((T + 11_999) / 1000);
    expect(sampleValue(families, 'eddy_operator_watermark_lag_seconds', window)).toBeCloseTo(8.001, 9);
    expect(sampleValue(families, 'eddy_operator_late_records_dropped_total', window)).toBe(1);
    // Only a's window [T + 10 s, T + 20 s) is still open.
    expect(sampleValue(families, 'eddy_operator_state_keys', window)).toBe(1);
    expect(sampleValue(families, 'eddy_operator_state_entries', window)).toBe(1);
    expect(sampleValue(families, 'eddy_operator_state_size_bytes', window)).toBe(
      WINDOW_STATE_BYTES.perKey + WINDOW_STATE_BYTES.perKeyWindow,
    );
    expect(families.get('eddy_channel_fill_ratio')?.samples).toEqual([]); // parallelism 1: no channels
    expect(sampleValue(families, 'eddy_job_parallelism', { job: 'window-aggregates' })).toBe(1);
  });

  it('shows the sink operator', () => {
    const sink = { job: 'window-aggregates', operator: 'influx:window_agg' };
    expect(sampleValue(families, 'eddy_operator_records_in_total', sink)).toBe(2);
    expect(
      families.get('eddy_operator_state_keys')?.samples.some((s) => s.labels.operator === sink.operator),
    ).toBe(false);
  });

  it("shows the MQTT source's records, watermark, messages and dead letters by code", () => {
    const source = { job: 'window-aggregates', source: 'mqtt' };
    expect(sampleValue(families, 'eddy_source_records_total', source)).toBe(6);
    expect(sampleValue(families, 'eddy_source_watermark_seconds', source)).toBe((T + 11_999) / 1000);
    expect(sampleValue(families, 'eddy_source_watermark_lag_seconds', source)).toBeCloseTo(8.001, 9);
    expect(sampleValue(families, 'eddy_source_messages_total', source)).toBe(6);
    expect(sampleValue(families, 'eddy_source_dead_letters_total', { ...source, code: 'invalid_json' })).toBe(
      1,
    );
    expect(sampleValue(families, 'eddy_source_dead_letters_total', { ...source, code: 'too_large' })).toBe(0);
    expect(sampleValue(families, 'eddy_source_connected', source)).toBe(1);
  });

  it('shows the InfluxDB sink', () => {
    const sink = { job: 'window-aggregates', sink: 'influx:window_agg' };
    expect(sampleValue(families, 'eddy_influx_points_written_total', sink)).toBe(2);
    expect(sampleValue(families, 'eddy_influx_points_dropped_total', sink)).toBe(0);
    expect(sampleValue(families, 'eddy_influx_points_buffered', sink)).toBe(0);
    expect(sampleValue(families, 'eddy_influx_retries_total', sink)).toBe(0);
    expect(sampleValue(families, 'eddy_influx_reachable', sink)).toBe(1);
  });

  it('shows the process: resident memory, heap and event-loop lag', () => {
    expect(sampleValue(families, 'eddy_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(families, 'eddy_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sampleValue(families, 'eddy_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });
});

describe('GET /metrics without a metrics dependency', () => {
  it('is not there', async () => {
    const app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport() });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    await app.close();
  });
});
