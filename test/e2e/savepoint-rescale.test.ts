import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EddyProcess, spawnEddy } from '../support/eddy-process.ts';
import { type ExternalEddyRig, startExternalEddyRig } from '../support/external-eddy-rig.ts';
import { expectedWindows, knownStream, publishPaced } from '../support/known-stream.ts';
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
  let rig: ExternalEddyRig;

  beforeAll(async () => {
    rig = await startExternalEddyRig(influxUrl, 'rescale');
  });

  afterAll(async () => {
    await rig?.close();
  });

  const start = (...extra: string[]) => rig.start('--checkpoint-interval', '1s', ...extra);

  /** `eddy savepoint --stop --name NAME` against the running Eddy; returns the savepoint's path. */
  async function stopWithSavepoint(running: EddyProcess, name: string): Promise<string> {
    const api = await running.ready;
    const cli = spawnEddy([
      'savepoint',
      '--api',
      api,
      '--data-dir',
      rig.dir,
      '--name',
      name,
      '--stop',
      '--json',
    ]);
    expect(await cli.exited, cli.stderr()).toBe(0);
    const answer = JSON.parse(cli.lines.map((line) => line.msg ?? '').join('')) as { path: string };
    expect(await running.exited).toBe(0);
    return answer.path;
  }

  it('gives the uninterrupted windows', async () => {
    const sent = knownStream(DEVICES, SECONDS, SEED);
    const third = Math.ceil(sent.length / 3);
    const fleet = await mqtt.connectAsync(rig.broker.url, { clientId: 'e2e-rescale-fleet' });

    let eddy = start();
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

    await expectWindowAggregates(influxUrl, rig.database, '^move-', expectedWindows(sent), 60_000);
  }, 180_000);
});
