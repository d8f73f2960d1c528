import type { Random } from '../../common/random.ts';
import { type BackoffOptions, backoffDelay, validateBackoff } from '../influx/retry-backoff.ts';

/**
 * Default delays between reconnection attempts to the MQTT broker: 500 ms, 1 s, 2 s, … up to 30 s,
 * each shortened by up to half at random (so that many Eddys do not hammer a restarted broker in
 * lockstep).
 */
export const DEFAULT_RECONNECT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, jitter: 0.5 };

/**
 * The waits between reconnection attempts of one MQTT connection: capped exponential with jitter
 * ({@link backoffDelay}), starting over once a connection succeeds. Pure: the caller decides what
 * waits (mqtt.js's reconnect timer, see `superviseReconnects`).
 *
 * @example
 * const backoff = new ReconnectBackoff({ baseMs: 500, maxMs: 4_000, jitter: 0 }, createRandom(1));
 * backoff.firstDelay(); // 500: the wait after the connection is lost
 * backoff.nextDelay();  // 1000: attempt 1 failed
 * backoff.nextDelay();  // 2000
 * backoff.nextDelay();  // 4000 (capped)
 * backoff.reset();      // connected again: attempts = 0
 */
export class ReconnectBackoff {
  private failed = 0;

  constructor(
    readonly options: BackoffOptions,
    private readonly random: Random,
  ) {
    validateBackoff(options);
  }

  /** Attempts made since the last successful connection. */
  get attempts(): number {
    return this.failed;
  }

  /** The wait before the first attempt after a connection is lost (attempt counter at 0). */
  firstDelay(): number {
    return backoffDelay(1, this.random, this.options);
  }

  /** One more attempt is being made: returns the wait before the one after it, should this one fail. */
  nextDelay(): number {
    this.failed++;
    return backoffDelay(this.failed + 1, this.random, this.options);
  }

  /** Connected: the next loss starts from `baseMs` again. */
  reset(): void {
    this.failed = 0;
  }
}
