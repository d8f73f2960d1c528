import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEddy } from '../../services/server/eddy-server.ts';
import { parsePrometheusText, sampleValue } from '../services/api/metrics/prometheus-text.ts';
import { uniqueDatabase } from '../support/influx-query.ts';
import { startTestEddy, type TestEddy } from '../support/test-eddy.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * `GET /metrics` of a whole running Eddy (embedded broker, three simulated devices, the real test
 * InfluxDB): the server wires the job, its MQTT source and its InfluxDB sink into the endpoint.
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
    expect(sampleValue(families, 'eddy_influx_reachable', { job })).toBe(1);
    expect(sampleValue(families, 'eddy_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
