import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../../../ml/core/model-spec.ts';
import { GLOBAL_MODEL_NAMES, globalLearningFor } from '../../../../ml/models/global/registry.ts';
import { holtWintersSpec } from '../../../../ml/models/holt-winters.ts';
import { findModelSpec } from '../../../../ml/models/registry.ts';
import { fullModelParams } from '../../../../ml/operators/model-handle.ts';
import { blobsStream, clusterStream, linearStream } from '../../support/streams.ts';
import { applyRound, type Ex, roughly } from './simulate-rounds.ts';

/** A stream each kind of model can learn from (k-means: enough to initialise in round 1). */
function streamFor(spec: ModelSpec): Ex[] {
  if (spec.type === 'classifier') return blobsStream({ n: 90, seed: 3 }) as Ex[];
  if (spec.type === 'clusterer') return clusterStream({ n: 90, seed: 3 }).map(({ x }) => ({ x }));
  return linearStream({ n: 90, seed: 3 }) as Ex[];
}

/** The contract of every global learning, run on each model that supports it. */
describe.each(GLOBAL_MODEL_NAMES)('global learning contract: %s', (name) => {
  const spec = findModelSpec(name);
  const params = fullModelParams({
    spec,
    params: spec.name === 'online-kmeans' ? { k: 3, globalBatchSize: 8 } : {},
  });
  const learning = globalLearningFor(spec, params);
  const [a, b, c] = [0, 1, 2].map((i) => streamFor(spec).slice(i * 30, (i + 1) * 30));

  /** A partial of `examples` against a replica of `model`. */
  const partialOf = (model = spec.create(params), examples: readonly Ex[] = []) => {
    const partial = learning.emptyPartial();
    for (const { x, y } of examples) learning.addExample(partial, model, x, y);
    return partial;
  };

  it('saves a partial as JSON-safe plain data that loads back to the same partial', () => {
    const saved = learning.savePartial(partialOf(undefined, a));
    const json = JSON.parse(JSON.stringify(saved));
    expect(json).toEqual(saved);
    expect(learning.savePartial(learning.loadPartial(json))).toEqual(saved);
  });

  it('merges associatively: (a + b) + c and a + (b + c) make the same update', () => {
    const warm = spec.create(params);
    applyRound(learning, warm, [a!, b!]); // a model with a version, for the replicas
    const update = (grouping: 'left' | 'right') => {
      const [pa, pb, pc] = [a!, b!, c!].map((examples) => partialOf(warm, examples));
      if (grouping === 'left') {
        learning.mergePartials(pa!, pb!);
        learning.mergePartials(pa!, pc!);
      } else {
        learning.mergePartials(pb!, pc!);
        learning.mergePartials(pa!, pb!);
      }
      const model = spec.create(params);
      model.restore(warm.snapshot());
      learning.applyPartial(model, pa!);
      return model.snapshot();
    };
    expect(update('left')).toEqual(roughly(update('right')));
  });

  it('leaves the partial it merges from as it was', () => {
    const from = partialOf(undefined, b);
    const before = learning.savePartial(from);
    learning.mergePartials(partialOf(undefined, a), from);
    expect(learning.savePartial(from)).toEqual(before);
  });
});

describe('globalLearningFor', () => {
  it('supports the models Flink ML learns online globally and those that merge exactly', () => {
    expect(GLOBAL_MODEL_NAMES).toEqual([
      'standard-scaler',
      'gaussian-naive-bayes',
      'online-kmeans',
      'logistic-regression',
      'linear-regression',
    ]);
  });

  it('refuses another model, naming those that learn globally', () => {
    expect(() => globalLearningFor(holtWintersSpec, {})).toThrow(
      'holt-winters cannot learn globally: global models are standard-scaler, gaussian-naive-bayes, online-kmeans, ' +
        'logistic-regression, linear-regression; learn it per key (learnAndPredict) instead',
    );
  });
});
