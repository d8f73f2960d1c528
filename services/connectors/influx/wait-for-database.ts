import type { Logger } from '../../common/logger.ts';
import type { Random } from '../../common/random.ts';
import type { Clock } from '../../engine/time/clock.ts';
import { classifyWriteFailure, describeWriteFailure } from './influx-write-failure.ts';
import { type BackoffOptions, backoffDelay } from './retry-backoff.ts';

export interface WaitForDatabaseOptions {
  /** Checks that the database exists and creates it if not (see `ensureInfluxDatabase`). */
  readonly ensureDatabase: () => Promise<void>;
  readonly clock: Clock;
  readonly random: Random;
  readonly backoff: BackoffOptions;
  /** Retries before giving up (`Infinity` to wait for as long as it takes). */
  readonly maxRetries: number;
  /** Stops waiting (the promise rejects) when aborted, e.g. by `close()`. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** For log lines and errors: the sink's name and where it writes (no password). */
  readonly name: string;
  readonly endpoint: string;
  /** Called before each retry with what went wrong (for counters). */
  readonly onRetry?: (description: string) => void;
}

/**
 * Runs `ensureDatabase` until it succeeds, retrying with backoff (and a warning line naming the
 * cause each time) while InfluxDB is unreachable, overloaded or timing out. An answer that waiting
 * will not change (wrong credentials, no right to create databases, a bad name) rejects at once
 * with an error that says what to check.
 *
 * @example
 * await waitForDatabase({ ensureDatabase: () => ensureInfluxDatabase(client, 'eddy'), clock: systemClock,
 *   random: createRandom(1), backoff: DEFAULT_BACKOFF, maxRetries: Infinity,
 *   signal: new AbortController().signal, logger, name: 'influx', endpoint: 'http://127.0.0.1:8086/eddy' });
 */
export async function waitForDatabase(options: WaitForDatabaseOptions): Promise<void> {
  const { name, endpoint, logger } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      await options.ensureDatabase();
      if (attempt > 1) logger.info({ sink: name, endpoint }, `${name}: reached ${endpoint}`);
      return;
    } catch (error) {
      const failure = classifyWriteFailure(error);
      const description = describeWriteFailure(failure);
      if (failure.kind !== 'transient' || failure.status === 401 || failure.status === 403) {
        throw new Error(
          `${name}: cannot check or create ${endpoint} (${description}). Check the user and password in ` +
            'the InfluxDB URL, and that this user may create databases (or ask an admin to create it).',
          { cause: error },
        );
      }
      if (options.signal.aborted || attempt > options.maxRetries) {
        throw new Error(`${name}: gave up waiting for ${endpoint} (${description})`, { cause: error });
      }
      const delayMs = backoffDelay(attempt, options.random, options.backoff);
      options.onRetry?.(description);
      logger.warn(
        { sink: name, endpoint, attempt, delayMs },
        `${name}: ${endpoint} is not reachable (${description}); is influxd running? Retrying in ${delayMs} ms`,
      );
      await sleep(options.clock, delayMs, options.signal);
    }
  }
}

/** Resolves after `delayMs` on `clock`, or at once when `signal` aborts. */
function sleep(clock: Clock, delayMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimeout(done, delayMs);
    signal.addEventListener('abort', done, { once: true });
  });
}
