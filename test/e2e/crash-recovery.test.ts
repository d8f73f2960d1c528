import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRandom } from '../../services/common/random.ts';
import { type ExternalEddyRig, startExternalEddyRig } from '../support/external-eddy-rig.ts';
import { expectedWindows, knownStream, publishPaced } from '../support/known-stream.ts';
import { expectWindowAggregates } from '../support/window-agg-check.ts';

/**
 * "A crash loses nothing", shown the way it would fail for a user: a fleet publishes a known stream
 * at QoS 1 through a real Mosquitto while `eddy start` (the real CLI, checkpointing every 500 ms) is
 * killed with SIGKILL at seeded random moments six times and started again each time. At the end
 * InfluxDB holds exactly the windows of a run without crashes: every window present, none with a
 * reading missing or counted twice.
 */

const DEVICES = Array.from({ length: 8 }, (_, i) => `crash-${i}`);
const SECONDS = 240; // of event time: 24 windows of 10 s per device and metric
const KILLS = 6;
const SEED = 4242;

describe('crash recovery: SIGKILL during a QoS 1 stream, InfluxDB ends as without crashes', () => {
  const influxUrl = inject('influxUrl');
  let rig: ExternalEddyRig;

  beforeAll(async () => {
    rig = await startExternalEddyRig(influxUrl, 'crash');
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('writes every window exactly once across six SIGKILLs', async () => {
    const random = createRandom(SEED + 1);
    const sent = knownStream(DEVICES, SECONDS, SEED);
    const start = () => rig.start('--checkpoint-interval', '500ms');

    let eddy = start();
    await eddy.ready;

    // The fleet: 8 devices, paced so the stream lasts through the kills (~100 messages/s).
    const fleet = await mqtt.connectAsync(rig.broker.url, { clientId: 'e2e-crash-fleet' });
    const publishing = publishPaced(fleet, sent, 4, 40);

    let restored = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      // A random moment while the stream flows: 0.4–2.5 s after this Eddy is up.
      await new Promise((resolve) => setTimeout(resolve, 400 + Math.floor(random.next() * 2_100)));
      eddy.child.kill('SIGKILL');
      await eddy.exited;
      eddy = start();
      await eddy.ready;
      if (eddy.lines.some((line) => line.msg === 'restored checkpoint')) restored++;
    }
    await publishing;
    await fleet.endAsync();

    // Every restart but perhaps the first (a kill before the first checkpoint) restored state.
    expect(restored).toBeGreaterThanOrEqual(KILLS - 1);
    await expectWindowAggregates(influxUrl, rig.database, '^crash-', expectedWindows(sent), 60_000);
  }, 240_000);
});
