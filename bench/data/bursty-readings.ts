import { createRandom } from '../../services/common/random.ts';
import type { BenchReading } from './synthetic-readings.ts';

/**
 * Readings of `keys` keys that come in bursts: each key reports once per second for `burstMs`,
 * then stays silent for `silenceMs` (each key with its own phase), every reading delayed by up to
 * `maxDisorderMs`. With a session gap between `maxDisorderMs` and `silenceMs - maxDisorderMs`,
 * every burst is exactly one session. Stops at `count` readings. Seeded.
 */
export function burstyReadings(options: {
  count: number;
  keys: number;
  burstMs?: number;
  silenceMs?: number;
  maxDisorderMs?: number;
  seed?: number;
  start?: number;
}): BenchReading[] {
  const {
    count,
    keys,
    burstMs = 60_000,
    silenceMs = 60_000,
    maxDisorderMs = 2_000,
    seed = 7,
    start = 1_700_000_000_000,
  } = options;
  const random = createRandom(seed);
  const names = Array.from({ length: keys }, (_, i) => `device-${i}/temperature`);
  const cycle = burstMs + silenceMs;
  const readings: BenchReading[] = [];
  for (let tick = 0; readings.length < count; tick++) {
    for (let k = 0; k < keys && readings.length < count; k++) {
      const nominal = tick * 1_000 + Math.floor((k * 1_000) / keys);
      const phase = Math.floor((k * cycle) / keys / 1_000) * 1_000;
      if ((nominal + phase) % cycle >= burstMs) continue;
      const ts = start + nominal - random.int(maxDisorderMs + 1);
      readings.push({ key: names[k]!, ts, value: 20 + 5 * Math.sin(ts / 3_600_000) + random.next() });
    }
  }
  return readings;
}
