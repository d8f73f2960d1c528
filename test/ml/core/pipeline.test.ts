import { describe, expect, it } from 'vitest';
import { pipeline, pipelineSpec } from '../../../ml/core/pipeline.ts';
import { LinearRegression, linearRegressionSpec } from '../../../ml/models/linear-regression.ts';
import { MinMaxScaler } from '../../../ml/models/min-max-scaler.ts';
import { passiveAggressiveClassifierSpec } from '../../../ml/models/passive-aggressive-classifier.ts';
import { StandardScaler, standardScalerSpec } from '../../../ml/models/standard-scaler.ts';
import { blobsStream, estimatorConformance, linearStream } from '../support/conformance.ts';

const scalerSpec = standardScalerSpec as typeof standardScalerSpec & { type: 'transformer' };

estimatorConformance(pipelineSpec(scalerSpec, linearRegressionSpec), () =>
  linearStream({ n: 200, noise: 0.1 }),
);
estimatorConformance(pipelineSpec(scalerSpec, passiveAggressiveClassifierSpec), () =>
  blobsStream({ n: 200 }),
);

describe('pipeline', () => {
  it("learns River's way: the transformer learns x, then the model learns the transformed x", () => {
    const scaler = new StandardScaler();
    const model = new LinearRegression({ learningRate: 0.5 });
    const p = pipeline(scaler.clone(), model.clone());
    const examples = linearStream({ n: 20, seed: 3 });
    for (const e of examples) {
      p.learnOne(e.x, e.y as number);
      scaler.learnOne(e.x);
      model.learnOne(scaler.transformOne(e.x), e.y as number);
    }
    const x = { x0: 0.3, x1: -1, x2: 2 };
    expect(p.predictOne(x)).toBe(model.predictOne(scaler.transformOne(x)));
  });

  it('predicting does not learn', () => {
    const p = pipeline(new StandardScaler(), new LinearRegression());
    p.learnOne({ a: 1 }, 1);
    p.learnOne({ a: 3 }, 2);
    const before = JSON.stringify(p.snapshot());
    p.predictOne({ a: 100 });
    expect(JSON.stringify(p.snapshot())).toBe(before);
  });

  it('names both steps in its kind and params', () => {
    const p = pipeline(new MinMaxScaler(), new LinearRegression({ l2: 0.1 }));
    expect(p.kind).toBe('min-max-scaler|linear-regression');
    expect(p.params).toEqual({
      'linear-regression.optimizer': 'sgd',
      'linear-regression.learningRate': 0.01,
      'linear-regression.l2': 0.1,
      'linear-regression.intercept': true,
    });
  });

  it("refuses a snapshot of another pipeline or of another step's params", () => {
    const a = pipeline(new StandardScaler(), new LinearRegression());
    const b = pipeline(new MinMaxScaler(), new LinearRegression());
    const c = pipeline(new StandardScaler(), new LinearRegression({ l2: 1 }));
    expect(() => b.restore(a.snapshot())).toThrow(/cannot restore/);
    expect(() => c.restore(a.snapshot())).toThrow(/hyperparameters/);
  });

  it('the spec prefixes each step’s params with its name', () => {
    const spec = pipelineSpec(scalerSpec, linearRegressionSpec);
    expect(spec.name).toBe('standard-scaler|linear-regression');
    expect(spec.type).toBe('regressor');
    expect(Object.keys(spec.params)).toContain('standard-scaler.withMean');
    expect(Object.keys(spec.params)).toContain('linear-regression.l2');
  });
});
