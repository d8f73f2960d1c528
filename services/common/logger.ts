import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * The process logger: readable lines on a terminal, JSON lines otherwise (for log shippers);
 * `EDDY_LOG_FORMAT=json|pretty` forces one. Level from `EDDY_LOG_LEVEL` (default `info`).
 * Libraries take a logger as a parameter instead of creating one.
 */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const level = options.level ?? process.env.EDDY_LOG_LEVEL ?? 'info';
  const format = process.env.EDDY_LOG_FORMAT;
  const pretty =
    options.pretty ?? (format === 'pretty' || (format !== 'json' && process.stdout.isTTY === true));
  return pino({
    level,
    base: undefined,
    redact: { paths: ['password', '*.password', 'token', '*.token', 'url', '*.url'], censor: redactUrl },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}

/** A logger that drops everything (tests, library defaults). */
export const silentLogger: Logger = pino({ level: 'silent' });

function redactUrl(value: unknown, path: string[]): unknown {
  const last = path[path.length - 1];
  if (last === 'url' && typeof value === 'string') return stripCredentials(value);
  return '[redacted]';
}

/** `http://user:secret@host/db` → `http://user:***@host/db`. */
export function stripCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
