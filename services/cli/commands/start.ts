import { Command, InvalidArgumentError, Option } from 'commander';
import { createLogger } from '../../common/logger.ts';
import { redactUrlsInText } from '../../common/redact.ts';
import { JobFileError } from '../../config/job-file-error.ts';
import { type JobSpec, withDefaultStateTtl } from '../../config/job-spec.ts';
import { loadJobFile } from '../../config/load-job-file.ts';
import { parseSpillLimit } from '../../connectors/influx/spill-limit.ts';
import type { DeviceStartOptions } from '../../server/device-wiring.ts';
import { type RunningEddy, startEddy } from '../../server/eddy-server.ts';
import type { SecurityStartOptions } from '../../server/security-options.ts';
import { START_DEFAULTS, type StartOptions } from '../../server/start-options.ts';
import {
  parseCount,
  parseDurationOption,
  parseInteger,
  parseIntervalOption,
  parseParallelism,
  parsePort,
  parseUrl,
} from '../options.ts';
import { type SecurityFlags, securityStartOptions, withSecurityOptions } from '../security-flags.ts';

interface StartFlags extends SecurityFlags {
  mqtt?: string;
  mqttPort: number;
  mqttHost: string;
  simulate?: number;
  seed: number;
  influx?: string;
  port: number;
  host: string;
  dataDir: string;
  job?: string;
  window: number;
  outOfOrderness: number;
  quietPeriod: number;
  maxFuture?: number | 'off';
  maxPast?: number | 'off';
  stateTtl?: number | 'off';
  parallelism: number;
  checkpointDir?: string;
  checkpointInterval: number;
  fromSavepoint?: string;
  allowNonRestoredState?: boolean;
  mqttAuth?: boolean;
  savepointDir?: string;
  mqttClientId?: string;
  influxSpillLimit?: number | 'off';
  logLevel: string;
}

/** The flags that change the default job; a job file sets these itself. */
const DEFAULT_JOB_FLAGS = [
  ['window', '--window'],
  ['outOfOrderness', '--out-of-orderness'],
  ['quietPeriod', '--quiet-period'],
  ['maxFuture', '--max-future'],
  ['maxPast', '--max-past'],
] as const;

/** A timestamp bound: a positive duration, or `off` for none. */
const parseBound = (value: string): number | 'off' => {
  if (value === 'off') return value;
  try {
    return parseDurationOption(value);
  } catch {
    throw new InvalidArgumentError('expected a duration such as 5m or 1h, or off.');
  }
};

const parseInflux = (value: string) => (value === 'off' ? value : parseUrl(['http:', 'https:'])(value));

