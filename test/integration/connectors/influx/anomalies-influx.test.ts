import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import { anomalyToPoints } from '../../../../services/connectors/influx/anomaly-points.ts';
import { createInfluxClient } from '../../../../services/connectors/influx/create-influx-client.ts';
import { InfluxSink } from '../../../../services/connectors/influx/influx-sink.ts';
import { formatInfluxUrl, parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import type { AnomalyEvent } from '../../../../services/domain/anomaly.ts';
import { systemClock } from '../../../../services/engine/time/clock.ts';
import { influxCli } from '../../../support/influx-cli.ts';
import { dropDatabase, queryInflux, uniqueDatabase } from '../../../support/influx-query.ts';

/**
 * Anomaly events through `InfluxSink` into a real influxd, read back with InfluxQL and InfluxDB's
 * own CLI: tags device, metric and detector, float fields and a string reason as the schema says,
 * numbers that were not finite left out (null), each point at its event's time, and a replayed
 * event overwriting its point.
 */

const T0 = 1_700_000_000_000;

describe('anomalies in a real InfluxDB', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('anomalies');

  afterAll(async () => {
    await dropDatabase(influxUrl, database).catch(() => {});
  });

  it('writes anomaly events and reads them back exactly', async () => {
    const parsed = parseInfluxUrl(`${influxUrl}/${database}`);
    const sink = new InfluxSink<AnomalyEvent>({
      client: createInfluxClient(parsed, { requestTimeoutMs: 5_000 }),
      database: parsed.database,
      endpoint: formatInfluxUrl(parsed),
      toPoints: anomalyToPoints,
      random: createRandom(1),
    });
    await sink.open({ clock: systemClock });
    const events: AnomalyEvent[] = [
      {
        device: 'boiler-1',
        metric: 'temperature',
        metrics: ['temperature'],
        ts: T0,
        score: 0.97,
        detector: 'spikes',
        value: 31.2,
        expected: 21.4,
        lower: 19.9,
        upper: 22.9,
        reason: 'value 31.2 is 7.4 std above the mean 21.4',
      },
      {
        device: 'boiler-1',
        metric: 'temperature',
        metrics: ['temperature'],
        ts: T0 + 60_000,
        score: 0.81,
        detector: 'spikes',
        value: 12,
        expected: 12,
        lower: Number.NaN,
        upper: Number.NaN,
        reason: 'flat at 12 for 40 records over 6.5 min',
      },
      {
        device: 'pump.2',
        metric: 'pressure,power',
        metrics: ['pressure', 'power'],
        ts: T0 + 1_000,
        score: 1,
        detector: 'rows',
        value: Number.NaN,
        expected: Number.NaN,
        lower: Number.NaN,
        upper: Number.NaN,
        reason: 'most unusual: power = 5 (usual 1 ± 0.5), with "quotes", commas and = signs',
      },
    ];
    for (const e of events) sink.write(e, e.ts);
    sink.write({ ...events[0]!, score: 0.5, reason: 'an earlier attempt' }, events[0]!.ts); // a replay overwrites
    sink.write(events[0]!, events[0]!.ts);
    await sink.close();

    const rows = await queryInflux(
      influxUrl,
      database,
      'SELECT "score", "value", "expected", "lower", "upper", "reason" FROM anomalies GROUP BY "device", "metric", "detector"',
    );
    expect(rows).toHaveLength(events.length);
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    for (const e of events) {
      const row = rows.find((r) => r.device === e.device && r.detector === e.detector && r.time === e.ts);
      expect(row).toEqual({
        device: e.device,
        metric: e.metric,
        detector: e.detector,
        time: e.ts,
        score: e.score,
        value: finite(e.value),
        expected: finite(e.expected),
        lower: finite(e.lower),
        upper: finite(e.upper),
        reason: e.reason,
      });
    }
    const types = await queryInflux(influxUrl, database, 'SHOW FIELD KEYS FROM anomalies');
    expect(types.map((r) => [r.fieldKey, r.fieldType]).sort()).toEqual([
      ['expected', 'float'],
      ['lower', 'float'],
      ['reason', 'string'],
      ['score', 'float'],
      ['upper', 'float'],
      ['value', 'float'],
    ]);

    // As a user reads it with InfluxDB's CLI.
    const cli = await influxCli(
      influxUrl,
      database,
      `SELECT "score", "reason" FROM anomalies WHERE "device" = 'boiler-1' AND "detector" = 'spikes'`,
    );
    expect(cli.map((r) => [r.time, r.score, r.reason])).toEqual([
      [T0, 0.97, events[0]!.reason],
      [T0 + 60_000, 0.81, events[1]!.reason],
    ]);
  });
});
