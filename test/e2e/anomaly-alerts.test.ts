import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { AnomalyEvent } from '../../services/domain/anomaly.ts';
import { DEFAULT_JOB_FILE } from '../../services/jobs/default-job.ts';
import { FleetRunner } from '../../simulators/fleet-runner.ts';
import { type AnomalyLabel, parseGroundTruth } from '../../simulators/ground-truth.ts';
import { GroundTruthFile } from '../../simulators/ground-truth-file.ts';
import { MqttPublisher } from '../../simulators/mqtt-publisher.ts';
import { type EddyProcess, spawnEddy } from '../support/eddy-process.ts';
import { dropDatabase, queryInflux, uniqueDatabase } from '../support/influx-query.ts';
import { type MosquittoProcess, startMosquitto } from '../support/mosquitto-process.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The default job's anomaly detection, as a user gets it: `eddy start` (the real CLI) on a
 * Mosquitto of the test's own, writing to a fresh database of the test InfluxDB, while a simulated
 * fleet with planted anomalies publishes two hours of readings (event time, as fast as it can) and
 * writes its ground truth file. Every incident arrives as JSON on `alerts/<deviceId>` with QoS 1
 * and the same events are in InfluxDB `anomalies`; scored against the ground truth, the default
 * detector set's precision and recall are both at least 0.9.
 *
 * Matching: an alert matches a planted anomaly of its device and metric when its `ts` lies in the
 * anomaly's interval `[start, end]` extended by {@link TOLERANCE_MS} after its end (a level shift
 * ending is a change too, seen on the first readings after it). Precision = matched alerts /
 * alerts; recall = anomalies with a matching alert / anomalies.
 *
 * The planted set: spikes, level shifts and stuck sensors — what the default set is built to find
 * (ml/detectors/default-set.ts). Dropouts (a silent device, no metric) need a timer-driven
 * detector, which the default set does not have: none are planted.
 */

const DEVICES = 16;
const DURATION_MS = 2 * 60 * 60_000;
/** Event time of the first reading: fixed, so the run (signals, hours of the day) is the same every time. */
const START = Date.parse('2024-03-04T05:00:00Z');
/** The end of the simulated period. */
const END = START + DURATION_MS;
const ANOMALIES_PER_DEVICE_HOUR = 4;
const TOLERANCE_MS = 30_000;
const SEED = 7;

interface Alert {
  readonly topic: string;
  readonly qos: number;
  readonly event: AnomalyEvent;
}

/**
 * The alerts of the simulated period. When the fleet stops, the whole stream goes quiet; after the
 * quiet period event time follows the clock, and every series really is silent: the dropout
 * detector then reports each one (at a time after the period, whenever the quiet period ends:
 * these alerts are right, but not about planted anomalies, and may still be arriving).
 */
function during(all: readonly Alert[]): Alert[] {
  return all.filter((a) => a.event.ts < END);
}

/** Whether `event` is an alert for `label` (same device and metric, in its interval plus the tolerance). */
function matches(event: AnomalyEvent, label: AnomalyLabel): boolean {
  return (
    event.device === label.device &&
    event.metric === label.metric &&
    event.ts >= label.start &&
    event.ts <= label.end + TOLERANCE_MS
  );
}

