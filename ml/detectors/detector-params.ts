import type { ParamSpec } from '../core/model-spec.ts';
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

/**
 * Turns `key=value` strings (CLI, job file, API) into the typed hyperparameters `spec.create`
 * takes: each parsed by its {@link ParamSpec}, checked against bounds and choices, and every
 * parameter not given set to its default. An unknown key, or a value that does not parse or fit,
 * throws a {@link DetectorRegistryError} naming the parameter and what it accepts. (The same rules
 * as the model registry's `parseModelParams`.)
 *
 * @example
 * parseDetectorParams(rollingZScoreSpec, { window: '50' });
 * // { feature: 'value', window: 50, threshold: 3, warmup: 30 }
 */
export function parseDetectorParams(
  spec: DetectorSpec,
  raw: Readonly<Record<string, string>>,
): Record<string, DetectorParamValue> {
  const params: Record<string, DetectorParamValue> = {};
  for (const [key, p] of Object.entries(spec.params)) params[key] = p.default;
  for (const [key, text] of Object.entries(raw)) {
    const p = Object.hasOwn(spec.params, key) ? spec.params[key] : undefined;
    if (!p) {
      throw new DetectorRegistryError(
        'EDDY_UNKNOWN_DETECTOR_PARAM',
        `${spec.name} has no parameter "${key}"; ${describeDetectorParams(spec)}`,
      );
    }
    params[key] = parseParam(spec.name, key, p, text);
  }
  return params;
}

/**
 * The spec's parameters, one a line with type, default, range and description, e.g.
 * `  window (integer >= 2, default 100): Values the statistics cover.`
 *
 * @example
 * describeDetectorParams(stuckSensorSpec); // 'its parameters are:\n  feature (string, default value): ...'
 */
export function describeDetectorParams(spec: DetectorSpec): string {
  const entries = Object.entries(spec.params);
  if (entries.length === 0) return `${spec.name} takes no parameters`;
  const lines = entries.map(
    ([key, p]) => `  ${key} (${describeType(p)}, default ${describeDefault(p)}): ${p.description}`,
  );
  return `its parameters are:\n${lines.join('\n')}`;
}

function describeType(p: ParamSpec): string {
  if (p.choices) return `one of ${p.choices.join(', ')}`;
  return `${p.type}${describeRange(p)}`;
}

function describeRange(p: ParamSpec): string {
  const lower = p.min === Number.MIN_VALUE ? '> 0' : p.min !== undefined ? `>= ${p.min}` : undefined;
  if (lower && p.max !== undefined)
    return p.min === Number.MIN_VALUE ? ` > 0 and <= ${p.max}` : ` from ${p.min} to ${p.max}`;
  if (lower) return ` ${lower}`;
  if (p.max !== undefined) return ` <= ${p.max}`;
  return '';
}

function describeDefault(p: ParamSpec): string {
  return p.default === '' ? '""' : String(p.default);
}

function parseParam(detector: string, key: string, p: ParamSpec, text: string): DetectorParamValue {
  const invalid = (expected: string) =>
    new DetectorRegistryError(
      'EDDY_INVALID_DETECTOR_PARAM',
      `${detector}: parameter ${key}: expected ${expected}, got "${text}" (${p.description.replace(/\.$/, '')})`,
    );
  switch (p.type) {
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw invalid('true or false');
    case 'string':
      if (p.choices && !p.choices.includes(text)) throw invalid(`one of ${p.choices.join(', ')}`);
      return text;
    case 'number':
    case 'integer': {
      const value = Number(text);
      const expected = `${p.type === 'integer' ? 'an integer' : 'a finite number'}${describeRange(p)}`;
      if (text.trim() === '' || !Number.isFinite(value)) throw invalid(expected);
      if (p.type === 'integer' && !Number.isSafeInteger(value)) throw invalid(expected);
      if ((p.min !== undefined && value < p.min) || (p.max !== undefined && value > p.max)) {
        throw invalid(expected);
      }
      return value;
    }
  }
}
