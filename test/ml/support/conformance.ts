import { describe, expect, it } from 'vitest';
import type { Classifier, Forecaster, Regressor } from '../../../ml/core/estimator.ts';
import type { ModelSpec } from '../../../ml/core/model-spec.ts';
import { createRandom } from '../../../services/common/random.ts';
import { allFinite, defaultParams, drive, firstDifference, prequential } from './drive.ts';
import type { Example } from './streams.ts';

export { defaultParams, drive, firstDifference, prequential } from './drive.ts';
export type { Example } from './streams.ts';
export { blobsStream, clusterStream, linearStream, plantedCentres, seasonalStream } from './streams.ts';

/** Options of {@link estimatorConformance}. */
export interface ConformanceOptions {
  /** Hyperparameters over the spec's defaults. */
  readonly params?: Readonly<Record<string, number | boolean | string>>;
  /** Relative tolerance when only the order of the features changes (sums in another order). */
  readonly featureOrderTolerance?: number;
  /** Title of the `describe` block (default: the spec's name). */
  readonly title?: string;
}

/**
 * The contract every estimator keeps (River's `check_estimator`, plus snapshots), as one vitest
 * `describe` block: call it from the model's own test file with its spec and a stream factory (a
 * fresh array each call, at least 20 examples; see the generators in `./streams.ts`).
 *
 * @example
 * estimatorConformance(linearRegressionSpec, () => linearStream({ n: 200 }));
 */
export function estimatorConformance(
  spec: ModelSpec,
  stream: () => Example[],
  options: ConformanceOptions = {},
): void {
  const params = defaultParams(spec, options.params);
  const fresh = () => drive(spec, spec.create(params));
  const tolerance = options.featureOrderTolerance ?? 1e-9;

  describe(`${options.title ?? spec.name} conforms to the estimator contract`, () => {
    it('has a kind and JSON-safe params, from the params it was built with', () => {
      const { estimator } = fresh();
      expect(typeof estimator.kind).toBe('string');
      expect(estimator.kind.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(estimator.params))).toEqual(estimator.params);
      for (const [key, value] of Object.entries(params)) expect(estimator.params[key], key).toEqual(value);
    });

    it('clone() gives an unfitted twin with the same params', () => {
      const examples = stream();
      const half = Math.floor(examples.length / 2);
      const fitted = fresh();
      prequential(fitted, examples.slice(0, half));
      const twin = fitted.estimator.clone();
      expect(twin).not.toBe(fitted.estimator);
      expect(twin.kind).toBe(fitted.estimator.kind);
      expect(twin.params).toEqual(fitted.estimator.params);
      const fromClone = prequential(drive(spec, twin), examples);
      const fromScratch = prequential(fresh(), examples);
      expect(firstDifference(fromClone, fromScratch)).toBeUndefined();
    });

    it('is deterministic: two instances with the same params fed the same stream agree', () => {
      const a = prequential(fresh(), stream());
      const b = prequential(fresh(), stream());
      expect(firstDifference(a, b)).toBeUndefined();
    });

    it('gives its defaults before any learning', () => {
      const examples = stream();
      const first = examples[0]!;
      const { estimator } = fresh();
      switch (spec.type) {
        case 'regressor': {
          const y = (estimator as Regressor).predictOne(first.x);
          expect(Number.isFinite(y)).toBe(true);
          break;
        }
        case 'classifier': {
          const m = estimator as Classifier;
          expect(m.predictOne(first.x)).toBeUndefined();
          expect(m.predictProbaOne(first.x).size).toBe(0);
          break;
        }
        case 'clusterer':
          expect(fresh().output(first)).toBe(0);
          break;
        case 'transformer':
          expect(allFinite(fresh().output(first))).toBe(true);
          break;
        case 'forecaster':
          expect((estimator as Forecaster).forecast([first.ts!])).toEqual([]);
          break;
      }
    });

    if (spec.type !== 'forecaster') {
      it('does not depend on the order of the features', () => {
        const examples = stream();
        const random = createRandom(99);
        const shuffled = examples.map((e) => ({ ...e, x: shuffleKeys(e.x, random) }));
        const a = prequential(fresh(), examples);
        const b = prequential(fresh(), shuffled);
        expect(firstDifference(a, b, tolerance)).toBeUndefined();
      });

      it('takes new and missing features in its stride, with finite outputs', () => {
        const examples = stream();
        const half = Math.floor(examples.length / 2);
        const changing = examples.map((e, i) => {
          const x: Record<string, number> = { ...e.x };
          if (i >= half) x[`late_${i % 3}`] = ((i % 7) - 3) / 2;
          if (i % 3 === 1) delete x[Object.keys(x)[0]!];
          if (i % 11 === 5) for (const k of Object.keys(x)) delete x[k];
          return { ...e, x };
        });
        const outputs = prequential(fresh(), changing);
        expect(outputs.every(allFinite)).toBe(true);
        if (spec.type === 'classifier') {
          expect(outputs.slice(half).every((o) => (o as { label: unknown }).label !== null)).toBe(true);
        }
      });
    }

    it('snapshot -> JSON -> restore into a clone predicts identically on the rest of the stream', () => {
      const examples = stream();
      const half = Math.floor(examples.length / 2);
      const original = fresh();
      prequential(original, examples.slice(0, half));
      const snapshot = original.estimator.snapshot();
      const text = JSON.stringify(snapshot);
      expect(snapshot.kind).toBe(original.estimator.kind);
      expect(Number.isInteger(snapshot.version)).toBe(true);
      expect(snapshot.params).toEqual(original.estimator.params);
      const json = JSON.parse(text);
      expect(firstDifference(json, snapshot)).toBeUndefined();

      const restored = drive(spec, original.estimator.clone());
      restored.estimator.restore(json);
      const rest = examples.slice(half);
      const a = prequential(original, rest);
      const b = prequential(restored, rest);
      expect(firstDifference(a, b)).toBeUndefined();
      expect(JSON.stringify(snapshot), 'the snapshot is a copy, not the live state').toBe(text);
      expect(firstDifference(original.estimator.snapshot(), restored.estimator.snapshot())).toBeUndefined();
    });

    it('refuses a snapshot of another kind or version', () => {
      const examples = stream();
      const original = fresh();
      prequential(original, examples.slice(0, 5));
      const snapshot = JSON.parse(JSON.stringify(original.estimator.snapshot()));
      const target = original.estimator.clone();
      expect(() => target.restore({ ...snapshot, kind: `${snapshot.kind}-other` })).toThrow(/other|kind/i);
      expect(() => target.restore({ ...snapshot, version: snapshot.version + 1 })).toThrow(/version/);
    });
  });
}

function shuffleKeys(
  x: Readonly<Record<string, number>>,
  random: ReturnType<typeof createRandom>,
): Record<string, number> {
  const keys = Object.keys(x);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return Object.fromEntries(keys.map((k) => [k, x[k]!]));
}
