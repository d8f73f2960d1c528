import { expect } from 'vitest';
import { queryInflux } from './influx-query.ts';
import type { WindowStats } from './known-stream.ts';
import { waitFor } from './wait-for.ts';

/**
 * Waits until `window_agg` holds as many points for devices matching `devicePattern` as `want`,
 * then checks every point: no window missing, none extra, each with exactly its count, min and max
 * (mean and stddev to 9 digits, as the order of additions may differ after a replay).
 */
export async function expectWindowAggregates(
  influxUrl: string,
  database: string,
  devicePattern: string,
  want: ReadonlyMap<string, WindowStats>,
  timeoutMs: number,
): Promise<void> {
  const where = `WHERE "device" =~ /${devicePattern}/`;
  const stored = async () =>
    ((
      await queryInflux(influxUrl, database, `SELECT count("count") FROM window_agg ${where}`).catch(() => [])
    )[0]?.count as number | undefined) ?? 0;
  await waitFor(async () => (await stored()) === want.size, {
    timeoutMs,
    message: `${want.size} window_agg points in InfluxDB`,
  });
  const rows = await queryInflux(
    influxUrl,
    database,
    `SELECT * FROM window_agg ${where} GROUP BY "device", "metric", "window"`,
  );
  expect(rows).toHaveLength(want.size);
  for (const row of rows) {
    const key = `${row.device}|${row.metric}|${row.time}`;
    const expected = want.get(key);
    expect(expected, `unexpected window ${key}`).toBeDefined();
    expect(row.count, `count of ${key}`).toBe(expected!.count);
    expect(row.min, `min of ${key}`).toBe(expected!.min);
    expect(row.max, `max of ${key}`).toBe(expected!.max);
    expect(row.mean as number).toBeCloseTo(expected!.mean, 9);
    expect(row.stddev as number).toBeCloseTo(expected!.stddev, 9);
  }
}
