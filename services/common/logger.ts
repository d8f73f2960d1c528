import { type DestinationStream, type Logger, pino } from 'pino';
import { censorLogValue, LOG_REDACT_PATHS } from './redact.ts';

export { stripCredentials } from './redact.ts';
export type { Logger };

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Default `EDDY_LOG_LEVEL`, else `info`. */
  readonly level?: string;
  /** Readable lines instead of JSON. Default: `EDDY_LOG_FORMAT`, else whether stdout is a terminal. */
  readonly pretty?: boolean;
  /** Where JSON lines go (tests capture them). Default stdout. Not used with `pretty`. */
  readonly destination?: DestinationStream;
}

/**
 * The process logger: readable lines on a terminal, JSON lines otherwise (for log shippers);
 * `EDDY_LOG_FORMAT=json|pretty` forces one. Level from `EDDY_LOG_LEVEL` (default `info`).
 * Libraries take a logger as a parameter instead of creating one.
 *
 * Secrets never reach a line: fields named `password`, `token`, `apiToken`, `authorization`,
 * `cookie`, `secret` (top level or one level down, and request headers) become `[redacted]`, and
 * URL fields (`url`, `where`, `endpoint`, `mqtt`, `dashboard`, `influx`) lose their password and
 * secret query parameters (see `services/common/redact.ts`).
 *
 * @example
 * const logger = createLogger({ level: 'debug' });
 * logger.info({ url: 'http://eddy:s3cret@db:8086/eddy' }, 'InfluxDB'); // url: http://eddy:***@db:8086/eddy
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? process.env.EDDY_LOG_LEVEL ?? 'info';
  const format = process.env.EDDY_LOG_FORMAT;
  const pretty =
    options.pretty ?? (format === 'pretty' || (format !== 'json' && process.stdout.isTTY === true));
  const settings = {
    level,
    base: undefined,
    redact: { paths: [...LOG_REDACT_PATHS], censor: censorLogValue },
  };
  if (pretty) return pino({ ...settings, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** A logger that drops everything (tests, library defaults). */
export const silentLogger: Logger = pino({ level: 'silent' });
