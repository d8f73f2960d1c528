import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRandom } from '../../services/common/random.ts';
import { type EddyProcess, spawnEddy } from '../support/eddy-process.ts';
import { dropDatabase, queryInflux, uniqueDatabase } from '../support/influx-query.ts';
import { type MosquittoProcess, startMosquitto } from '../support/mosquitto-process.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * "A crash loses nothing", shown the way it would fail for a user: a fleet publishes a known stream
 * at QoS 1 through a real Mosquitto while `eddy start` (the real CLI, checkpointing every 500 ms) is
 * killed with SIGKILL at seeded random moments six times and started again each time. At the end
 * InfluxDB holds exactly the windows of a run without crashes: every window present, none with a
 * reading missing or counted twice.
 */

const T0 = 1_700_000_000_000; // a multiple of 10 s
const DEVICES = Array.from({ length: 8 }, (_, i) => `crash-${i}`);
const SECONDS = 240; // of event time: 24 windows of 10 s per device and metric
const KILLS = 6;
const SEED = 4242;

interface Sent {
  readonly device: string;
  readonly ts: number;
  readonly temperature: number;
  readonly humidity: number;
}

/** One reading per device per event-time second, some swapped with their neighbour (1 s out of order). */
function stream(): Sent[] {
  const random = createRandom(SEED);
  const sent: Sent[] = [];
  for (let s = 0; s < SECONDS; s++) {
    for (const [d, device] of DEVICES.entries()) {
      sent.push({
        device,
        ts: T0 + s * 1_000,
        temperature: Math.round((20 + d + 5 * Math.sin(s / 17) + random.next()) * 100) / 100,
        humidity: Math.round((40 + 10 * Math.cos(s / 23) + 2 * random.next()) * 100) / 100,
      });
    }
  }
  // Disorder within the 2 s bound: swap a reading with the same device's next one.
  for (let i = 0; i + DEVICES.length < sent.length; i += DEVICES.length * 3) {
    const j = i + DEVICES.length;
    [sent[i], sent[j]] = [sent[j]!, sent[i]!];
  }
  return sent;
}

interface WindowStats {
  count: number;
  mean: number;
  min: number;
  max: number;
  stddev: number;
}

/** What a run without crashes writes: `device|metric|windowStart` → its aggregates. */
function expectedWindows(sent: readonly Sent[]): Map<string, WindowStats> {
  const values = new Map<string, number[]>();
  for (const r of sent) {
    const start = r.ts - ((r.ts - T0) % 10_000);
    for (const metric of ['temperature', 'humidity'] as const) {
      const key = `${r.device}|${metric}|${start}`;
      values.set(key, [...(values.get(key) ?? []), r[metric]]);
    }
  }
  const windows = new Map<string, WindowStats>();
  for (const [key, vs] of values) {
    const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
    const variance = vs.reduce((a, v) => a + (v - mean) ** 2, 0) / vs.length;
    windows.set(key, {
      count: vs.length,
      mean,
      min: Math.min(...vs),
      max: Math.max(...vs),
      stddev: Math.sqrt(variance),
    });
  }
  return windows;
}

describe('crash recovery: SIGKILL during a QoS 1 stream, InfluxDB ends as without crashes', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('e2e_crash');
  let dir: string;
  let broker: MosquittoProcess;
  let eddy: EddyProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-crash-e2e-'));
    // Held-back PUBACKs mean many unacknowledged messages in flight: allow them, and queue what
    // arrives while Eddy is down (mosquitto's defaults, 20 and 1000, are for devices, not Eddy).
    broker = await startMosquitto({
      dir: join(dir, 'mosquitto'),
      maxInflightMessages: 0,
      maxQueuedMessages: 0,
    });
  });

  afterAll(async () => {
    if (eddy?.child.exitCode === null) eddy.child.kill('SIGKILL');
    await broker?.stop();
    await dropDatabase(influxUrl, database).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  const start = () =>
    spawnEddy([
      'start',
      '--mqtt',
      broker.url,
      '--simulate',
      '0',
      '--influx',
      `${influxUrl}/${database}`,
      '--port',
      '0',
      '--data-dir',
      dir,
      '--checkpoint-dir',
      join(dir, 'checkpoints'),
      '--checkpoint-interval',
      '500ms',
      '--window',
      '10s',
      '--out-of-orderness',
      '2s',
      '--quiet-period',
      '3s',
    ]);

  it('writes every window exactly once across six SIGKILLs', async () => {
    const random = createRandom(SEED + 1);
    const sent = stream();
    const want = expectedWindows(sent);

    eddy = start();
    await eddy.ready;

    // The fleet: 8 devices, paced so the stream lasts through the kills (~100 messages/s).
    const fleet = await mqtt.connectAsync(broker.url, { clientId: 'e2e-crash-fleet' });
    const publishing = (async () => {
      for (let i = 0; i < sent.length; i += 4) {
        await Promise.all(
          sent
            .slice(i, i + 4)
            .map((r) =>
              fleet.publishAsync(
                `sensors/${r.device}/telemetry`,
                JSON.stringify({ ts: r.ts, temperature: r.temperature, humidity: r.humidity }),
                { qos: 1 },
              ),
            ),
        );
        await new Promise((resolve) => setTimeout(resolve, 40)); // pacing, not waiting for a condition
      }
    })();

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

    // At least one restart restored state (the first kill may come before the first checkpoint).
    expect(restored).toBeGreaterThanOrEqual(KILLS - 1);

    const stored = async () =>
      ((
        await queryInflux(
          influxUrl,
          database,
          'SELECT count("count") FROM window_agg WHERE "device" =~ /^crash-/',
        ).catch(() => [])
      )[0]?.count as number | undefined) ?? 0;
    await waitFor(async () => (await stored()) === want.size, {
      timeoutMs: 60_000,
      message: `${want.size} window_agg points in InfluxDB`,
    });

    const rows = await queryInflux(
      influxUrl,
      database,
      'SELECT * FROM window_agg WHERE "device" =~ /^crash-/ GROUP BY "device", "metric", "window"',
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
  }, 240_000);
});