/** `eddy start`: the whole service. Every flag also reads an `EDDY_*` environment variable. */
export function startCommand(): Command {
  const command = new Command('start')
    .description('run Eddy: MQTT in, windowed aggregates to InfluxDB, live dashboard')
    .addOption(
      new Option('--mqtt <url>', 'external MQTT broker (default: start the embedded one)')
        .env('EDDY_MQTT')
        .argParser(parseUrl(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'])),
    )
    .addOption(
      new Option('--mqtt-port <port>', 'port of the embedded broker')
        .env('EDDY_MQTT_PORT')
        .argParser(parsePort)
        .default(START_DEFAULTS.mqttPort),
    )
    .addOption(
      new Option(
        '--mqtt-host <host>',
        'interface of the embedded broker (0.0.0.0 accepts devices from the network)',
      )
        .env('EDDY_MQTT_HOST')
        .default(START_DEFAULTS.mqttHost),
    )
    .addOption(
      new Option(
        '--simulate <devices>',
        'simulated devices (default 20 with the embedded broker, 0 with --mqtt)',
      )
        .env('EDDY_SIMULATE')
        .argParser(parseCount),
    )
    .addOption(
      new Option('--seed <n>', 'seed of the simulated fleet')
        .env('EDDY_SEED')
        .argParser(parseInteger)
        .default(START_DEFAULTS.seed),
    )
    .addOption(
      new Option(
        '--influx <url>',
        'InfluxDB 1.x URL with the database in the path, or "off" (default: local, started if needed)',
      )
        .env('EDDY_INFLUX')
        .argParser(parseInflux),
    )
    .addOption(
      new Option('--port <port>', 'HTTP port of the API and dashboard')
        .env('EDDY_PORT')
        .argParser(parsePort)
        .default(START_DEFAULTS.port),
    )
    .addOption(new Option('--host <host>', 'HTTP interface').env('EDDY_HOST').default(START_DEFAULTS.host))
    .addOption(
      new Option('--data-dir <dir>', "Eddy's files (a started InfluxDB's data)")
        .env('EDDY_DATA_DIR')
        .default(START_DEFAULTS.dataDir),
    )
    .addOption(
      new Option(
        '--job <file>',
        'a job file (YAML) to run instead of the default job (see README, "Job files")',
      ).env('EDDY_JOB'),
    )
    .addOption(
      new Option('--window <duration>', 'tumbling window size of the default job')
        .env('EDDY_WINDOW')
        .argParser(parseDurationOption)
        .default(START_DEFAULTS.windowMs, '10s'),
    )
    .addOption(
      new Option('--out-of-orderness <duration>', 'how late a reading may arrive and still count')
        .env('EDDY_OUT_OF_ORDERNESS')
        .argParser(parseDurationOption)
        .default(START_DEFAULTS.outOfOrdernessMs, '2s'),
    )
    .addOption(
      new Option('--quiet-period <duration>', 'after this much silence the last windows close anyway')
        .env('EDDY_QUIET_PERIOD')
        .argParser(parseDurationOption)
        .default(START_DEFAULTS.quietPeriodMs, '30s'),
    )
    .addOption(
      new Option(
        '--max-future <duration>',
        'readings stamped further ahead of the clock go to the dead letters (off: no bound; default 5m)',
      )
        .env('EDDY_MAX_FUTURE')
        .argParser(parseBound),
    )
    .addOption(
      new Option(
        '--max-past <duration>',
        'readings stamped further behind the clock go to the dead letters (default off: replays are welcome)',
      )
        .env('EDDY_MAX_PAST')
        .argParser(parseBound),
    )
    .addOption(
      new Option(
        '--state-ttl <duration>',
        "drop a device's (series') model and detector state after this long without a reading, in event time; off: keep every key (default 24h; a job file's state.ttl wins)",
      )
        .env('EDDY_STATE_TTL')
        .argParser(parseBound),
    )
    .addOption(
      new Option(
        '--parallelism <n>',
        'worker threads running the keyed windows (1: everything in one thread); MQTT and sinks stay in the main thread',
      )
        .env('EDDY_PARALLELISM')
        .argParser(parseParallelism)
        .default(START_DEFAULTS.parallelism),
    )
    .addOption(
      new Option(
        '--checkpoint-dir <dir>',
        'where checkpoints are kept (default: <data-dir>/checkpoints)',
      ).env('EDDY_CHECKPOINT_DIR'),
    )
    .addOption(
      new Option('--checkpoint-interval <duration>', 'time between checkpoints; 0 or off takes none')
        .env('EDDY_CHECKPOINT_INTERVAL')
        .argParser(parseIntervalOption)
        .default(START_DEFAULTS.checkpointIntervalMs, '5s'),
    )
    .addOption(
      new Option('--from-savepoint <path>', 'start from this savepoint instead of the latest checkpoint').env(
        'EDDY_FROM_SAVEPOINT',
      ),
    )
    .addOption(
      new Option(
        '--allow-non-restored-state',
        'restore even if the checkpoint holds state of operators the job no longer has (that state is dropped)',
      ).env('EDDY_ALLOW_NON_RESTORED_STATE'),
    )
    .addOption(
      new Option(
        '--savepoint-dir <dir>',
        'where savepoints are written (default: <data-dir>/savepoints)',
      ).env('EDDY_SAVEPOINT_DIR'),
    )
    .addOption(
      new Option(
        '--mqtt-client-id <id>',
        "client id of Eddy's persistent session with an external broker (default: eddy-<job name>-<hash of the checkpoint dir>)",
      ).env('EDDY_MQTT_CLIENT_ID'),
    )
    .addOption(
      new Option(
        '--mqtt-auth',
        'embedded broker: only registered devices connect, each publishing under its own topic only',
      ).env('EDDY_MQTT_AUTH'),
    );
  return withSecurityOptions(command)
    .addOption(
      new Option(
        '--influx-spill-limit <size>',
        'disk each InfluxDB sink may spill to (<data-dir>/spill) while InfluxDB lags or is down, e.g. 1GiB, or off (default: 1GiB)',
      )
        .env('EDDY_INFLUX_SPILL_LIMIT')
        .argParser((value: string) => {
          try {
            return parseSpillLimit(value);
          } catch (error) {
            throw new InvalidArgumentError((error as Error).message);
          }
        }),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .env('EDDY_LOG_LEVEL')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
        .default('info'),
    )
    .action(async (flags: StartFlags, command: Command) => {
      const logger = createLogger({ level: flags.logLevel });
      let job: JobSpec | undefined;
      if (flags.job !== undefined) {
        const shaping = DEFAULT_JOB_FLAGS.filter(([key]) => {
          const from = command.getOptionValueSource(key);
          return from !== undefined && from !== 'default';
        });
        if (shaping.length > 0) {
          process.stderr.write(
            `${shaping.map(([, flag]) => flag).join(', ')} shape${shaping.length === 1 ? 's' : ''} the default job only: ` +
              `with --job, set windows and time in ${flags.job}\n`,
          );
          process.exitCode = 1;
          return;
        }
        try {
          job = withDefaultStateTtl(await loadJobFile(flags.job), flags.stateTtl);
        } catch (error) {
          if (!(error instanceof JobFileError)) throw error;
          process.stderr.write(`${error.message}\n`);
          process.exitCode = 1;
          return;
        }
      }
      const options: StartOptions & DeviceStartOptions & SecurityStartOptions = {
        ...securityStartOptions(flags),
        ...(flags.mqtt === undefined ? {} : { mqttUrl: flags.mqtt }),
        mqttPort: flags.mqttPort,
        mqttHost: flags.mqttHost,
        simulate: flags.simulate ?? (flags.mqtt === undefined ? START_DEFAULTS.simulate : 0),
        seed: flags.seed,
        ...(flags.influx === undefined ? {} : { influx: flags.influx }),
        port: flags.port,
        host: flags.host,
        dataDir: flags.dataDir,
        ...(job === undefined ? {} : { job }),
        windowMs: flags.window,
        outOfOrdernessMs: flags.outOfOrderness,
        quietPeriodMs: flags.quietPeriod,
        ...(flags.maxFuture === undefined ? {} : { maxFutureMs: flags.maxFuture }),
        ...(flags.maxPast === undefined ? {} : { maxPastMs: flags.maxPast }),
        ...(flags.stateTtl === undefined ? {} : { stateTtlMs: flags.stateTtl }),
        parallelism: flags.parallelism,
        checkpointIntervalMs: flags.checkpointInterval,
        ...(flags.checkpointDir === undefined ? {} : { checkpointDir: flags.checkpointDir }),
        ...(flags.savepointDir === undefined ? {} : { savepointDir: flags.savepointDir }),
        ...(flags.fromSavepoint === undefined ? {} : { fromSavepoint: flags.fromSavepoint }),
        ...(flags.allowNonRestoredState ? { allowNonRestoredState: true } : {}),
        ...(flags.mqttClientId === undefined ? {} : { mqttClientId: flags.mqttClientId }),
        ...(flags.mqttAuth ? { mqttAuth: true } : {}),
        ...(flags.influxSpillLimit === undefined ? {} : { influxSpillLimit: flags.influxSpillLimit }),
      };
      let eddy: RunningEddy;
      try {
        eddy = await startEddy(options, logger);
      } catch (error) {
        logger.fatal(redactUrlsInText((error as Error).message)); // a library's message may hold a URL
        process.exitCode = 1;
        return;
      }
      logger.info({ dashboard: eddy.apiUrl, mqtt: eddy.mqttUrl }, `Eddy is running: open ${eddy.apiUrl}`);
      await stopOnSignal(eddy, logger);
    });
}

/**
 * Ctrl-C / SIGTERM: stop cleanly and exit 0 (with checkpoints on, a final checkpoint first: held
 * MQTT messages acknowledged, sinks flushed, nothing replayed by the next start); a second signal
 * exits at once.
 */
function stopOnSignal(eddy: RunningEddy, logger: ReturnType<typeof createLogger>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) {
        logger.warn(`${signal} again: exiting without waiting`);
        process.exit(130);
      }
      stopping = true;
      logger.info(`${signal}: stopping (final checkpoint, flushing results)`);
      eddy
        .stop()
        .then(() => logger.info('stopped'))
        .catch((error) => {
          logger.error({ err: error }, 'stop failed');
          process.exitCode = 1;
        })
        .finally(resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    void eddy.stopRequested.then(onSignal);
    eddy.job.finished.catch(() => {
      process.exitCode = 1;
      onSignal('SIGTERM');
    });
  });
}
