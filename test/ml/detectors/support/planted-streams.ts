import type { Features } from '../../../../ml/core/features.ts';
import { createRandom } from '../../../../services/common/random.ts';

/** One record of a test stream: features, event time, and whether it was planted as anomalous. */
export interface LabelledRecord {
  readonly x: Features;
  readonly ts: number;
  readonly label: 0 | 1;
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
/** 2024-01-01T00:00:00Z: streams start at midnight UTC. */
export const START = Date.UTC(2024, 0, 1);

/** Options shared by the generators. */
export interface StreamOptions {
  readonly n?: number;
  readonly seed?: number;
  /** Time between records. */
  readonly stepMs?: number;
  /** No anomalies are planted before this index (the detectors' warm-up). */
  readonly cleanPrefix?: number;
}

/**
 * A device's two metrics every 5 minutes: `value` = 20 + 5·sin(2π·time of day) + N(0, 1) and
 * `aux` = 50 - 2·(its daily swing) + N(0, 1) (the two move together). About `rate` of the records
 * after `cleanPrefix` get a spike on `value` of ±(6..10) noise std, labelled 1.
 *
 * @example
 * const records = spikesStream({ n: 2880 }); // ten days
 */
export function spikesStream(options: StreamOptions & { rate?: number } = {}): LabelledRecord[] {
  const { n = 2880, seed = 1, stepMs = 5 * MINUTE, cleanPrefix = 400, rate = 0.01 } = options;
  const random = createRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const ts = START + i * stepMs;
    const swing = 5 * Math.sin((2 * Math.PI * (ts % DAY)) / DAY);
    const spike = i >= cleanPrefix && random.chance(rate);
    const size = spike ? (random.chance(0.5) ? 1 : -1) * (6 + 4 * random.next()) : 0;
    const x = { value: 20 + swing + random.normal() + size, aux: 50 - 2 * swing + random.normal() };
    return { x, ts, label: spike ? 1 : 0 };
  });
}

/**
 * A noisy `value` (as {@link spikesStream}, no spikes) in which, after `cleanPrefix`, about every
 * `every` records the sensor sticks for `length` records at its last reading; the stuck records
 * after the first are labelled 1 (the first is a genuine reading).
 */
export function flatlineStream(
  options: StreamOptions & { every?: number; length?: number } = {},
): LabelledRecord[] {
  const { n = 2880, seed = 2, stepMs = 5 * MINUTE, cleanPrefix = 100, every = 200, length = 20 } = options;
  const random = createRandom(seed);
  const out: LabelledRecord[] = [];
  let stuckFor = 0;
  let stuckAt = 0;
  for (let i = 0; i < n; i++) {
    const ts = START + i * stepMs;
    const reading = 20 + 5 * Math.sin((2 * Math.PI * (ts % DAY)) / DAY) + random.normal();
    if (stuckFor === 0 && i >= cleanPrefix && random.chance(1 / every)) {
      stuckFor = length;
      stuckAt = reading;
      out.push({ x: { value: reading }, ts, label: 0 });
      stuckFor -= 1;
      continue;
    }
    if (stuckFor > 0) {
      stuckFor -= 1;
      out.push({ x: { value: stuckAt }, ts, label: 1 });
      continue;
    }
    out.push({ x: { value: reading }, ts, label: 0 });
  }
  return out;
}

/**
 * Two metrics that move together, `a` ~ N(0, 3) and `b` = 2·a + N(0, 0.5), where about `rate` of
 * the records after `cleanPrefix` break the relation (`b` = -2·a + noise): each metric keeps its
 * usual distribution (b ~ N(0, 6) either way), only the pair is unusual.
 */
export function correlationStream(options: StreamOptions & { rate?: number } = {}): LabelledRecord[] {
  const { n = 2880, seed = 3, stepMs = 5 * MINUTE, cleanPrefix = 400, rate = 0.02 } = options;
  const random = createRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const a = random.normal(0, 3);
    const broken = i >= cleanPrefix && Math.abs(a) > 2 && random.chance(rate);
    const b = (broken ? -2 : 2) * a + random.normal(0, 0.5);
    return { x: { a, b }, ts: START + i * stepMs, label: broken ? 1 : 0 };
  });
}

/**
 * The metrics of {@link spikesStream} without spikes, both shifted up by `shift` (in noise std)
 * from record `at` on: a level shift, for checking that detectors adapt.
 */
export function levelShiftStream(
  options: StreamOptions & { at?: number; shift?: number } = {},
): LabelledRecord[] {
  const { n = 4000, at = 2000, shift = 10 } = options;
  return spikesStream({ ...options, n, rate: 0 }).map((r, i) =>
    i < at ? r : { ...r, x: { value: r.x.value! + shift, aux: r.x.aux! + shift } },
  );
}

/**
 * A noisy `value` every `stepMs` (10 s by default) with ±10 % jitter, where after `cleanPrefix`
 * about every `every` records the series falls silent for 5 to 30 intervals (those records are
 * left out); the record that ends a gap is labelled 1 (its silence was the anomaly).
 */
export function gapStream(options: StreamOptions & { every?: number } = {}): LabelledRecord[] {
  const { n = 2880, seed = 4, stepMs = 10_000, cleanPrefix = 100, every = 150 } = options;
  const random = createRandom(seed);
  const out: LabelledRecord[] = [];
  let ts = START;
  let gapEnds = false;
  for (let i = 0; i < n; i++) {
    ts += stepMs * (0.9 + 0.2 * random.next());
    if (i >= cleanPrefix && random.chance(1 / every)) {
      ts += stepMs * (5 + random.int(26));
      gapEnds = true;
    }
    out.push({ x: { value: 20 + random.normal() }, ts: Math.round(ts), label: gapEnds ? 1 : 0 });
    gapEnds = false;
  }
  return out;
}
