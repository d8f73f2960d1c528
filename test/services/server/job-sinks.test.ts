import { describe, expect, it } from 'vitest';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import type { JobSpec } from '../../../services/config/job-spec.ts';
import { parseInfluxUrl } from '../../../services/connectors/influx/influx-url.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import type { AnomalyEvent } from '../../../services/domain/anomaly.ts';
import type { Prediction } from '../../../services/domain/prediction.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { defaultJobSpec } from '../../../services/jobs/default-job.ts';
import type { InfluxTarget } from '../../../services/server/influx-target.ts';
import { createJobSinks } from '../../../services/server/job-sinks.ts';

const influxOn: InfluxTarget = { mode: 'external', url: parseInfluxUrl('http://127.0.0.1:1/eddy') };
const influxOff: InfluxTarget = { mode: 'disabled', reason: 'InfluxDB is off (--influx off)' };
const logger = silentLogger;

describe('createJobSinks', () => {
  it('binds the window results, and for a job with models its predictions, metrics and versions', () => {
    const versions = new CollectingSink<ModelVersion>('registry');
    const sinks = createJobSinks(defaultJobSpec(), {
      influx: influxOn,
      liveFeed: new LiveFeed(),
      modelVersions: versions,
      logger,
    });
    expect(Object.keys(sinks.bound).sort()).toEqual([
      'anomalies',
      'influx',
      'live',
      'model-metrics',
      'model-versions',
      'predictions',
    ]);
    expect(sinks.results).toEqual(['influx', 'live']);
    expect(sinks.lateReadings).toBe(false);
    expect(sinks.modelOutputs).toEqual(['predictions', 'model-metrics', 'model-versions']);
    expect(sinks.bound['model-versions']).toBe(versions);
    expect(sinks.aggregates?.name).toBe('influx:window_agg');
    expect(sinks.influx.map((s) => s.name)).toEqual([
      'influx:window_agg',
      'influx:predictions',
      'influx:model_metrics',
      'influx:anomalies',
    ]);
    expect(sinks.anomalies).toBe(true);
  });

  it("sends anomaly events to InfluxDB, the job's broker (alerts/<device>, QoS 1) and the live feed", async () => {
    const published: [string, string, number][] = [];
    const liveFeed = new LiveFeed();
    const alerts = {
      publish: (topic: string, payload: string, { qos }: { qos: number }) => {
        published.push([topic, payload, qos]);
      },
    };
    const sinks = createJobSinks(defaultJobSpec(), { influx: influxOff, liveFeed, alerts, logger });
    expect(sinks.anomalies).toBe(true);
    const anomalies = sinks.bound.anomalies!;
    await anomalies.open({ clock: new ManualClock(0) });
    const event: AnomalyEvent = {
      device: 'sim-0001',
      metric: 'temperature',
      metrics: ['temperature'],
      ts: 1_000,
      score: 0.9,
      detector: 'anomalies',
      value: 40,
      expected: 21,
      lower: 20,
      upper: 22,
      reason: 'value 40 is far from 21',
    };
    anomalies.write(event, event.ts);
    await anomalies.flush();
    expect(published).toEqual([['alerts/sim-0001', JSON.stringify(event), 1]]);
    expect(liveFeed.recent().map((e) => [e.type, e.data])).toEqual([['anomaly', event]]);
  });

  it('without InfluxDB, sends predictions and model metrics to the live feed only', async () => {
    const liveFeed = new LiveFeed();
    const sinks = createJobSinks(defaultJobSpec(), { influx: influxOff, liveFeed, logger });
    expect(sinks.modelOutputs).toEqual(['predictions', 'model-metrics']);
    expect(sinks.influx).toEqual([]);
    const predictions = sinks.bound.predictions!;
    await predictions.open({ clock: new ManualClock(0) });
    const prediction: Prediction = {
      device: 'sim-0001',
      metric: 'temperature',
      model: 'forecast',
      ts: 1_000,
      value: 21.4,
      expected: 21.1,
      lower: 20.2,
      upper: 22,
    };
    predictions.write(prediction, prediction.ts);
    const metrics = {
      model: 'forecast',
      key: 'sim-0001/temperature',
      version: 1,
      ts: 10_000,
      scope: 'rolling',
      count: 9,
      metrics: { mae: 0.3 },
    };
    sinks.bound['model-metrics']!.write(metrics, metrics.ts);
    expect(liveFeed.recent().map((e) => [e.type, e.data])).toEqual([
      ['prediction', prediction],
      ['model_metrics', metrics],
    ]);
  });

  it('follows the job file: models outputs only where its sinks go, late readings to InfluxDB', () => {
    const spec: JobSpec = { ...defaultJobSpec(), sinks: { live: true } };
    const liveOnly = createJobSinks(spec, { influx: influxOn, liveFeed: new LiveFeed(), logger });
    expect(liveOnly.results).toEqual(['live']);
    expect(liveOnly.influx).toEqual([]);
    expect(liveOnly.modelOutputs).toEqual(['predictions', 'model-metrics']);

    const late: JobSpec = {
      ...defaultJobSpec(),
      models: [],
      windows: defaultJobSpec().windows.map((w) => ({ ...w, late: 'influx' })),
    };
    const withLate = createJobSinks(late, { influx: influxOn, liveFeed: new LiveFeed(), logger });
    expect(withLate.lateReadings).toBe(true);
    expect(withLate.modelOutputs).toEqual([]);
    expect(Object.keys(withLate.bound).sort()).toEqual(['anomalies', 'influx', 'late-readings', 'live']);

    const noDetectors = createJobSinks(
      { ...defaultJobSpec(), detectors: [] },
      { influx: influxOn, liveFeed: new LiveFeed(), alerts: { publish: () => {} }, logger },
    );
    expect(noDetectors.anomalies).toBe(false);
    expect(noDetectors.bound.anomalies).toBeUndefined();
  });

  it('refuses a job whose results would go nowhere', () => {
    const spec: JobSpec = {
      ...defaultJobSpec(),
      sinks: { influx: { measurement: 'window_agg' }, live: false },
    };
    expect(() => createJobSinks(spec, { influx: influxOff, liveFeed: new LiveFeed(), logger })).toThrow(
      /writes its results only to InfluxDB, and there is none/,
    );
  });
});
