import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { HealthReport } from '../../services/api/health-report.ts';
import { freePorts } from '../../services/common/free-port.ts';
import {
  type InfluxdProcess,
  type StartInfluxdOptions,
  startInfluxd,
} from '../../services/connectors/influx/influxd-process.ts';
import { type RunningEddy, startEddy } from '../../services/server/eddy-server.ts';
import { uniqueDatabase } from '../support/influx-query.ts';
import { expectedWindows, knownStream, publishPaced, T0 } from '../support/known-stream.ts';
import { waitFor } from '../support/wait-for.ts';
import { expectWindowAggregates } from '../support/window-agg-check.ts';

/**
 * "An InfluxDB outage loses nothing": Eddy (in process, checkpoints every 300 ms, so MQTT messages
 * are acknowledged once a checkpoint completes) writes the 10 s windows of a known stream from the
 * test Mosquitto to an influxd of this test's own (throw-away data folder, free ports). The InfluxDB
 * sink keeps 4 points in memory and may spill 1 KiB to disk, so both the spill and the backpressure
 * that holds the MQTT source once the spill is full really happen. influxd is stopped for 60 s in the
 * middle of the stream while the devices keep publishing, then started again on the same port and
 * data folder; InfluxDB ends holding exactly the windows a run without the outage writes, the spill
 * queue is empty again, and the logs show the spill, the backpressure and the drain.
 */

const DEVICES = Array.from({ length: 4 }, (_, i) => `influx-outage-${i}`);
const SECONDS = 120; // of event time: 12 windows of 10 s per device and metric
const OUTAGE_MS = 60_000;

describe('InfluxDB outage: influxd stopped for 60 s mid-stream, InfluxDB ends as without the outage', () => {
  const database = uniqueDatabase('influx_outage');
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  let dir: string;
  let influxd: InfluxdProcess | undefined;
  let eddy: RunningEddy | undefined;
  let devices: MqttClient | undefined;

  afterAll(async () => {
    await devices?.endAsync().catch(() => {});
    await eddy?.stop().catch(() => {});
    await influxd?.stop().catch(() => {});
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const logged = (pattern: RegExp) => logs.filter((line) => pattern.test(line));

  it('spills, holds the source while the spill is full, drains in order, and writes every window once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-influx-outage-'));
    const [httpPort, bindPort] = await freePorts(2);
    const influxdOptions: StartInfluxdOptions = {
      dataDir: join(dir, 'influxdb'),
      httpPort: httpPort!,
      bindPort: bindPort!,
    };
    influxd = await startInfluxd(influxdOptions);
    const dataDir = join(dir, 'eddy');
    eddy = await startEddy(
      {
        mqttUrl: inject('mqttUrl'),
        mqttPort: 0,
        mqttHost: '127.0.0.1',
        simulate: 0,
        seed: 1,
        influx: `${influxd.url}/${database}`,
        port: 0,
        host: '127.0.0.1',
        dataDir,
        windowMs: 10_000,
        outOfOrdernessMs: 2_000,
        // Longer than the test: only readings move event time on, never a quiet source.
        quietPeriodMs: 600_000,
        parallelism: 1,
        checkpointIntervalMs: 300,
        influxBufferPoints: 4,
        influxSpillLimit: 1024,
      },
      logger,
    );
    const { apiUrl } = eddy;
    const health = async (): Promise<HealthReport> =>
      (await (await fetch(`${apiUrl}/api/health`)).json()) as HealthReport;

    const sent = knownStream(DEVICES, SECONDS, 4242);
    const perSecond = DEVICES.length;
    const before = sent.slice(0, 40 * perSecond);
    const during = sent.slice(40 * perSecond, 100 * perSecond);
    const after = sent.slice(100 * perSecond);
    devices = await connectAsync(inject('mqttUrl'), { clientId: `influx-outage-${process.pid}` });

    // 40 s of event time, and InfluxDB holds the 3 windows it closed (watermark 38 s - 2 s bound)
    await publishPaced(devices, before, perSecond * 10, 0);
    await expectWindowAggregates(
      influxd.url,
      database,
      '^influx-outage-[0-9]',
      expectedWindows(before.filter((r) => r.ts < T0 + 30_000)),
      30_000,
    );

    await influxd.stop();
    const stoppedAt = performance.now();
    // The devices go on publishing: 60 s of event time, 10 s of it every second.
    await publishPaced(devices, during, perSecond * 10, 1_000);
    await waitFor(() => logged(/spilling to/).length > 0, {
      timeoutMs: 20_000,
      message: 'the sink to spill',
    });
    await waitFor(() => logged(/holding the sources/).length > 0, {
      timeoutMs: 20_000,
      message: 'the full spill to hold the source',
    });
    expect((await health()).influx.reachable).toBe(false);
    const spillDir = join(dataDir, 'spill', 'influx_window_agg');
    expect((await readdir(spillDir)).some((name) => name.endsWith('.jsonl'))).toBe(true);

    // the outage itself: 60 s of real time with influxd down
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (performance.now() - stoppedAt)));
    influxd = await startInfluxd(influxdOptions);

    await publishPaced(devices, after, perSecond * 10, 0);
    // a reading 20 s later closes the last windows (another device: its own window stays open)
    await devices.publishAsync(
      'sensors/influx-outage-closer/telemetry',
      JSON.stringify({ ts: T0 + (SECONDS + 10) * 1_000, temperature: 1, humidity: 1 }),
      { qos: 1 },
    );
    await expectWindowAggregates(
      influxd.url,
      database,
      '^influx-outage-[0-9]',
      expectedWindows(sent),
      60_000,
    );

    await waitFor(() => logged(/spill queue is drained/).length > 0, {
      timeoutMs: 10_000,
      message: 'the spill to drain',
    });
    await waitFor(async () => (await readdir(spillDir)).length === 0, {
      timeoutMs: 10_000,
      message: 'the spill segments to be deleted',
    });
    expect(logged(/refused a batch|gave up/)).toEqual([]);
    expect((await health()).influx.reachable).toBe(true);
  }, 180_000);
});
