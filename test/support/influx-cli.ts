import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs a query with InfluxDB's own CLI (`influx`, Debian package `influxdb-client`), the way a user
 * checks what Eddy wrote, and returns the rows of the first series set as objects.
 */
export async function influxCli(
  influxUrl: string,
  database: string,
  query: string,
): Promise<Record<string, unknown>[]> {
  const url = new URL(influxUrl);
  const { stdout } = await run(
    'influx',
    [
      '-host',
      url.hostname,
      '-port',
      url.port,
      '-database',
      database,
      '-precision',
      'ms',
      '-format',
      'json',
      '-execute',
      query,
    ],
    { timeout: 10_000 },
  );
  const parsed = JSON.parse(stdout) as {
    results: {
      series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
    }[];
  };
  const rows: Record<string, unknown>[] = [];
  for (const series of parsed.results[0]?.series ?? []) {
    for (const values of series.values) {
      const row: Record<string, unknown> = { ...series.tags };
      series.columns.forEach((column, i) => {
        row[column] = values[i];
      });
      rows.push(row);
    }
  }
  return rows;
}
