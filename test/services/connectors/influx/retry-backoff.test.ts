import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  validateBackoff,
} from '../../../../services/connectors/influx/retry-backoff.ts';

describe('backoffDelay', () => {
  it('doubles from 200 ms and caps at 10 s without jitter', () => {
    const plain = { ...DEFAULT_BACKOFF, jitter: 0 };
    const random = createRandom(1);
    const delays = Array.from({ length: 10 }, (_, i) => backoffDelay(i + 1, random, plain));
    expect(delays).toEqual([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000, 10_000]);
  });

  it('jitters each delay into (half, all] of the nominal one, reproducibly for a seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    for (let retry = 1; retry <= 12; retry++) {
      const nominal = Math.min(10_000, 200 * 2 ** (retry - 1));
      const delay = backoffDelay(retry, a);
      expect(delay).toBe(backoffDelay(retry, b));
      expect(delay).toBeGreaterThanOrEqual(nominal / 2);
      expect(delay).toBeLessThanOrEqual(nominal);
    }
  });

  it('stays finite for huge retry numbers', () => {
    expect(backoffDelay(10_000, createRandom(3), { ...DEFAULT_BACKOFF, jitter: 0 })).toBe(10_000);
  });

  it('rejects retry numbers below 1 and bad options', () => {
    expect(() => backoffDelay(0, createRandom(1))).toThrow(/start at 1/);
    expect(() => validateBackoff({ baseMs: 0, maxMs: 1, jitter: 0 })).toThrow(/baseMs/);
    expect(() => validateBackoff({ baseMs: 10, maxMs: 5, jitter: 0 })).toThrow(/maxMs/);
    expect(() => validateBackoff({ baseMs: 10, maxMs: 50, jitter: 2 })).toThrow(/jitter/);
  });
});
