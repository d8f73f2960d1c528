import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { silentLogger } from '../../services/common/logger.ts';
import { type RunningEddy, startEddy } from '../../services/server/eddy-server.ts';
import type { StartOptions } from '../../services/server/start-options.ts';
import { dropDatabase } from './influx-query.ts';

/** A whole Eddy started in process for a test, with the files and database it used. */
export interface TestEddy {
  readonly eddy: RunningEddy;
  readonly dataDir: string;
  /** Stops Eddy, drops its InfluxDB database and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts Eddy in process against the test InfluxDB (`inject('influxUrl')`, database `database`),
 * on free ports, simulating nothing and with the default job's settings unless `options` says
 * otherwise (e.g. `mqttUrl: inject('mqttUrl')` for the test Mosquitto, `job`, `simulate`,
 * `parallelism: 2` for keyed windows in worker threads).
 */
export async function startTestEddy(
  database: string,
  options: Partial<StartOptions> = {},
): Promise<TestEddy> {
  const influxUrl = inject('influxUrl');
  const dataDir = await mkdtemp(join(tmpdir(), 'eddy-test-'));
  const eddy = await startEddy(
    {
      mqttPort: 0,
      mqttHost: '127.0.0.1',
      simulate: 0,
      seed: 1,
      influx: `${influxUrl}/${database}`,
      port: 0,
      host: '127.0.0.1',
      dataDir,
      windowMs: 10_000,
      outOfOrdernessMs: 2_000,
      quietPeriodMs: 30_000,
      parallelism: 1,
      ...options,
    },
    silentLogger,
  );
  return {
    eddy,
    dataDir,
    stop: async () => {
      await eddy.stop();
      await dropDatabase(influxUrl, database);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
