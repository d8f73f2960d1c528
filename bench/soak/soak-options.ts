/**
 * `npm run soak -- [flags]`: the soak test's flags and their defaults. Parsing only, no side effects.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDurationOption } from '../../services/cli/options.ts';

/** Everything a soak run is told. */
export interface SoakOptions {
  /** Messages per second, all devices together. */
  readonly rate: number;
  /** How long to publish. */
  readonly durationMs: number;
  /** Devices active at a time. */
  readonly devices: number;
  /** A new set of device ids this often. */
  readonly rotateEveryMs: number;
  /** Readings per message (metrics `temperature`, `humidity`, ... in the default payload mapping). */
  readonly metrics: number;
  /** One device in this many is a probe, followed into InfluxDB `predictions`. */
  readonly probeEvery: number;
  /** A spike (an anomaly the default detectors alert on) this often. */
  readonly spikeEveryMs: number;
  /** Passed to `eddy start --state-ttl` when Eddy has that flag; `off`: not passed. */
  readonly stateTtl: string;
  /** RSS samples before this are warm-up, not judged. */
  readonly warmupMs: number;
  /** Largest accepted RSS growth after warm-up, e.g. 0.15. */
  readonly maxGrowth: number;
  /** Time between RSS samples. */
  readonly sampleEveryMs: number;
  /** A sampled reading or spike not seen within this counts as missed. */
  readonly missAfterMs: number;
  /** Unacknowledged publishes at most; beyond that the publisher waits (and falls behind its rate). */
  readonly maxInFlight: number;
  /** `eddy start --parallelism`. */
  readonly parallelism: number;
  /** `eddy start --checkpoint-interval`. */
  readonly checkpointInterval: string;
  /** `eddy start --job`: a job file instead of the default job. */
  readonly job?: string;
  readonly seed: number;
  /** Where the JSON summary goes (default `bench/results/soak-<date>.json`). */
  readonly out?: string;
  /** Keep the throw-away data directory (Eddy's log, checkpoints, InfluxDB data). */
  readonly keepData: boolean;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer.');
  return n;
};
const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
};
const percent = (value: string): number => {
  const n = Number(value.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a percentage such as 15.');
  return n / 100;
};
const ttl = (value: string): string => {
  if (value !== 'off') parseDurationOption(value);
  return value;
};
const interval = (value: string): string => {
  if (value !== 'off' && value !== '0') parseDurationOption(value);
  return value;
};

/**
 * Parses the soak flags (`argv` without node and the script). A bad flag throws commander's error
 * (with `exitCode`), after printing it with `writeErr`.
 *
 * @example
 * parseSoakOptions(['--minutes', '2', '--rate', '500']).durationMs; // 120000
 */
export function parseSoakOptions(
  argv: readonly string[],
  /** Where usage errors are printed (tests pass a no-op). */
  writeErr: (text: string) => void = (text) => process.stderr.write(text),
): SoakOptions {
  const command = new Command('soak')
    .description('soak test: a running Eddy at a fixed message rate with rotating device ids')
    .exitOverride()
    .configureOutput({ writeErr })
    .addOption(new Option('--rate <msg/s>', 'messages per second').argParser(positiveInt).default(2000))
    .addOption(new Option('--minutes <n>', 'how long to publish').argParser(positiveNumber).default(10))
    .addOption(new Option('--devices <n>', 'devices active at a time').argParser(positiveInt).default(1000))
    .addOption(
      new Option('--rotate-every <duration>', 'a new set of device ids this often')
        .argParser(parseDurationOption)
        .default(30_000, '30s'),
    )
    .addOption(new Option('--metrics <n>', 'readings per message (1–5)').argParser(positiveInt).default(1))
    .addOption(
      new Option('--probe-every <n>', 'one device in n is followed into InfluxDB')
        .argParser(positiveInt)
        .default(50),
    )
    .addOption(
      new Option('--spike-every <duration>', 'an injected spike this often')
        .argParser(parseDurationOption)
        .default(5_000, '5s'),
    )
    .addOption(
      new Option('--state-ttl <duration>', 'eddy start --state-ttl (off: not passed)')
        .argParser(ttl)
        .default('2m'),
    )
    .addOption(
      new Option('--warmup <duration>', 'RSS samples before this are not judged')
        .argParser(parseDurationOption)
        .default(120_000, '2m'),
    )
    .addOption(
      new Option('--max-growth <percent>', 'RSS growth after warm-up that fails the soak')
        .argParser(percent)
        .default(0.15, '15'),
    )
    .addOption(
      new Option('--sample-every <duration>', 'time between RSS samples')
        .argParser(parseDurationOption)
        .default(10_000, '10s'),
    )
    .addOption(
      new Option('--miss-after <duration>', 'a sample not seen within this is missed')
        .argParser(parseDurationOption)
        .default(30_000, '30s'),
    )
    .addOption(
      new Option('--max-in-flight <n>', 'unacknowledged publishes at most')
        .argParser(positiveInt)
        .default(10_000),
    )
    .addOption(new Option('--parallelism <n>', 'eddy start --parallelism').argParser(positiveInt).default(1))
    .addOption(
      new Option('--checkpoint-interval <duration>', 'eddy start --checkpoint-interval')
        .argParser(interval)
        .default('5s'),
    )
    .addOption(new Option('--job <file>', 'eddy start --job (default: the default job)'))
    .addOption(new Option('--seed <n>', 'seed of the readings').argParser(positiveInt).default(1))
    .addOption(new Option('--out <file>', 'JSON summary (default bench/results/soak-<date>.json)'))
    .addOption(new Option('--keep-data', "keep the throw-away data directory (Eddy's log)").default(false));
  command.parse([...argv], { from: 'user' });
  const o = command.opts<{
    rate: number;
    minutes: number;
    devices: number;
    rotateEvery: number;
    metrics: number;
    probeEvery: number;
    spikeEvery: number;
    stateTtl: string;
    warmup: number;
    maxGrowth: number;
    sampleEvery: number;
    missAfter: number;
    maxInFlight: number;
    parallelism: number;
    checkpointInterval: string;
    job?: string;
    seed: number;
    out?: string;
    keepData: boolean;
  }>();
  if (o.metrics > SOAK_METRICS.length) {
    throw new InvalidArgumentError(`--metrics: at most ${SOAK_METRICS.length}, got ${o.metrics}`);
  }
  return {
    rate: o.rate,
    durationMs: Math.round(o.minutes * 60_000),
    devices: o.devices,
    rotateEveryMs: o.rotateEvery,
    metrics: o.metrics,
    probeEvery: o.probeEvery,
    spikeEveryMs: o.spikeEvery,
    stateTtl: o.stateTtl,
    warmupMs: o.warmup,
    maxGrowth: o.maxGrowth,
    sampleEveryMs: o.sampleEvery,
    missAfterMs: o.missAfter,
    maxInFlight: o.maxInFlight,
    parallelism: o.parallelism,
    checkpointInterval: o.checkpointInterval,
    ...(o.job === undefined ? {} : { job: o.job }),
    seed: o.seed,
    ...(o.out === undefined ? {} : { out: o.out }),
    keepData: o.keepData,
  };
}

/** The metrics a message carries, the first `--metrics` of these (the simulator's names). */
export const SOAK_METRICS = ['temperature', 'humidity', 'pressure', 'vibration', 'power'] as const;

/**
 * How long the soak's RSS counts as warm-up: `--warmup`, or longer when the state TTL is: until
 * the first device ids have been silent for the TTL (TTL + `--rotate-every`), the keys Eddy holds
 * grow by design.
 *
 * @example
 * warmupOf({ warmupMs: 120_000, stateTtl: '2m', rotateEveryMs: 30_000 }); // 150000
 */
export function warmupOf(options: Pick<SoakOptions, 'warmupMs' | 'stateTtl' | 'rotateEveryMs'>): number {
  const ttlMs = options.stateTtl === 'off' ? 0 : parseDurationOption(options.stateTtl);
  return Math.max(options.warmupMs, ttlMs + options.rotateEveryMs);
}
