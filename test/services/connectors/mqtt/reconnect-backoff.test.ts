import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import {
  DEFAULT_RECONNECT_BACKOFF,
  ReconnectBackoff,
} from '../../../../services/connectors/mqtt/reconnect-backoff.ts';

describe('ReconnectBackoff', () => {
  it('doubles the wait after each failed attempt up to the cap, and starts over once connected', () => {
    const backoff = new ReconnectBackoff({ baseMs: 500, maxMs: 4_000, jitter: 0 }, createRandom(1));
    expect(backoff.firstDelay()).toBe(500);
    const waits = [1, 2, 3, 4, 5].map(() => backoff.nextDelay());
    expect(waits).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(backoff.attempts).toBe(5);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.firstDelay()).toBe(500);
    expect(backoff.nextDelay()).toBe(1_000);
  });

  it('jitters each wait within [1 - jitter, 1] of its nominal value, reproducibly for a seed', () => {
    const schedule = (seed: number) => {
      const backoff = new ReconnectBackoff(DEFAULT_RECONNECT_BACKOFF, createRandom(seed));
      return [backoff.firstDelay(), ...Array.from({ length: 9 }, () => backoff.nextDelay())];
    };
    const waits = schedule(7);
    expect(schedule(7)).toEqual(waits);
    expect(schedule(8)).not.toEqual(waits);
    const nominal = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000];
    waits.forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(nominal[i]! / 2);
      expect(wait).toBeLessThanOrEqual(nominal[i]!);
    });
  });

  it('refuses bad settings, naming the one at fault', () => {
    expect(() => new ReconnectBackoff({ baseMs: 0, maxMs: 10, jitter: 0 }, createRandom(1))).toThrow(
      'backoff baseMs must be > 0, got 0',
    );
    expect(() => new ReconnectBackoff({ baseMs: 100, maxMs: 10, jitter: 0 }, createRandom(1))).toThrow(
      'backoff maxMs must be >= baseMs (100), got 10',
    );
  });
});
