import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../ml/core/model-spec.ts';
import { MODEL_SPECS } from '../../ml/models/registry.ts';
import {
  blobsStream,
  clusterStream,
  type Example,
  estimatorConformance,
  linearStream,
  seasonalStream,
} from './support/conformance.ts';
import { initTestTensorFlow } from './tf/tf-test-support.ts';

/**
 * The conformance suite over every registered model, each with a stream of its type, so that no
 * estimator escapes the contract (the models' own test files may run it with more streams and
 * parameters). The neural models (those with micro-batch training parameters) get short streams:
 * the suite is synchronous, so their deferred training rounds do not run inside it anyway.
 */

const HOUR = 3_600_000;
const modelsDir = fileURLToPath(new URL('../../ml/models/', import.meta.url));

/** Trains in TensorFlow.js micro-batches (the parameters of ml/tf/network-training.ts). */
function isNeural(spec: ModelSpec): boolean {
  return 'everySamples' in spec.params && 'batchSize' in spec.params;
}

/** A stream fitting the spec's type, and the parameters that make the model use it. */
function conformanceCase(spec: ModelSpec): {
  stream: () => Example[];
  params: Record<string, number | boolean | string>;
} {
  const n = isNeural(spec) ? 60 : 200;
  // Neural models: no training timer on the system clock (rounds by sample count only).
  const params: Record<string, number | boolean | string> = isNeural(spec) ? { everyMs: 0 } : {};
  switch (spec.type) {
    case 'regressor':
      return { stream: () => linearStream({ n, noise: 0.1 }), params };
    case 'classifier':
      return { stream: () => blobsStream({ n }), params };
    case 'clusterer':
      return { stream: () => clusterStream({ n }), params };
    case 'transformer':
      return { stream: () => linearStream({ n }), params };
    case 'forecaster':
      // Hourly points over four days: forecasters bucketing by `stepMs` bucket by the hour, and
      // those with a `window` of past values see a few windows' worth.
      if ('stepMs' in spec.params) params.stepMs = HOUR;
      if ('window' in spec.params) params.window = 8;
      return { stream: () => seasonalStream({ n: isNeural(spec) ? n : 24 * 4, stepMs: HOUR }), params };
  }
}

beforeAll(initTestTensorFlow);

for (const spec of MODEL_SPECS) {
  const { stream, params } = conformanceCase(spec);
  estimatorConformance(spec, stream, { params, title: `registered model ${spec.name} (${spec.type})` });
}

describe('the model registry', () => {
  it('lists every spec exported by a file of ml/models/ (and its folders)', async () => {
    const files = readdirSync(modelsDir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && f !== 'registry.ts',
    );
    const exported: ModelSpec[] = [];
    for (const file of files) {
      const module = (await import(`${modelsDir}${file}`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (name.endsWith('Spec') && isSpec(value)) exported.push(value);
      }
    }
    expect(exported.length).toBeGreaterThanOrEqual(16);
    const missing = exported.filter((spec) => !MODEL_SPECS.includes(spec)).map((s) => s.name);
    expect(missing, 'specs exported by ml/models/*.ts but not in MODEL_SPECS').toEqual([]);
  });
});

function isSpec(value: unknown): value is ModelSpec {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<ModelSpec>;
  return typeof v.name === 'string' && typeof v.type === 'string' && typeof v.create === 'function';
}
