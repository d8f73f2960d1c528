/**
 * `npm run soak [-- flags]`: starts Eddy (`eddy start`, embedded broker, checkpoints on) against an
 * InfluxDB of its own in a throw-away directory, publishes at a fixed rate with rotating device ids
 * and injected spikes for `--minutes`, and prints throughput, publish → InfluxDB and publish →
 * alert latencies and Eddy's RSS over time. Exits 1 when RSS grew after warm-up (see
 * `rss-flatness.ts`), 2 on a setup error. Not part of `npm test`. Flags: `soak-options.ts`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { freePorts } from '../../services/common/free-port.ts';
import { startInfluxd } from '../../services/connectors/influx/influxd-process.ts';
import { AlertLatencyProbe } from './alert-latency-probe.ts';
import { EddyProcess, type EddyReadout, eddyStartHasFlag, procRssBytes } from './eddy-process.ts';
import { FixedRatePublisher } from './fixed-rate-publisher.ts';
import { PredictionLatencyProbe } from './prediction-latency-probe.ts';
import { rssFlatness } from './rss-flatness.ts';
import { parseSoakOptions, SOAK_METRICS, type SoakOptions, warmupOf } from './soak-options.ts';
import { formatSoakSummary, progressLine, type SoakMemorySample, type SoakResult } from './soak-report.ts';

const PROGRESS_EVERY_MS = 30_000;
const DATABASE = 'eddy';

let options: SoakOptions;
try {
  options = parseSoakOptions(process.argv.slice(2));
} catch (error) {
  // commander already printed the usage error (or the help).
  const code = (error as { exitCode?: number }).exitCode;
  process.exit(code === 0 ? 0 : 2);
}

const startedAt = new Date();
const dataDir = await mkdtemp(join(tmpdir(), 'eddy-soak-'));
const log = (line: string) => process.stderr.write(`${line}\n`);
log(`soak: data in ${dataDir}`);

const [influxPort, influxBindPort, mqttPort, apiPort] = await freePorts(4);
const influxd = await startInfluxd({
  dataDir: join(dataDir, 'influxdb'),
  httpPort: influxPort as number,
  bindPort: influxBindPort as number,
});
const missingFlags: string[] = [];
const extraArgs = [
  '--checkpoint-interval',
  options.checkpointInterval,
  '--parallelism',
  String(options.parallelism),
  ...(options.job === undefined ? [] : ['--job', options.job]),
];
if (options.stateTtl !== 'off') {
  if (await eddyStartHasFlag('--state-ttl')) extraArgs.push('--state-ttl', options.stateTtl);
  else missingFlags.push('--state-ttl');
}
let eddy: EddyProcess;
try {
  eddy = await EddyProcess.start({
    dataDir,
    mqttPort: mqttPort as number,
    apiPort: apiPort as number,
    influx: `${influxd.url}/${DATABASE}`,
    extraArgs,
  });
} catch (error) {
  log(`soak: ${(error as Error).message}`);
  await influxd.stop();
  process.exit(2);
}
log(
  `soak: eddy pid ${eddy.pid} at ${eddy.apiUrl}, broker ${eddy.mqttUrl}, influxd pid ${influxd.pid} at ${influxd.url}`,
);
for (const flag of missingFlags) log(`soak: note: eddy start has no ${flag} yet, running without it`);

const publisherClient = await connectAsync(eddy.mqttUrl, {
  clientId: 'soak-publisher',
  reconnectPeriod: 1000,
});
const alertClient = await connectAsync(eddy.mqttUrl, { clientId: 'soak-alerts', reconnectPeriod: 1000 });
const toInflux = new PredictionLatencyProbe({
  influxUrl: influxd.url,
  database: DATABASE,
  missAfterMs: options.missAfterMs,
});
const toAlert = await AlertLatencyProbe.subscribe(alertClient, options.missAfterMs);
const publisher = new FixedRatePublisher({
  client: publisherClient,
  rate: options.rate,
  devices: options.devices,
  rotateEveryMs: options.rotateEveryMs,
  probeEvery: options.probeEvery,
  metrics: SOAK_METRICS.slice(0, options.metrics),
  spikeEveryMs: options.spikeEveryMs,
  maxInFlight: options.maxInFlight,
  seed: options.seed,
  onProbe: (device, ts, at) => toInflux.expect(device, ts, at),
  onSpike: (device, metric, ts, at) => toAlert.expect(device, metric, ts, at),
});
if (!publisher.spikesPossible) {
  log(
    'soak: note: a device set rotates out before the detectors warm up: no spikes (fewer --devices or a longer --rotate-every)',
  );
}

const memory: SoakMemorySample[] = [];
let lastReadout: EddyReadout = {};
const t0 = Date.now();
const sample = async () => {
  const atMs = Date.now() - t0;
  const [rssBytes, readout, influxdRssBytes] = await Promise.all([
    eddy.rssBytes(),
    eddy.readout(),
    procRssBytes(influxd.pid).catch(() => undefined),
  ]);
  lastReadout = { ...lastReadout, ...readout };
  memory.push({
    atMs,
    rssBytes,
    ...(readout.heapUsedBytes === undefined ? {} : { heapUsedBytes: readout.heapUsedBytes }),
    ...(readout.heapTotalBytes === undefined ? {} : { heapTotalBytes: readout.heapTotalBytes }),
    ...(readout.externalBytes === undefined ? {} : { externalBytes: readout.externalBytes }),
    ...(influxdRssBytes === undefined ? {} : { influxdRssBytes }),
  });
};
let lastProgress = 0;
const progress = () => {
  const last = memory[memory.length - 1];
  log(
    progressLine({
      atMs: Date.now() - t0,
      ...publisher.stats(),
      ...(lastReadout.recordsIn === undefined ? {} : { recordsIn: lastReadout.recordsIn }),
      ...(last ? { rssBytes: last.rssBytes } : {}),
      ...(last?.heapUsedBytes === undefined ? {} : { heapUsedBytes: last.heapUsedBytes }),
    }),
  );
};

let eddyDied = false;
let stopping = false;
void eddy.exited.then((code) => {
  if (stopping) return;
  eddyDied = true;
  log(`soak: eddy exited (code ${code}) during the soak: see ${eddy.logFile}`);
});
// Ctrl-C: stop Eddy and the InfluxDB this soak started, keep the data directory, no summary.
process.once('SIGINT', () => {
  stopping = true;
  log(`soak: interrupted; stopping eddy and influxd (data kept in ${dataDir})`);
  void Promise.allSettled([eddy.stop(), influxd.stop()]).then(() => process.exit(130));
});

publisher.start();
toInflux.start();
await sample();
for (let tick = 1; Date.now() - t0 < options.durationMs && !eddyDied; tick++) {
  const next = tick * options.sampleEveryMs - (Date.now() - t0);
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, Math.min(next, options.durationMs - (Date.now() - t0)))),
  );
  if (Date.now() - t0 >= options.durationMs) break;
  await sample().catch((error: Error) => log(`soak: sample failed: ${error.message}`));
  if (Date.now() - t0 - lastProgress >= PROGRESS_EVERY_MS) {
    lastProgress += PROGRESS_EVERY_MS;
    progress();
  }
}
const publishedMs = Date.now() - t0;
await publisher.stop();
log(
  `soak: published for ${(publishedMs / 1000).toFixed(0)} s; waiting for the last samples (at most ${options.missAfterMs / 1000} s)`,
);
await Promise.all([toInflux.drain(), toAlert.drain()]);
if (!eddyDied) await sample().catch(() => {});
progress();

const stats = publisher.stats();
const result: SoakResult = {
  startedAt: startedAt.toISOString(),
  options: { ...options },
  missingFlags,
  eddyArgs: extraArgs,
  publishedMs,
  sent: stats.sent,
  acked: stats.acked,
  failed: stats.failed,
  behind: stats.behind,
  deviceIds: (stats.generation + 1) * options.devices,
  ...(lastReadout.recordsIn === undefined ? {} : { recordsIn: lastReadout.recordsIn }),
  ...(lastReadout.deadLetters === undefined ? {} : { deadLetters: lastReadout.deadLetters }),
  ...(lastReadout.lateRecords === undefined ? {} : { lateRecords: lastReadout.lateRecords }),
  toInflux: toInflux.summary(),
  toAlert: toAlert.summary(),
  memory,
  flatness: rssFlatness(memory, {
    durationMs: options.durationMs,
    warmupMs: warmupOf(options),
    maxGrowth: options.maxGrowth,
  }),
};

await Promise.all([publisherClient.endAsync(), alertClient.endAsync()]);
stopping = true;
const eddyExit = await eddy.stop();
await influxd.stop();

const here = dirname(fileURLToPath(import.meta.url));
const outFile =
  options.out ?? join(here, '..', 'results', `soak-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
await mkdir(dirname(outFile), { recursive: true });
await writeFile(outFile, `${JSON.stringify({ ...result, eddyExit }, null, 2)}\n`);

console.log(formatSoakSummary(result));
console.log(`\nwritten to ${outFile}`);
if (eddyDied || eddyExit !== 0)
  log(`soak: eddy did not stop cleanly (exit ${eddyExit}): see ${eddy.logFile}`);
if (options.keepData || eddyDied || eddyExit !== 0) log(`soak: kept ${dataDir}`);
else await rm(dataDir, { recursive: true, force: true });
process.exitCode = result.flatness.verdict === 'flat' && !eddyDied ? 0 : 1;
