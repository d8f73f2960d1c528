import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Fleet } from '../../../simulators/fleet.ts';
import { FleetRunner, type RunStats } from '../../../simulators/fleet-runner.ts';
import { GroundTruthFile } from '../../../simulators/ground-truth-file.ts';
import { MqttPublisher } from '../../../simulators/mqtt-publisher.ts';
import type { Publisher, QoS } from '../../../simulators/publisher.ts';
import { type Clock, systemClock } from '../../engine/time/clock.ts';
import { type ProgressStream, startProgress, summaryText } from './simulate-progress.ts';

/** Parsed `eddy simulate` flags. */
export interface SimulateFlags {
  mqtt: string;
  mqttCa?: string;
  devices: number;
  rate: number;
  duration?: number;
  seed: number;
  batch: number;
  qos: QoS;
  anomalyRate: number;
  groundTruth?: string;
  outOfOrder: number;
  late: number;
  duplicates: number;
  malformed: number;
  start?: number;
  fast: boolean;
}

/** What the command talks to; tests replace these, production uses the defaults. */
export interface SimulateDependencies {
  /** Opens the publisher for `--mqtt` (default: an mqtt.js client). */
  connect?: (url: string) => Promise<Publisher & { close(): Promise<void> }>;
  clock?: Clock;
  /** Progress goes here (default process.stderr). */
  stderr?: ProgressStream;
  /** The summary goes here (default process.stdout). */
  stdout?: { write(text: string): unknown };
  /** Where SIGINT / SIGTERM come from (default process). */
  signals?: Pick<NodeJS.EventEmitter, 'once' | 'removeListener'>;
}

/**
 * `eddy simulate`: a seeded fleet of devices publishing JSON telemetry to an MQTT broker, with
 * labelled anomalies and optional network faults. Every flag can also come from `EDDY_<FLAG>`.
 *
 * @example
 * eddy simulate --devices 50 --rate 2 --duration 60 --anomaly-rate 5 --ground-truth truth.jsonl
 * EDDY_DEVICES=5 eddy simulate --fast --duration 86400 --start 2024-01-01T00:00:00Z
 */
export function simulateCommand(deps: SimulateDependencies = {}): Command {
  const command = new Command('simulate')
    .description('publish telemetry from a simulated device fleet to an MQTT broker')
    .addOption(flag('--mqtt <url>', 'broker URL').default('mqtt://127.0.0.1:1883'))
    .addOption(flag('--mqtt-ca <file>', 'CA certificate (PEM) to trust for an mqtts:// broker'))
    .addOption(flag('--devices <n>', 'number of devices').default(20).argParser(integer(1, 100_000)))
    .addOption(flag('--rate <r>', 'readings per second per device').default(1).argParser(number(0, 1_000)))
    .addOption(
      flag(
        '--duration <seconds>',
        'how long to run; simulated time with --fast (default: until Ctrl-C)',
      ).argParser(number(0)),
    )
    .addOption(flag('--seed <n>', 'seed of all randomness').default(1).argParser(integer()))
    .addOption(
      flag('--batch <n>', 'readings per message (> 1: JSON arrays)').default(1).argParser(integer(1, 10_000)),
    )
    .addOption(flag('--qos <qos>', 'MQTT QoS, 0 or 1').default(0).argParser(qos))
    .addOption(
      flag('--anomaly-rate <r>', 'anomalies per device-hour')
        .default(1)
        .argParser(number(0, 3_600, true)),
    )
    .addOption(flag('--ground-truth <file>', 'write injected anomalies to this JSONL file'))
    .addOption(
      flag('--out-of-order <p>', 'probability a message is delayed up to 2 s')
        .default(0)
        .argParser(probability),
    )
    .addOption(
      flag('--late <p>', 'probability a message is delayed 15 s to 2 min').default(0).argParser(probability),
    )
    .addOption(
      flag('--duplicates <p>', 'probability a message is sent twice').default(0).argParser(probability),
    )
    .addOption(
      flag('--malformed <p>', 'probability a payload is malformed').default(0).argParser(probability),
    )
    .addOption(
      flag('--start <time>', 'event time of the first reading, ISO 8601 (default: now)').argParser(isoTime),
    )
    .addOption(flag('--fast', 'publish as fast as possible, with simulated timestamps'));
  command.action(async (raw: Record<string, unknown>) => {
    const flags = { ...raw, fast: fastFlag(command, raw.fast) } as unknown as SimulateFlags;
    if (flags.outOfOrder + flags.late > 1) {
      command.error('error: --out-of-order and --late add up to more than 1; lower one of them', {
        exitCode: 2,
      });
    }
    await runSimulation(command, flags, deps);
  });
  return command;
}

