import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EddyProcess, spawnEddy } from '../support/eddy-process.ts';
import { dropDatabase, uniqueDatabase } from '../support/influx-query.ts';
import { expectedWindows, knownStream, publishPaced } from '../support/known-stream.ts';
import { type MosquittoProcess, startMosquitto } from '../support/mosquitto-process.ts';
import { expectWindowAggregates } from '../support/window-agg-check.ts';

/**
 * Moving a running job to another parallelism, as a user does it: `eddy start` at parallelism 1,
 * `eddy savepoint --stop`, `eddy start --from-savepoint ... --parallelism 3`, again, and back to 1,
 * while a fleet publishes a known stream at QoS 1 through Mosquitto. InfluxDB ends with exactly the
 * windows of an uninterrupted run.
 */

const DEVICES = Array.from({ length: 6 }, (_, i) => `move-${i}`);
const SECONDS = 150;
const SEED = 77;

describe('savepoints through the CLI: parallelism 1 → 3 → 1 with nothing lost or doubled', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('e2e_rescale');
  let dir: string;
  let broker: MosquittoProcess;
  let eddy: EddyProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-rescale-e2e-'));
    broker = await startMosquitto({ dir: join(dir, 'mosquitto'), maxQueuedMessages: 0 });
  });

  afterAll(async () => {
    if (eddy?.child.exitCode === null) eddy.child.kill('SIGKILL');
    await broker?.stop();
    await dropDatabase(influxUrl, database).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  const start = (...extra: string[]) =>
    spawnEddy([
      'start',
      ...['--mqtt', broker.url, '--simulate', '0', '--influx', `${influxUrl}/${database}`],
      ...['--port', '0', '--data-dir', dir, '--checkpoint-interval', '1s'],
      ...['--window', '10s', '--out-of-orderness', '2s', '--quiet-period', '3s'],
      ...extra,
    ]);

  /** `eddy savepoint --stop --name NAME` against the running Eddy; returns the savepoint's path. */
  async function stopWithSavepoint(running: EddyProcess, name: string): Promise<string> {
    const api = await running.ready;
    const cli = spawnEddy(['savepoint', '--api', api, '--name', name, '--stop', '--json']);
    const [code] = await Promise.all([cli.exited]);
    expect(code, cli.stderr()).toBe(0);
    const answer = JSON.parse(cli.lines.map((line) => line.msg ?? '').join('')) as { path: string };
    expect(await running.exited).toBe(0);
    return answer.path;
  }

  it('gives the uninterrupted windows', async () => {
    const sent = knownStream(DEVICES, SECONDS, SEED);
    const third = Math.ceil(sent.length / 3);
    const fleet = await mqtt.connectAsync(broker.url, { clientId: 'e2e-rescale-fleet' });

    eddy = start();
    await eddy.ready;
    await publishPaced(fleet, sent.slice(0, third), 6, 20);
    const atP1 = await stopWithSavepoint(eddy, 'at-p1');

    // Published while no Eddy runs: the broker keeps it for Eddy's session.
    const moving = publishPaced(fleet, sent.slice(third, 2 * third), 6, 20);
    eddy = start('--from-savepoint', atP1, '--parallelism', '3');
    await eddy.ready;
    expect(eddy.lines.some((line) => line.msg === 'restored checkpoint')).toBe(true);
    await moving;
    const atP3 = await stopWithSavepoint(eddy, 'at-p3');

    eddy = start('--from-savepoint', atP3, '--parallelism', '1');
    await eddy.ready;
    await publishPaced(fleet, sent.slice(2 * third), 6, 20);
    await fleet.endAsync();

    await expectWindowAggregates(influxUrl, database, '^move-', expectedWindows(sent), 60_000);
  }, 180_000);
});
