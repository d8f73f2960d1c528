import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EddyProcess, spawnEddy } from './eddy-process.ts';
import { dropDatabase, uniqueDatabase } from './influx-query.ts';
import { type MosquittoProcess, startMosquitto } from './mosquitto-process.ts';

/**
 * What the fault-tolerance e2e tests share: a Mosquitto of their own (queueing everything for
 * Eddy's session while Eddy is down; mosquitto's default of 1,000 is for devices), a fresh
 * database in the test InfluxDB, a data folder, and `eddy start` (the real CLI) against them with
 * the default job: 10 s windows, 2 s out of order, 3 s quiet period.
 */
export interface ExternalEddyRig {
  readonly dir: string;
  readonly broker: MosquittoProcess;
  readonly database: string;
  /** `eddy start` with the rig's broker, database and data folder, then `args`. */
  start(...args: string[]): EddyProcess;
  /** Kills a running Eddy, stops the broker, drops the database, removes the folder. */
  close(): Promise<void>;
}

export async function startExternalEddyRig(influxUrl: string, name: string): Promise<ExternalEddyRig> {
  const dir = await mkdtemp(join(tmpdir(), `eddy-${name}-e2e-`));
  const database = uniqueDatabase(`e2e_${name}`);
  const broker = await startMosquitto({ dir: join(dir, 'mosquitto'), maxQueuedMessages: 0 });
  let last: EddyProcess | undefined;
  return {
    dir,
    broker,
    database,
    start(...args) {
      last = spawnEddy([
        'start',
        ...['--mqtt', broker.url, '--simulate', '0', '--influx', `${influxUrl}/${database}`],
        ...['--port', '0', '--data-dir', dir],
        ...['--window', '10s', '--out-of-orderness', '2s', '--quiet-period', '3s'],
        ...args,
      ]);
      return last;
    },
    async close() {
      if (last?.child.exitCode === null) last.child.kill('SIGKILL');
      await broker.stop();
      await dropDatabase(influxUrl, database).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
