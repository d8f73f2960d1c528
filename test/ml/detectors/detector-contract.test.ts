import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAutoencoderModel } from '../../../ml/detectors/autoencoder-model.ts';
import type { DetectorSpec } from '../../../ml/detectors/detector.ts';
import { DETECTOR_SPECS } from '../../../ml/detectors/registry.ts';
import { type DetectorContractOptions, detectorContract } from './support/detector-contract.ts';
import { correlationStream } from './support/planted-streams.ts';

/**
 * The contract suite over every registered detector with its defaults, each on the planted stream
 * of the anomalies it is built for (spikes; flatlines for the stuck-sensor detector; gaps, scored
 * at its timers, for the dropout detector). The autoencoder trains in TensorFlow.js rounds off the
 * per-record path: as the model conformance suite does for neural models, it gets short streams,
 * no training timer (rounds by record count) and its rounds awaited every 16 records, so that they
 * fall at the same records in every run.
 */

const detectorsDir = fileURLToPath(new URL('../../../ml/detectors/', import.meta.url));

const OPTIONS: Readonly<Record<string, DetectorContractOptions>> = {
  autoencoder: {
    params: { everyMs: '0', everySamples: '16', warmup: '20', window: '100' },
    stream: () => correlationStream({ n: 300, cleanPrefix: 100, rate: 0.05 }),
    settleEvery: 16,
  },
};

beforeAll(loadAutoencoderModel, 60_000);

for (const spec of DETECTOR_SPECS) detectorContract(spec, OPTIONS[spec.name]);

describe('the detector registry', () => {
  it('lists every spec exported by a file of ml/detectors/, sorted by unique name', async () => {
    const files = readdirSync(detectorsDir).filter((f) => f.endsWith('.ts') && f !== 'registry.ts');
    const exported: DetectorSpec[] = [];
    for (const file of files) {
      const module = (await import(`${detectorsDir}${file}`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (name.endsWith('Spec') && isDetectorSpec(value)) exported.push(value);
      }
    }
    expect(exported.length).toBeGreaterThanOrEqual(8);
    const missing = exported.filter((spec) => !DETECTOR_SPECS.includes(spec)).map((s) => s.name);
    expect(missing, 'specs exported by ml/detectors/*.ts but not in DETECTOR_SPECS').toEqual([]);
    const names = DETECTOR_SPECS.map((s) => s.name);
    expect(names).toEqual([...new Set(names)].sort());
  });

  it('gives every univariate detector a `feature` parameter defaulting to `value`', () => {
    for (const spec of DETECTOR_SPECS.filter((s) => s.input === 'univariate')) {
      expect(spec.params.feature?.default, spec.name).toBe('value');
    }
  });
});

function isDetectorSpec(value: unknown): value is DetectorSpec {
  return (
    typeof value === 'object' && value !== null && 'create' in value && 'detects' in value && 'input' in value
  );
}
