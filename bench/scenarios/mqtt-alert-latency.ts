import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../services/common/free-port.ts';
import { startInfluxd } from '../../services/connectors/influx/influxd-process.ts';
import type { Scenario } from '../scenario.ts';
import {
  type AlertLatencyMeasurement,
  type AlertLatencyShape,
  measureAlertLatency,
} from '../support/alert-latency-run.ts';
import { startBenchMosquitto } from '../support/bench-mosquitto.ts';

const MEASURE_MS = 60_000;
const SPIKE_EVERY_MS = 500;
const MISS_AFTER_MS = 10_000;
const DATABASE = 'eddy';

/** The headline: 1,000 devices, one message a second each holding 10 readings. */
const TEN_PER_MESSAGE: AlertLatencyShape = {
  name: '10-per-msg',
  devices: 1_000,
  messagesPerSec: 1_000,
  metricsPerMessage: 10,
};
/** Also measured (`single.*` in details): 10,000 devices, one single-reading message a second each. */
const ONE_PER_MESSAGE: AlertLatencyShape = {
  name: '1-per-msg',
  devices: 10_000,
  messagesPerSec: 10_000,
  metricsPerMessage: 1,
};

/**
 * Publish → alert latency at 10,000 readings/s through a real Mosquitto (with `set_tcp_nodelay
 * true`, as README recommends for low latency). Starts `mosquitto` and
 * `influxd` on free loopback ports, then, for each shape, a fresh `eddy start --mqtt <mosquitto>`
 * (the default job, writing to that InfluxDB) in a child process. One mqtt.js client publishes at
 * QoS 1 on `sensors/<id>/telemetry` (`{"ts": now, "m0": …, …}`, Gaussian noise): 20 s of warm-up
 * (20 readings per series, the default detectors score from 10 per hourly bucket), then
 * {@link MEASURE_MS} measured, with a spike of 100 noise deviations in `m0` of another device
 * about every second (one is chosen every {@link SPIKE_EVERY_MS} once the last was sent, and goes
 * out with that device's next message; a new series each time: none is in its cool-down). A subscriber
 * on `alerts/#` (QoS 1) matches each alert to its spike; the latency is the time it arrived minus
 * the time the spike was published. `eventsPerSec` is the readings/s actually published in the
 * measured window; CPU is CPU seconds per second (1 = a core) from /proc.
 *
 * @example
 * // npm run bench -- mqtt-alert-latency
 * const result = await mqttAlertLatency().run(); // { eventsPerSec: ~10000, details: { p50Ms, p99Ms, … } }
 */
export function mqttAlertLatency(): Scenario {
  return {
    name: 'mqtt-alert-latency',
    description:
      'MQTT publish → alert on alerts/<deviceId> (p50/p99) through Mosquitto into eddy start --mqtt (default job, ' +
      'InfluxDB): 1,000 devices × 1 msg/s × 10 readings, QoS 1 (10,000 readings/s), 20 s warm-up, ' +
      `${MEASURE_MS / 1000} s with a 100σ spike about every second; then 10,000 single-reading msg/s (single.*); target p99 < 20 ms`,
    async run() {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const workDir = await mkdtemp(join(tmpdir(), 'eddy-bench-alert-latency-'));
      // Nagle's algorithm off on the broker's sockets (README: "Latency"): with it on, a subscriber
      // that holds its PUBACKs until a checkpoint (Eddy's exactly-once) gets its messages ~10 ms late.
      const broker = await startBenchMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
      const [httpPort, bindPort] = await freePorts(2);
      let influxd: Awaited<ReturnType<typeof startInfluxd>> | undefined;
      let failed = false;
      try {
        influxd = await startInfluxd({
          dataDir: join(workDir, 'influxdb'),
          httpPort: httpPort as number,
          bindPort: bindPort as number,
        });
        const env = {
          brokerUrl: broker.url,
          brokerCpuSeconds: () => broker.cpuSeconds(),
          influx: `${influxd.url}/${DATABASE}`,
          workDir,
          measureMs: MEASURE_MS,
          spikeEveryMs: SPIKE_EVERY_MS,
          missAfterMs: MISS_AFTER_MS,
          log,
        };
        const main = await measureAlertLatency(TEN_PER_MESSAGE, env);
        log(`mqtt-alert-latency: ${TEN_PER_MESSAGE.name}: ${JSON.stringify(detailsOf(main))}`);
        const single = await measureAlertLatency(ONE_PER_MESSAGE, env);
        log(`mqtt-alert-latency: ${ONE_PER_MESSAGE.name}: ${JSON.stringify(detailsOf(single))}`);
        return {
          eventsPerSec: main.readingsPerSec,
          details: {
            ...detailsOf(main),
            ...Object.fromEntries(Object.entries(detailsOf(single)).map(([k, v]) => [`single.${k}`, v])),
          },
        };
      } catch (error) {
        failed = true;
        log(`mqtt-alert-latency: failed; kept ${workDir} (Eddy's eddy.log is in eddy-<shape>/)`);
        throw error;
      } finally {
        await influxd?.stop();
        await broker.stop();
        if (!failed) await rm(workDir, { recursive: true, force: true });
      }
    },
  };
}

/** One shape's numbers as `details` entries. */
function detailsOf(m: AlertLatencyMeasurement): Record<string, number | string> {
  const l = m.latency;
  const reasons = Object.entries(l.otherReasons)
    .map(([kind, n]) => `${kind}:${n}`)
    .join(',');
  return {
    readingsPerSec: Math.round(m.readingsPerSec),
    msgPerSec: Math.round(m.messagesPerSec),
    p50Ms: l.p50Ms ?? 'none',
    p99Ms: l.p99Ms ?? 'none',
    maxMs: l.maxMs ?? 'none',
    alerts: `${l.seen}/${l.sampled}`,
    missed: l.missed,
    otherAlerts: reasons === '' ? 0 : `${l.otherAlerts}(${reasons})`,
    eddyCpu: round2(m.eddyCpu),
    eddyRssMiB: Math.round(m.eddyRssBytes / 2 ** 20),
    brokerCpu: round2(m.brokerCpu),
    benchCpu: round2(m.benchCpu),
    loopLagP99Ms:
      m.readout.eventLoopLagP99Seconds === undefined
        ? 'n/a'
        : Math.round(m.readout.eventLoopLagP99Seconds * 1000),
    behind: `${m.behind}(max ${m.maxBehind})`,
    checkpoints: m.readout.checkpointsCompleted ?? 'n/a',
    checkpointKeys: m.readout.checkpointLastKeys ?? 'n/a',
    checkpointMaxPauseMs:
      m.readout.checkpointMaxPauseSeconds === undefined
        ? 'n/a'
        : Math.round(m.readout.checkpointMaxPauseSeconds * 1000),
    ...(m.failed > 0 ? { publishFailed: m.failed } : {}),
    ...(m.readout.deadLetters ? { deadLetters: m.readout.deadLetters } : {}),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
