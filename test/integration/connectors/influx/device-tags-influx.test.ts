import { afterAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../../../services/common/logger.ts';
import type { JobSpec } from '../../../../services/config/job-spec.ts';
import { parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';
import { DeviceRegistry } from '../../../../services/devices/device-registry.ts';
import { DeviceTagCache } from '../../../../services/devices/device-tag-cache.ts';
import type { AnomalyEvent } from '../../../../services/domain/anomaly.ts';
import type { LateReading } from '../../../../services/domain/late-reading.ts';
import type { Prediction } from '../../../../services/domain/prediction.ts';
import type { WindowAggregate } from '../../../../services/domain/window-aggregate.ts';
import type { Sink } from '../../../../services/engine/api/sink.ts';
import { ManualClock, systemClock } from '../../../../services/engine/time/clock.ts';
import { defaultJobSpec } from '../../../../services/jobs/default-job.ts';
import { JOB_FILE_BINDINGS } from '../../../../services/jobs/job-file-module.ts';
import { createJobSinks } from '../../../../services/server/job-sinks.ts';
import { dropDatabase, queryInflux, uniqueDatabase } from '../../../support/influx-query.ts';

/**
 * Device tags from the registry through the job's InfluxDB sinks (`createJobSinks` with a
 * `DeviceTagCache`) into a real influxd, read back with InfluxQL grouped by the tags: every device
 * measurement carries them after Eddy's own, a device without tags keeps Eddy's only, and a tag
 * changed in the registry starts a new series for the points written after the change.
 */

const T0 = 1_700_000_000_000;

const aggregate = (device: string, start: number, mean: number): WindowAggregate => ({
  device,
  metric: 'temperature',
  window: '10s',
  start,
  end: start + 10_000,
  count: 10,
  mean,
  min: mean - 1,
  max: mean + 1,
  stddev: 0.5,
});

describe('device tags in a real InfluxDB', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('device_tags');
  const registry = DeviceRegistry.open(':memory:', { clock: new ManualClock(T0), flushIntervalMs: 0 });

  afterAll(async () => {
    registry.close();
    await dropDatabase(influxUrl, database).catch(() => {});
  });

  it("writes each device's registry tags on its points, and a tag change makes a new series", async () => {
    registry.register('boiler-1', { tags: { site: 'lyon', line: 'a' } });
    registry.register('pump-1', { tags: { site: 'oslo' } });
    registry.seen('sim-9', T0); // appeared by itself: no tags
    const cache = new DeviceTagCache(registry, { clock: new ManualClock(T0) });
    const spec: JobSpec = {
      ...defaultJobSpec(),
      windows: defaultJobSpec().windows.map((w) => ({ ...w, late: 'influx' as const })),
    };
    const sinks = createJobSinks(spec, {
      influx: { mode: 'external', url: parseInfluxUrl(`${influxUrl}/${database}`) },
      liveFeed: new LiveFeed(),
      deviceTags: cache.tagsOf,
      logger: silentLogger,
    });
    const bound = <T>(name: string) => sinks.bound[name] as Sink<T>;
    const aggregates = bound<WindowAggregate>('influx');
    const late = bound<LateReading>(JOB_FILE_BINDINGS.lateReadings);
    const predictions = bound<Prediction>(JOB_FILE_BINDINGS.predictions);
    const anomalies = bound<AnomalyEvent>(JOB_FILE_BINDINGS.anomalies);
    const all = [aggregates, late, predictions, anomalies];
    for (const sink of all) await sink.open({ clock: systemClock });

    aggregates.write(aggregate('boiler-1', T0, 21), T0);
    aggregates.write(aggregate('pump-1', T0, 5), T0);
    aggregates.write(aggregate('sim-9', T0, 30), T0);
    late.write({ device: 'pump-1', metric: 'temperature', ts: T0 + 1, value: 4.5, window: '10s' }, T0 + 1);
    predictions.write(
      {
        device: 'boiler-1',
        metric: 'temperature',
        model: 'forecast',
        ts: T0,
        value: 21,
        expected: 21.2,
        lower: 20,
        upper: 22,
      },
      T0,
    );
    anomalies.write(
      {
        device: 'pump-1',
        metric: 'temperature',
        metrics: ['temperature'],
        ts: T0,
        score: 0.9,
        detector: 'spikes',
        value: 9,
        expected: 5,
        lower: 4,
        upper: 6,
        reason: 'high',
      },
      T0,
    );
    // boiler-1 moves: its later points are a new series; the earlier one keeps its tags.
    registry.update('boiler-1', { tags: { site: 'paris' } });
    aggregates.write(aggregate('boiler-1', T0 + 10_000, 22), T0 + 10_000);
    for (const sink of all) await sink.close();
    cache.close();

    const bySite = await queryInflux(
      influxUrl,
      database,
      'SELECT sum("count") AS "count", mean("mean") AS "mean" FROM window_agg GROUP BY "site"',
    );
    expect(bySite.map((r) => [r.site, r.count, r.mean])).toEqual([
      ['', 10, 30], // sim-9: no site tag
      ['lyon', 10, 21],
      ['oslo', 10, 5],
      ['paris', 10, 22],
    ]);

    const boiler = await queryInflux(
      influxUrl,
      database,
      `SELECT "mean" FROM window_agg WHERE "device" = 'boiler-1' GROUP BY "site", "line"`,
    );
    const byTime = boiler.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
    expect(byTime.map((r) => [r.time, r.site, r.line, r.mean])).toEqual([
      [T0, 'lyon', 'a', 21],
      [T0 + 10_000, 'paris', '', 22],
    ]);
    const series = await queryInflux(influxUrl, database, 'SHOW SERIES FROM window_agg');
    expect(series.map((r) => r.key).sort()).toEqual([
      'window_agg,device=boiler-1,line=a,metric=temperature,site=lyon,window=10s',
      'window_agg,device=boiler-1,metric=temperature,site=paris,window=10s',
      'window_agg,device=pump-1,metric=temperature,site=oslo,window=10s',
      'window_agg,device=sim-9,metric=temperature,window=10s',
    ]);

    const lateRows = await queryInflux(
      influxUrl,
      database,
      'SELECT "value" FROM late_readings GROUP BY "site"',
    );
    expect(lateRows.map((r) => [r.site, r.device, r.value])).toEqual([['oslo', undefined, 4.5]]);
    const predictionRows = await queryInflux(
      influxUrl,
      database,
      'SELECT "expected" FROM predictions GROUP BY "site", "line", "model"',
    );
    expect(predictionRows.map((r) => [r.site, r.line, r.model, r.expected])).toEqual([
      ['lyon', 'a', 'forecast', 21.2],
    ]);
    const anomalyRows = await queryInflux(
      influxUrl,
      database,
      'SELECT "score", "reason" FROM anomalies GROUP BY "site", "detector"',
    );
    expect(anomalyRows.map((r) => [r.site, r.detector, r.score, r.reason])).toEqual([
      ['oslo', 'spikes', 0.9, 'high'],
    ]);
    const tagKeys = await queryInflux(influxUrl, database, 'SHOW TAG KEYS FROM window_agg');
    expect(tagKeys.map((r) => r.tagKey)).toEqual(['device', 'line', 'metric', 'site', 'window']);
  });
});