/** Runs the simulation the flags describe; reports failures through `command.error`. */
async function runSimulation(
  command: Command,
  flags: SimulateFlags,
  deps: SimulateDependencies,
): Promise<void> {
  const clock = deps.clock ?? systemClock;
  const stderr = deps.stderr ?? process.stderr;
  const stdout = deps.stdout ?? process.stdout;
  const signals = deps.signals ?? process;
  const connect =
    deps.connect ??
    ((url: string) =>
      MqttPublisher.connect({ url, ...(flags.mqttCa ? { tls: { ca: readFileSync(flags.mqttCa) } } : {}) }));
  const fail = (error: unknown): never =>
    command.error(`error: ${error instanceof Error ? error.message : String(error)}`, { exitCode: 1 });

  let fleet: Fleet;
  try {
    fleet = new Fleet({
      seed: flags.seed,
      devices: flags.devices,
      startTime: flags.start ?? clock.now(),
      ratePerSecond: flags.rate,
      ...(flags.duration === undefined ? {} : { durationMs: Math.round(flags.duration * 1_000) }),
      batchSize: flags.batch,
      anomalies: { ratePerHour: flags.anomalyRate },
      faults: {
        outOfOrder: flags.outOfOrder,
        late: flags.late,
        duplicates: flags.duplicates,
        malformed: flags.malformed,
      },
    });
  } catch (error) {
    return fail(error);
  }
  const truth =
    flags.groundTruth === undefined ? undefined : await GroundTruthFile.open(flags.groundTruth).catch(fail);
  const publisher = await connect(flags.mqtt).catch(async (error) => {
    await truth?.close();
    return fail(error);
  });
  const runner = new FleetRunner({
    fleet,
    publisher,
    clock,
    qos: flags.qos,
    fast: flags.fast,
    ...(truth ? { onAnomaly: (label) => truth.write(label) } : {}),
  });

  const onSignal = () => void runner.stop();
  signals.once('SIGINT', onSignal);
  signals.once('SIGTERM', onSignal);
  const keepAlive = setInterval(() => {}, 1 << 30);
  const stopProgress = startProgress(stderr, clock, () => runner.stats());
  let stats: RunStats;
  let failure: unknown;
  try {
    stats = await runner.run();
  } catch (error) {
    failure = error;
    stats = runner.stats();
  } finally {
    stopProgress();
    clearInterval(keepAlive);
    signals.removeListener('SIGINT', onSignal);
    signals.removeListener('SIGTERM', onSignal);
  }
  const closing = await Promise.allSettled([publisher.close(), truth?.close()]);
  stdout.write(
    summaryText(stats, {
      devices: flags.devices,
      ...(flags.groundTruth === undefined ? {} : { groundTruth: flags.groundTruth }),
    }),
  );
  if (failure !== undefined) fail(failure);
  for (const result of closing) if (result.status === 'rejected') fail(result.reason);
}

function flag(flags: string, description: string): Option {
  const long = flags.split(' ')[0]!.replace(/^--/, '');
  return new Option(flags, description).env(`EDDY_${long.toUpperCase().replaceAll('-', '_')}`);
}

/** `--fast` from the environment: commander treats any set boolean env var as true; honour `0`/`false`. */
function fastFlag(command: Command, value: unknown): boolean {
  if (command.getOptionValueSource('fast') !== 'env') return value === true;
  const text = (process.env.EDDY_FAST ?? '').trim().toLowerCase();
  return !['', '0', 'false', 'no', 'off'].includes(text);
}

function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** A number `> min` (or `>= min` when `inclusive`) and `<= max`. */
function number(min: number, max = Number.MAX_VALUE, inclusive = false) {
  return (value: string): number => {
    const n = Number(value);
    const aboveMin = inclusive ? n >= min : n > min;
    if (value.trim() === '' || !Number.isFinite(n) || !aboveMin || n > max) {
      throw new InvalidArgumentError(`expected a number ${inclusive ? '>=' : '>'} ${min} and <= ${max}.`);
    }
    return n;
  };
}

function probability(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) {
    throw new InvalidArgumentError('expected a probability from 0 to 1 (e.g. 0.01).');
  }
  return n;
}

function qos(value: string): QoS {
  if (value === '0' || value === '1') return Number(value) as QoS;
  throw new InvalidArgumentError('expected 0 or 1.');
}

function isoTime(value: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new InvalidArgumentError('expected an ISO 8601 time such as 2024-01-01T00:00:00Z.');
  }
  return ms;
}
