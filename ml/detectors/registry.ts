import { autoencoderSpec } from './autoencoder.ts';
import type { AnomalyDetector, DetectorSpec } from './detector.ts';
import { DetectorRegistryError, parseDetectorParams } from './detector-params.ts';
import { dropoutSpec } from './dropout.ts';
import { ewmaSpec } from './ewma.ts';
import { forecastResidualSpec } from './forecast-residual.ts';
import { halfSpaceTreesSpec } from './half-space-trees.ts';
import { mahalanobisSpec } from './mahalanobis.ts';
import { medianMadSpec } from './median-mad.ts';
import { rateOfChangeSpec } from './rate-of-change.ts';
import { rollingZScoreSpec } from './rolling-z-score.ts';
import { seasonalResidualSpec } from './seasonal-residual.ts';
import { stuckSensorSpec } from './stuck-sensor.ts';

export { DetectorRegistryError, describeDetectorParams, parseDetectorParams } from './detector-params.ts';

/**
 * Every anomaly detector Eddy can build by name, sorted by name (job files, the API, the CLI).
 * Each detector file exports its spec; `test/ml/detectors/detector-contract.test.ts` checks that
 * none is missing here and runs the contract suite over all of them. No TensorFlow.js here: the
 * autoencoder detector imports it lazily (`autoencoder-model.ts`), when the first one is built.
 */
export const DETECTOR_SPECS: readonly DetectorSpec[] = [
  autoencoderSpec,
  dropoutSpec,
  ewmaSpec,
  forecastResidualSpec,
  halfSpaceTreesSpec,
  mahalanobisSpec,
  medianMadSpec,
  rateOfChangeSpec,
  rollingZScoreSpec,
  seasonalResidualSpec,
  stuckSensorSpec,
];

/**
 * The spec registered as `name`; an unknown name throws a {@link DetectorRegistryError} listing the
 * known ones.
 *
 * @example
 * findDetectorSpec('stuck-sensor').detects; // ['flatline']
 */
export function findDetectorSpec(
  name: string,
  specs: readonly DetectorSpec[] = DETECTOR_SPECS,
): DetectorSpec {
  const spec = specs.find((s) => s.name === name);
  if (!spec) {
    throw new DetectorRegistryError(
      'EDDY_UNKNOWN_DETECTOR',
      `unknown detector "${name}"; the detectors are: ${specs.map((s) => s.name).join(', ')}`,
    );
  }
  return spec;
}

/**
 * Builds the detector registered as `name` from `key=value` strings ({@link parseDetectorParams}).
 *
 * @example
 * const d = createDetector('median-mad', { window: '60', feature: 'temperature' });
 */
export function createDetector(
  name: string,
  raw: Readonly<Record<string, string>> = {},
  specs: readonly DetectorSpec[] = DETECTOR_SPECS,
): AnomalyDetector {
  const spec = findDetectorSpec(name, specs);
  return spec.create(parseDetectorParams(spec, raw));
}
