/**
 * One measured run of the `mqtt-alert-latency` benchmark: a fresh `eddy start --mqtt <broker>` in a
 * child process (the default job, writing to the given InfluxDB), devices publishing through the
 * broker at a fixed rate (the soak's {@link FixedRatePublisher}), 100-sigma spikes once the
 * detectors have warmed up, and the alerts on `alerts/#` matched to them (the soak's
 * {@link AlertLatencyProbe}). Measures; asserts nothing.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { freePorts } from '../../services/common/free-port.ts';
import { AlertLatencyProbe } from '../soak/alert-latency-probe.ts';
import { spikeAfterMs } from '../soak/device-rotation.ts';
import { EddyProcess, type EddyReadout } from '../soak/eddy-process.ts';
import { FixedRatePublisher } from '../soak/fixed-rate-publisher.ts';
import { processCpuSeconds } from './process-cpu.ts';

/** The fleet of one run. */
export interface AlertLatencyShape {
  /** Short name for client ids and the data directory, e.g. `10-per-msg`. */
  readonly name: string;
  readonly devices: number;
  /** Messages per second, all devices together (round robin: `rate / devices` per device). */
  readonly messagesPerSec: number;
  /** Readings per message: metrics `m0`, `m1`, … (spikes go into `m0` of a different device each time). */
  readonly metricsPerMessage: number;
}

/** What a run is given. */
export interface AlertLatencyEnv {
  readonly brokerUrl: string;
  /** CPU seconds the broker used so far. */
  readonly brokerCpuSeconds: () => number;
  /** InfluxDB URL with the database in the path. */
  readonly influx: string;
  /** Eddy's data directory is made under this. */
  readonly workDir: string;
  /** How long to publish after the warm-up. */
  readonly measureMs: number;
  /** A new spike is chosen this often once the last went out (each on another device). */
  readonly spikeEveryMs: number;
  /** A spike without an alert within this is missed. */
  readonly missAfterMs: number;
  /** Further `eddy start` flags (default none: the default job as it ships). */
  readonly eddyArgs?: readonly string[];
  readonly log: (line: string) => void;
}

/** What a run measured; rates and CPU are over the measured window (after warm-up). */
export interface AlertLatencyMeasurement {
  readonly readingsPerSec: number;
  readonly messagesPerSec: number;
  readonly warmupMs: number;
  /** Publish → alert: spikes sampled, alerts matched (seen), missed, p50/p99/max, alerts from no spike. */
  readonly latency: ReturnType<AlertLatencyProbe['summary']>;
  /** Messages the rate asked for but not yet sent, at the end of the window and at most. */
  readonly behind: number;
  readonly maxBehind: number;
  /** Publishes the broker refused. */
  readonly failed: number;
  /** CPU seconds per second (1 = one core) of Eddy, the broker and this process (publisher, probe). */
  readonly eddyCpu: number;
  readonly brokerCpu: number;
  readonly benchCpu: number;
  /** Eddy's largest sampled RSS. */
  readonly eddyRssBytes: number;
  /** Eddy's own counters at the end (see {@link EddyReadout}). */
  readonly readout: EddyReadout;
}

const SAMPLE_EVERY_MS = 5_000;
/** The device ids never rotate during a run. */
const NEVER_MS = Number.MAX_SAFE_INTEGER;

/**
 * Starts Eddy, warms the detectors up (20 readings per series), publishes for `measureMs` with
 * spikes, waits for the last alerts, stops Eddy.
 *
 * @example
 * const m = await measureAlertLatency(
 *   { name: '10-per-msg', devices: 1000, messagesPerSec: 1000, metricsPerMessage: 10 },
 *   { brokerUrl, brokerCpuSeconds, influx: `${influxd.url}/eddy`, workDir, measureMs: 60_000,
 *     spikeEveryMs: 500, missAfterMs: 10_000, log: console.error },
 * );
 * m.latency.p99Ms; // e.g. 7
 */
