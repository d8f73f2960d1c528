import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningEddy } from '../../services/server/eddy-server.ts';
import { parsePrometheusText, sampleValue } from '../services/api/metrics/prometheus-text.ts';
import { uniqueDatabase } from '../support/influx-query.ts';
import { startTestEddy, type TestEddy } from '../support/test-eddy.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * `GET /metrics` of a whole running Eddy (embedded broker, three simulated devices, the real test
 * InfluxDB): the server wires the job, its MQTT source and its InfluxDB sinks into the endpoint.
 */
describe('GET /metrics of a running Eddy', () => {
  const database = uniqueDatabase('metrics_endpoint');
  let test: TestEddy;
  let eddy: RunningEddy;

  beforeAll(async () => {
    test = await startTestEddy(database, { simulate: 3 });
    eddy = test.eddy;
  });

  afterAll(async () => {
    await test?.stop();
  });

  it('reports the job, its source, its InfluxDB sink and the process', async () => {
    await waitFor(() => (eddy.job.metrics().sources[0]?.recordsOut ?? 0) > 0, {
      timeoutMs: 10_000,
      message: 'the first simulated readings',
    });
    const response = await fetch(`${eddy.apiUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await response.text());

    const metrics = eddy.job.metrics();
    const job = metrics.name;
    const source = metrics.sources[0]!.name;
    expect(sampleValue(families, 'eddy_job_state', { job, state: 'running' })).toBe(1);
    expect(sampleValue(families, 'eddy_source_records_total', { job, source })).toBeGreaterThan(0);
    expect(sampleValue(families, 'eddy_source_messages_total', { job, source })).toBeGreaterThan(0);
    expect(sampleValue(families, 'eddy_source_connected', { job, source })).toBe(1);
    expect(sampleValue(families, 'eddy_source_watermark_lag_seconds', { job, source })).toBeGreaterThan(0);
    const window = metrics.operators.find((o) => o.stateKeys !== undefined)!.name;
    expect(sampleValue(families, 'eddy_operator_state_keys', { job, operator: window })).toBeGreaterThan(0);
    // One InfluxDB sink per measurement: the windows' and, for the default job's model, its outputs'.
    for (const sink of ['influx:window_agg', 'influx:predictions', 'influx:model_metrics'])
      expect(sampleValue(families, 'eddy_influx_reachable', { job, sink })).toBe(1);
    expect(sampleValue(families, 'eddy_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

/**
 * `GET /metrics` of an Eddy on the test Mosquitto (an `MqttSource` with PUBACKs held until the
 * checkpoint covering them completes) after one checkpoint: the coordinator's and the source's
 * checkpoint metrics.
 */
describe('GET /metrics of a checkpointing Eddy on a real broker', () => {
  const database = uniqueDatabase('metrics_checkpoints');
  let test: TestEddy;
  let eddy: RunningEddy;

  beforeAll(async () => {
    test = await startTestEddy(database, {
      simulate: 3,
      mqttUrl: inject('mqttUrl'),
      mqttClientId: `eddy-metrics-${database}`,
    });
    eddy = test.eddy;
  });

  afterAll(async () => {
    await test?.stop();
  });

  it('reports checkpoints completed, the last one, and the MQTT acks held for checkpoints', async () => {
    await waitFor(() => (eddy.job.metrics().sources[0]?.recordsOut ?? 0) > 0, {
      timeoutMs: 10_000,
      message: 'the first simulated readings',
    });
    const completed = await eddy.job.triggerCheckpoint();
    const families = parsePrometheusText(await (await fetch(`${eddy.apiUrl}/metrics`)).text());
    const job = eddy.job.metrics().name;
    const source = eddy.job.metrics().sources[0]!.name;

    expect(sampleValue(families, 'eddy_checkpoints_completed_total', { job })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(families, 'eddy_checkpoint_last_id', { job })).toBeGreaterThanOrEqual(completed.id);
    expect(sampleValue(families, 'eddy_checkpoint_last_size_bytes', { job })).toBeGreaterThan(0);
    expect(sampleValue(families, 'eddy_checkpoint_last_keys', { job })).toBeGreaterThan(0);
    expect(sampleValue(families, 'eddy_checkpoint_last_duration_seconds', { job })).toBeGreaterThanOrEqual(0);
    expect(
      sampleValue(families, 'eddy_source_acks_awaiting_checkpoint', { job, source }),
    ).toBeGreaterThanOrEqual(0);
    expect(sampleValue(families, 'eddy_source_acks_awaiting_redelivery', { job, source })).toBe(0);
    expect(sampleValue(families, 'eddy_source_redeliveries_dropped_total', { job, source })).toBe(0);
    expect(
      sampleValue(families, 'eddy_source_checkpoint_requests_total', { job, source }),
    ).toBeGreaterThanOrEqual(0);
  });
});