describe('end to end: anomalies of a simulated fleet on alerts/<deviceId> and in InfluxDB', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('e2e_anomaly_alerts');
  const alerts: Alert[] = [];
  let dir: string;
  let broker: MosquittoProcess;
  let observer: MqttClient;
  let eddy: EddyProcess;
  let labels: AnomalyLabel[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-anomaly-alerts-e2e-'));
    broker = await startMosquitto({ dir: join(dir, 'mosquitto'), maxQueuedMessages: 0 });
    observer = await mqtt.connectAsync(broker.url, { clientId: 'e2e-anomaly-alerts-observer' });
    observer.on('message', (topic, payload, packet: IPublishPacket) => {
      alerts.push({ topic, qos: packet.qos, event: JSON.parse(payload.toString()) as AnomalyEvent });
    });
    await observer.subscribeAsync('alerts/+', { qos: 1 });
    // The default job's windows and detectors (the default set) without its forecaster: this test
    // is about anomalies, and a forecast per reading of two hours replayed in seconds would only
    // load InfluxDB (see the closing note on the predictions backlog).
    const job = parse(await readFile(DEFAULT_JOB_FILE, 'utf8')) as Record<string, unknown>;
    delete job.models;
    const jobFile = join(dir, 'anomalies-job.yaml');
    await writeFile(jobFile, stringify(job));
    eddy = spawnEddy([
      'start',
      ...['--job', jobFile],
      ...['--mqtt', broker.url, '--influx', `${influxUrl}/${database}`],
      ...['--port', '0', '--data-dir', dir],
    ]);
    const api = await eddy.ready;

    // The simulator, as `eddy simulate --fast --ground-truth` runs it, with the kinds chosen.
    const truthPath = join(dir, 'truth.jsonl');
    const truth = await GroundTruthFile.open(truthPath);
    const publisher = await MqttPublisher.connect({ url: broker.url, clientId: 'e2e-anomaly-alerts-fleet' });
    const runner = new FleetRunner({
      fleet: {
        seed: SEED,
        devices: DEVICES,
        startTime: START,
        durationMs: DURATION_MS,
        anomalies: {
          ratePerHour: ANOMALIES_PER_DEVICE_HOUR,
          weights: { spike: 1, level_shift: 1, stuck: 1, dropout: 0 },
        },
      },
      publisher,
      qos: 1,
      fast: true,
      onAnomaly: (label) => truth.write(label),
    });
    await runner.run();
    await publisher.close();
    await truth.close();
    labels = parseGroundTruth(await readFile(truthPath, 'utf8'));

    // Eddy has taken every reading in, and its last alerts are out, once nothing moves for a while.
    await settled(async () => {
      const health = (await (await fetch(`${api}/api/health`)).json()) as { job: { recordsIn: number } };
      return `${health.job.recordsIn}|${alerts.length}`;
    });
  }, 240_000);

  afterAll(async () => {
    if (eddy?.child.exitCode === null) eddy.child.kill('SIGKILL');
    await observer?.endAsync();
    await broker?.stop();
    await dropDatabase(influxUrl, database).catch(() => {});
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('publishes each incident as JSON on alerts/<deviceId> with QoS 1', () => {
    expect(labels.length).toBeGreaterThanOrEqual(100);
    expect(alerts.length).toBeGreaterThan(0);
    for (const { topic, qos, event } of alerts) {
      expect(topic).toBe(`alerts/${event.device}`);
      expect(qos).toBe(1);
      expect(event).toMatchObject({ detector: 'anomalies', metrics: [event.metric] });
      expect(event.score).toBeGreaterThanOrEqual(0.5);
      expect(event.score).toBeLessThanOrEqual(1);
      expect(typeof event.reason).toBe('string');
    }
  });

  it('finds the planted anomalies: precision and recall both >= 0.9 for the default detector set', () => {
    const events = during(alerts).map((a) => a.event);
    const matchedAlerts = events.filter((e) => labels.some((l) => matches(e, l)));
    const found = labels.filter((l) => events.some((e) => matches(e, l)));
    const precision = matchedAlerts.length / events.length;
    const recall = found.length / labels.length;
    const missed = labels.filter((l) => !found.includes(l));
    const unmatched = events.filter((e) => !matchedAlerts.includes(e));
    const report = JSON.stringify(
      {
        alerts: events.length,
        anomalies: labels.length,
        precision,
        recall,
        missed: missed.map((l) => `${l.kind} ${l.device}/${l.metric} ${l.start}..${l.end}`),
        repeated: events.length - new Set(events.map((e) => `${e.device}|${e.metric}|${e.ts}`)).size,
        warnings: eddy.lines
          .filter((l) => (l.level ?? 0) >= 40)
          .slice(0, 10)
          .map((l) => l.msg),
        falseAlarms: unmatched.map((e) => `${e.device}/${e.metric} ${e.ts} ${e.reason}`),
      },
      null,
      2,
    );
    expect(precision, report).toBeGreaterThanOrEqual(0.9);
    expect(recall, report).toBeGreaterThanOrEqual(0.9);
  });

  it('writes the same incidents to InfluxDB anomalies', async () => {
    const key = (e: { device?: unknown; metric?: unknown; time?: unknown; ts?: unknown }) =>
      `${e.device}|${e.metric}|${e.time ?? e.ts}`;
    let rows: Record<string, unknown>[] = [];
    await waitFor(
      async () => {
        rows = await queryInflux(
          influxUrl,
          database,
          `SELECT "score", "reason" FROM anomalies WHERE "detector" = 'anomalies' AND time < ${END}ms GROUP BY "device", "metric"`,
        ).catch(() => []);
        return rows.length >= during(alerts).length;
      },
      { timeoutMs: 30_000, message: `${during(alerts).length} points in anomalies` },
    );
    expect(rows.map(key).sort()).toEqual(
      during(alerts)
        .map((a) => key(a.event))
        .sort(),
    );
    for (const { event } of during(alerts)) {
      const row = rows.find((r) => key(r) === key(event));
      expect(row).toMatchObject({ score: event.score, reason: event.reason });
    }
  });

  it('stops cleanly on SIGINT, without an error logged', async () => {
    eddy.child.kill('SIGINT');
    expect(await eddy.exited).toBe(0);
    expect(eddy.lines.filter((line) => (line.level ?? 0) >= 50)).toEqual([]);
  }, 90_000);
});

/** Resolves once `state()` has returned the same value for 3 s in a row (polled every 500 ms). */
async function settled(state: () => Promise<string>): Promise<void> {
  let last = '';
  let since = performance.now();
  await waitFor(
    async () => {
      const now = await state();
      if (now !== last) {
        last = now;
        since = performance.now();
      }
      return performance.now() - since >= 3_000;
    },
    { timeoutMs: 180_000, intervalMs: 500, message: 'Eddy to take in every reading and publish its alerts' },
  );
}
