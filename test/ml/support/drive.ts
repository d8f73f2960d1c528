import type { OnlineEstimator } from '../../../ml/core/estimator.ts';
import type { ClassLabel } from '../../../ml/core/features.ts';
import type { EstimatorType, ModelSpec } from '../../../ml/core/model-spec.ts';
import type { Example } from './streams.ts';

/** Hyperparameters of `spec` at their defaults, with `overrides` on top. */
export function defaultParams(
  spec: ModelSpec,
  overrides: Readonly<Record<string, number | boolean | string>> = {},
): Record<string, number | boolean | string> {
  const params: Record<string, number | boolean | string> = {};
  for (const [key, p] of Object.entries(spec.params)) params[key] = p.default;
  return { ...params, ...overrides };
}

/**
 * One estimator of any type behind the same two calls, so a test can drive every model alike:
 * `output(example)` is what the model says about it before learning it (a prediction, the class
 * probabilities, the transformed features, the forecast at `example.ts`), as plain JSON;
 * `learn(example)` feeds it.
 */
export interface Driven {
  readonly type: EstimatorType;
  readonly estimator: OnlineEstimator;
  learn(example: Example): void;
  output(example: Example): unknown;
}

/** Wraps `estimator` (built from `spec`) in a {@link Driven}. */
export function drive(spec: ModelSpec, estimator: OnlineEstimator): Driven {
  switch (spec.type) {
    case 'regressor': {
      const m = estimator as ReturnType<typeof spec.create>;
      return {
        type: spec.type,
        estimator,
        learn: (e) => m.learnOne(e.x, e.y as number),
        output: (e) => m.predictOne(e.x),
      };
    }
    case 'classifier': {
      const m = estimator as ReturnType<typeof spec.create>;
      return {
        type: spec.type,
        estimator,
        learn: (e) => m.learnOne(e.x, e.y as ClassLabel),
        output: (e) => ({
          label: m.predictOne(e.x) ?? null,
          proba: [...m.predictProbaOne(e.x)].sort(([a], [b]) => String(a).localeCompare(String(b))),
        }),
      };
    }
    case 'clusterer': {
      const m = estimator as ReturnType<typeof spec.create>;
      return { type: spec.type, estimator, learn: (e) => m.learnOne(e.x), output: (e) => m.predictOne(e.x) };
    }
    case 'transformer': {
      const m = estimator as ReturnType<typeof spec.create>;
      return {
        type: spec.type,
        estimator,
        learn: (e) => m.learnOne(e.x),
        output: (e) => sortedEntries(m.transformOne(e.x)),
      };
    }
    case 'forecaster': {
      const m = estimator as ReturnType<typeof spec.create>;
      return {
        type: spec.type,
        estimator,
        learn: (e) => m.learnOne(e.y as number, e.ts!),
        output: (e) => m.forecast([e.ts!]),
      };
    }
  }
}

/** Test-then-train over `stream`: the output for each example before learning it. */
export function prequential(driven: Driven, stream: readonly Example[]): unknown[] {
  return stream.map((e) => {
    const out = driven.output(e);
    driven.learn(e);
    return out;
  });
}

function sortedEntries(x: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Compares two outputs: same shape, same strings/booleans/nulls, numbers within `tolerance`
 * relative (0 = exactly `===`, so `-0` equals `0`). Returns the path of the first difference, or
 * `undefined` when they agree.
 */
export function firstDifference(a: unknown, b: unknown, tolerance = 0, path = '$'): string | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return undefined;
    const scale = Math.max(1, Math.abs(a), Math.abs(b));
    return Math.abs(a - b) <= tolerance * scale ? undefined : `${path}: ${a} != ${b}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} != ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], tolerance, `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join('\u0000') !== kb.join('\u0000')) return `${path}: keys ${ka} != ${kb}`;
    for (const k of ka) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        tolerance,
        `${path}.${k}`,
      );
      if (d) return d;
    }
    return undefined;
  }
  return a === b ? undefined : `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
}

/** True when every number in `value` (deeply) is finite. */
export function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}
