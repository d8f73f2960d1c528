import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../services/common/logger.ts';
import { type RunningEddy, startEddy } from '../../services/server/eddy-server.ts';
import { parsePrometheusText, sampleValue } from '../services/api/metrics/prometheus-text.ts';
import { dropDatabase, uniqueDatabase } from '../support/influx-query.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * `GET /metrics` of a whole running Eddy (embedded broker, three simulated devices, the real test
 * InfluxDB): the server wires the job, its MQTT source and its InfluxDB sink into the endpoint.
 */
describe('GET /metrics of a running Eddy', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('metrics_endpoint');
  let eddy: RunningEddy;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'eddy-metrics-'));
    eddy = await startEddy(
      {
        mqttPort: 0,
        mqttHost: '127.0.0.1',
        simulate: 3,
        seed: 1,
        influx: `${influxUrl}/${database}`,
        port: 0,
        host: '127.0.0.1',
        dataDir,
        windowMs: 10_000,
        outOfOrdernessMs: 2_000,
        quietPeriodMs: 30_000,
      },
      silentLogger,
    );
  });

  afterAll(async () => {
    await eddy?.stop();
    await dropDatabase(influxUrl, database);
    await rm(dataDir, { recursive: true, force: true });
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
