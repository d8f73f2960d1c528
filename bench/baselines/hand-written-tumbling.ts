import type { BenchReading } from '../data/synthetic-readings.ts';

interface Acc {
  start: number;
  count: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

/**
 * The baseline: what a careful programmer writes by hand for keyed tumbling windows over
 * out-of-order data: a `Map` from key to its open windows' accumulators, a watermark, and a sweep
 * that emits closed windows whenever the watermark passes a window end (windows are aligned, so
 * nothing can close in between). No framework, no state abstraction, no checkpointable layout.
 * Returns the number of windows emitted.
 */
export function handWrittenTumbling(
  readings: readonly BenchReading[],
  sizeMs: number,
  boundMs: number,
): number {
  const open = new Map<string, Acc[]>();
  let maxTs = Number.NEGATIVE_INFINITY;
  let emitted = 0;
  /** Windows ending at or before `sweptBucket * sizeMs` were emitted. */
  let sweptBucket = Number.NEGATIVE_INFINITY;
  const sweep = (watermark: number) => {
    for (const accs of open.values()) {
      for (let i = accs.length - 1; i >= 0; i--) {
        if (accs[i]!.start + sizeMs - 1 <= watermark) {
          emitted++;
          accs.splice(i, 1);
        }
      }
    }
  };
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    const start = r.ts - (r.ts % sizeMs);
    let accs = open.get(r.key);
    if (accs === undefined) {
      accs = [];
      open.set(r.key, accs);
    }
    let acc: Acc | undefined;
    for (let j = 0; j < accs.length; j++) if (accs[j]!.start === start) acc = accs[j];
    if (acc === undefined) {
      acc = { start, count: 0, mean: 0, m2: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
      accs.push(acc);
    }
    // the statistics the engine's job computes (count, mean, min, max, stddev): Welford's update
    const x = r.value;
    const count = ++acc.count;
    const delta = x - acc.mean;
    acc.mean += delta / count;
    acc.m2 += delta * (x - acc.mean);
    if (r.value < acc.min) acc.min = r.value;
    if (r.value > acc.max) acc.max = r.value;
    if (r.ts > maxTs) maxTs = r.ts;
    if ((i & 1023) === 1023) {
      const watermark = maxTs - boundMs - 1;
      const bucket = Math.floor((watermark + 1) / sizeMs);
      if (bucket > sweptBucket) {
        sweep(watermark);
        sweptBucket = bucket;
      }
    }
  }
  sweep(Number.MAX_SAFE_INTEGER);
  return emitted;
}