export async function measureAlertLatency(
  shape: AlertLatencyShape,
  env: AlertLatencyEnv,
): Promise<AlertLatencyMeasurement> {
  const dataDir = join(env.workDir, `eddy-${shape.name}`);
  await mkdir(dataDir, { recursive: true });
  const [mqttPort, apiPort] = await freePorts(2);
  const eddy = await EddyProcess.start({
    dataDir,
    // Unused: with --mqtt Eddy starts no embedded broker.
    mqttPort: mqttPort as number,
    apiPort: apiPort as number,
    influx: env.influx,
    extraArgs: ['--mqtt', env.brokerUrl, ...(env.eddyArgs ?? [])],
  });
  let eddyDied = false;
  let stopping = false;
  void eddy.exited.then((code) => {
    if (stopping) return;
    eddyDied = true;
    env.log(`mqtt-alert-latency: eddy exited (code ${code}) during the run: see ${eddy.logFile}`);
  });
  const publisherClient = await connectAsync(env.brokerUrl, { clientId: `alert-bench-pub-${shape.name}` });
  const alertClient = await connectAsync(env.brokerUrl, { clientId: `alert-bench-sub-${shape.name}` });
  try {
    const probe = await AlertLatencyProbe.subscribe(alertClient, env.missAfterMs);
    const plan = { devices: shape.devices, rotateEveryMs: NEVER_MS, probeEvery: shape.devices };
    const warmupMs = spikeAfterMs(plan, shape.messagesPerSec);
    const publisher = new FixedRatePublisher({
      ...plan,
      client: publisherClient,
      rate: shape.messagesPerSec,
      metrics: Array.from({ length: shape.metricsPerMessage }, (_, i) => `m${i}`),
      spikeEveryMs: env.spikeEveryMs,
      maxInFlight: 10_000,
      seed: 1,
      onSpike: (device, metric, ts, at) => probe.expect(device, metric, ts, at),
    });
    env.log(
      `mqtt-alert-latency: ${shape.name}: eddy pid ${eddy.pid}; warming up ${warmupMs / 1000} s, then ${env.measureMs / 1000} s measured`,
    );
    publisher.start();
    await sleep(warmupMs);

    const sentBefore = publisher.stats().sent;
    const eddyCpuBefore = processCpuSeconds(eddy.pid);
    const brokerCpuBefore = env.brokerCpuSeconds();
    const benchCpuBefore = process.cpuUsage();
    const t1 = Date.now();
    let maxBehind = 0;
    let eddyRssBytes = 0;
    while (Date.now() - t1 < env.measureMs && !eddyDied) {
      await sleep(Math.min(SAMPLE_EVERY_MS, env.measureMs - (Date.now() - t1)));
      maxBehind = Math.max(maxBehind, publisher.stats().behind);
      eddyRssBytes = Math.max(eddyRssBytes, await eddy.rssBytes().catch(() => 0));
    }
    const seconds = (Date.now() - t1) / 1000;
    const stats = publisher.stats();
    const eddyCpu = (processCpuSeconds(eddy.pid) - eddyCpuBefore) / seconds;
    const brokerCpu = (env.brokerCpuSeconds() - brokerCpuBefore) / seconds;
    const benchUsage = process.cpuUsage(benchCpuBefore);
    const readout = await eddy.readout();
    await publisher.stop();
    if (eddyDied) throw new Error(`eddy exited during the run: see ${eddy.logFile}`);
    await probe.drain();
    const messages = stats.sent - sentBefore;
    return {
      readingsPerSec: (messages * shape.metricsPerMessage) / seconds,
      messagesPerSec: messages / seconds,
      warmupMs,
      latency: probe.summary(),
      behind: stats.behind,
      maxBehind: Math.max(maxBehind, stats.behind),
      failed: stats.failed,
      eddyCpu,
      brokerCpu,
      benchCpu: (benchUsage.user + benchUsage.system) / 1e6 / seconds,
      eddyRssBytes,
      readout,
    };
  } finally {
    await Promise.allSettled([publisherClient.endAsync(), alertClient.endAsync()]);
    stopping = true;
    await eddy.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
