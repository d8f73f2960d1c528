import type { Random } from '../../common/random.ts';

/** How long to wait before each retry: exponential from `baseMs`, capped at `maxMs`, jittered. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** Cap of the delay, before jitter. */
  readonly maxMs: number;
  /** Fraction of the delay drawn at random, in [0, 1]: 0.5 waits between half and all of it. */
  readonly jitter: number;
}

/** 200 ms, 400 ms, 800 ms, … up to 10 s, each shortened by up to half at random. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 200, maxMs: 10_000, jitter: 0.5 };

/**
 * The delay before retry number `retry` (1 for the first retry): `min(maxMs, baseMs * 2^(retry-1))`,
 * multiplied by a factor in `(1 - jitter, 1]` drawn from `random` (one draw per call, so a seeded
 * generator gives a reproducible schedule). Jitter keeps many writers from retrying in lockstep.
 *
 * @example
 * const plain = { baseMs: 200, maxMs: 10_000, jitter: 0 };
 * [1, 2, 3, 7, 8].map((n) => backoffDelay(n, createRandom(1), plain)); // [200, 400, 800, 10000, 10000]
 */
export function backoffDelay(
  retry: number,
  random: Random,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  if (!(retry >= 1)) throw new RangeError(`retry numbers start at 1, got ${retry}`);
  const exponent = Math.min(retry - 1, 52);
  const nominal = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const factor = 1 - options.jitter * random.next();
  return Math.max(1, Math.round(nominal * factor));
}

/** Checks user-supplied backoff options, with a message naming the bad one. */
export function validateBackoff(options: BackoffOptions): BackoffOptions {
  const { baseMs, maxMs, jitter } = options;
  if (!(baseMs > 0)) throw new RangeError(`backoff baseMs must be > 0, got ${baseMs}`);
  if (!(maxMs >= baseMs)) throw new RangeError(`backoff maxMs must be >= baseMs (${baseMs}), got ${maxMs}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`backoff jitter must be in [0, 1], got ${jitter}`);
  return options;
}
