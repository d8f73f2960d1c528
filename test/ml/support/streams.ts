import type { ClassLabel, Features } from '../../../ml/core/features.ts';
import { createRandom } from '../../../services/common/random.ts';

/**
 * One example of a stream, whatever the estimator: `x` for models over features, `y` the target
 * (a number for regressors and forecasters, a label for classifiers, the planted cluster or unused
 * otherwise), `ts` the observation time for forecasters (which read only `y` and `ts`).
 */
export interface Example {
  readonly x: Features;
  readonly y?: number | ClassLabel;
  readonly ts?: number;
}

/** A linear stream `y = weights·x + intercept (+ noise)`, `x_i ~ N(0, 1)` named `x0, x1, ...`. */
export function linearStream(
  options: {
    n?: number;
    seed?: number;
    weights?: readonly number[];
    intercept?: number;
    noise?: number;
  } = {},
): Example[] {
  const { n = 300, seed = 1, weights = [2, -3, 0.5], intercept = 1, noise = 0 } = options;
  const random = createRandom(seed);
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    const x: Record<string, number> = {};
    let y = intercept;
    weights.forEach((w, j) => {
      const v = random.normal();
      x[`x${j}`] = v;
      y += w * v;
    });
    out.push({ x, y: y + (noise > 0 ? random.normal(0, noise) : 0) });
  }
  return out;
}

/**
 * Two Gaussian blobs in `dims` dimensions, centred at `-separation/2` and `+separation/2` on every
 * axis, labelled `labels[0]` and `labels[1]`, alternating at random.
 */
export function blobsStream(
  options: {
    n?: number;
    seed?: number;
    dims?: number;
    separation?: number;
    labels?: readonly [ClassLabel, ClassLabel];
  } = {},
): Example[] {
  const { n = 300, seed = 2, dims = 3, separation = 3, labels = [0, 1] } = options;
  const random = createRandom(seed);
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    const k = random.int(2);
    const x: Record<string, number> = {};
    for (let j = 0; j < dims; j++) x[`f${j}`] = (k === 0 ? -1 : 1) * (separation / 2) + random.normal();
    out.push({ x, y: labels[k]! });
  }
  return out;
}

/** Default planted centres for {@link clusterStream}. */
export const plantedCentres: readonly Features[] = [
  { a: 0, b: 0 },
  { a: 10, b: 10 },
  { a: -10, b: 10 },
];

/** Points around planted centres (`y` = the centre's index), drawn in random order. */
export function clusterStream(
  options: { n?: number; seed?: number; centres?: readonly Features[]; spread?: number } = {},
): Example[] {
  const { n = 300, seed = 3, centres = plantedCentres, spread = 1 } = options;
  const random = createRandom(seed);
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    const k = random.int(centres.length);
    const x: Record<string, number> = {};
    for (const [name, c] of Object.entries(centres[k]!)) x[name] = c + random.normal(0, spread);
    out.push({ x, y: k });
  }
  return out;
}

/**
 * A sensor series with daily seasonality: `level + amplitude·sin(2π·t/day) + noise`, one point every
 * `stepMs` from `startTs` (x is empty: forecasters read `y` and `ts`).
 */
export function seasonalStream(
  options: {
    n?: number;
    seed?: number;
    startTs?: number;
    stepMs?: number;
    periodMs?: number;
    level?: number;
    amplitude?: number;
    noise?: number;
  } = {},
): Example[] {
  const {
    n = 24 * 6,
    seed = 4,
    startTs = Date.UTC(2024, 0, 1),
    stepMs = 3_600_000,
    periodMs = 86_400_000,
    level = 20,
    amplitude = 5,
    noise = 0.2,
  } = options;
  const random = createRandom(seed);
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    const ts = startTs + i * stepMs;
    const y =
      level + amplitude * Math.sin((2 * Math.PI * (ts - startTs)) / periodMs) + random.normal(0, noise);
    out.push({ x: {}, y, ts });
  }
  return out;
}
