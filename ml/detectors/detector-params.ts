import { describeParams, type ParamErrorFactory, parseParams } from '../core/param-parsing.ts';
import type { DetectorParamValue, DetectorSpec } from './detector.ts';

/**
 * A detector name or hyperparameter the registry cannot use; the message says what is known or
 * allowed. Codes: `EDDY_UNKNOWN_DETECTOR`, `EDDY_UNKNOWN_DETECTOR_PARAM`, `EDDY_INVALID_DETECTOR_PARAM`.
 *
 * @example
 * try { findDetectorSpec('zscore'); } catch (e) { (e as DetectorRegistryError).code; } // 'EDDY_UNKNOWN_DETECTOR'
 */
export class DetectorRegistryError extends Error {
  override readonly name = 'DetectorRegistryError';

  constructor(
    readonly code: 'EDDY_UNKNOWN_DETECTOR' | 'EDDY_UNKNOWN_DETECTOR_PARAM' | 'EDDY_INVALID_DETECTOR_PARAM',
    message: string,
  ) {
    super(message);
  }
}

const detectorParamError: ParamErrorFactory = (problem, message) =>
  new DetectorRegistryError(
    problem === 'unknown' ? 'EDDY_UNKNOWN_DETECTOR_PARAM' : 'EDDY_INVALID_DETECTOR_PARAM',
    message,
  );

/**
 * Turns `key=value` strings (CLI, job file, API) into the typed hyperparameters `spec.create`
 * takes: each parsed by its `ParamSpec`, checked against bounds and choices, and every parameter
 * not given set to its default. An unknown key, or a value that does not parse or fit, throws a
 * {@link DetectorRegistryError} naming the parameter and what it accepts. (The model registry's
 * rules: both use `ml/core/param-parsing.ts`.)
 *
 * @example
 * parseDetectorParams(rollingZScoreSpec, { window: '50' });
 * // { feature: 'value', window: 50, threshold: 3, warmup: 30 }
 */
export function parseDetectorParams(
  spec: DetectorSpec,
  raw: Readonly<Record<string, string>>,
): Record<string, DetectorParamValue> {
  return parseParams(spec, raw, detectorParamError);
}

/**
 * The spec's parameters, one a line with type, default, range and description, e.g.
 * `  window (integer >= 2, default 100): Values the statistics cover.`
 *
 * @example
 * describeDetectorParams(stuckSensorSpec); // 'its parameters are:\n  feature (string, default value): ...'
 */
export function describeDetectorParams(spec: DetectorSpec): string {
  return describeParams(spec);
}
