import { createRandom } from '../../services/common/random.ts';

/** A benchmark reading: one shape, keys interned (no string building on the measured path). */
export interface BenchReading {
  readonly key: string;
  readonly ts: number;
  readonly value: number;
}

/**
 * `count` readings over `keys` keys, one reading per key per `periodMs` of event time, each
 * delayed by up to `maxDisorderMs` (uniform), so the stream is out of order within that bound.
 * Seeded: the same arguments give the same stream.
 */
export function syntheticReadings(options: {
  count: number;
  keys: number;
  periodMs?: number;
  maxDisorderMs?: number;
  seed?: number;
  start?: number;
}): BenchReading[] {
  const {
    count,
    keys,
    periodMs = 1_000,
    maxDisorderMs = 2_000,
    seed = 7,
    start = 1_700_000_000_000,
  } = options;
  const random = createRandom(seed);
  const names = Array.from({ length: keys }, (_, i) => `device-${i}/temperature`);
  const readings: BenchReading[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const tick = Math.floor(i / keys);
    const ts =
      start + tick * periodMs + Math.floor(((i % keys) * periodMs) / keys) - random.int(maxDisorderMs + 1);
    readings[i] = { key: names[i % keys]!, ts, value: 20 + 5 * Math.sin(ts / 3_600_000) + random.next() };
  }
  return readings;
}
