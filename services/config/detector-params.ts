import type { ParamSpec } from '../../ml/core/model-spec.ts';
import type { DetectorParamValue, DetectorSpec } from '../../ml/detectors/detector.ts';
import { DetectorRegistryError, parseDetectorParams } from '../../ml/detectors/registry.ts';
import { describe, type PathProblem, similarWords } from './schema-problems.ts';

/**
 * A job file's `params` of one detector, checked against the detector's spec: every name one of
 * its parameters (an unknown one names them all), every value of the parameter's type as YAML
 * writes it (`0.1`, `12`, `true`, `value`), then its bounds and choices as the registry checks
 * them (`parseDetectorParams`). Returns the parameters given, typed (absent ones are left to the
 * spec's defaults); problems are added to `problems`, each at `at` + the parameter's name.
 *
 * @example
 * detectorParams(rollingZScoreSpec, { window: 50 }, ['detectors', 0, 'params'], problems); // { window: 50 }
 * detectorParams(rollingZScoreSpec, { window: 1 }, ['detectors', 0, 'params'], problems);
 * // problems: [{ path: [..., 'window'], message: 'expected an integer >= 2, got 1 (...)' }]
 */
export function detectorParams(
  spec: DetectorSpec,
  given: Readonly<Record<string, unknown>>,
  at: readonly (string | number)[],
  problems: PathProblem[],
): Record<string, DetectorParamValue> {
  const names = Object.keys(spec.params);
  const params: Record<string, DetectorParamValue> = {};
  for (const [name, value] of Object.entries(given)) {
    const path = [...at, name];
    const p = Object.hasOwn(spec.params, name) ? spec.params[name] : undefined;
    if (p === undefined) {
      const close = similarWords(name, names);
      const hint = close.length > 0 ? `did you mean ${close.join(' or ')}? ` : '';
      const known = names.length > 0 ? `parameters: ${names.join(', ')}` : 'it takes none';
      problems.push({ path, message: `unknown parameter of ${spec.name} (${hint}${known})` });
      continue;
    }
    if (!hasParamType(p, value)) {
      problems.push({
        path,
        message: `expected ${paramTypeWords(p)}, got ${describe(value)} (${p.description.replace(/\.$/, '')})`,
      });
      continue;
    }
    const text = String(value);
    try {
      params[name] = parseDetectorParams(spec, { [name]: text })[name]!;
    } catch (error) {
      if (!(error instanceof DetectorRegistryError)) throw error;
      const prefix = `${spec.name}: parameter ${name}: `;
      const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
      problems.push({ path, message: message.replace(`got "${text}"`, `got ${describe(value)}`) });
    }
  }
  return params;
}

function hasParamType(p: ParamSpec, value: unknown): value is DetectorParamValue {
  switch (p.type) {
    case 'number':
    case 'integer':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
  }
}

function paramTypeWords(p: ParamSpec): string {
  if (p.choices) return `one of ${p.choices.join(', ')}`;
  const words = { number: 'a number', integer: 'a whole number', boolean: 'true or false', string: 'text' };
  return words[p.type];
}
