import type { ParamSpec } from './model-spec.ts';

/** A hyperparameter's value once parsed: what a spec's `create` takes. */
export type ParamValue = number | boolean | string;

/**
 * What parameter parsing needs of a spec: its name (for messages) and its parameters. A
 * `ModelSpec` and a `DetectorSpec` are both one.
 *
 * @example
 * const specs: ParamSpecs = { name: 'ewma', params: { alpha: { type: 'number', default: 0.05, description: 'weight' } } };
 */
export interface ParamSpecs {
  readonly name: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
}

/**
 * Builds the error a registry throws: `unknown` for a key the spec does not have, `invalid` for a
 * value that does not parse or fit. Each registry keeps its own error class and codes.
 *
 * @example
 * const error: ParamErrorFactory = (problem, message) =>
 *   new ModelRegistryError(problem === 'unknown' ? 'EDDY_UNKNOWN_MODEL_PARAM' : 'EDDY_INVALID_MODEL_PARAM', message);
 */
export type ParamErrorFactory = (problem: 'unknown' | 'invalid', message: string) => Error;

/**
 * Turns `key=value` strings (CLI, job file, API) into typed hyperparameters: each value parsed by
 * its {@link ParamSpec} (`number`: a finite number; `integer`: a whole number; `boolean`: `true`
 * or `false`; `string`: as given), checked against its bounds and choices, and every parameter not
 * given set to its default. An unknown key, or a value that does not parse or fit, throws the
 * error `error` makes, naming the parameter and what it accepts.
 *
 * @example
 * parseParams(linearRegressionSpec, { learningRate: '0.05', intercept: 'false' }, modelError);
 * // { optimizer: 'sgd', learningRate: 0.05, l2: 0, intercept: false }
 */
export function parseParams(
  spec: ParamSpecs,
  raw: Readonly<Record<string, string>>,
  error: ParamErrorFactory,
): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const [key, p] of Object.entries(spec.params)) params[key] = p.default;
  for (const [key, text] of Object.entries(raw)) {
    const p = Object.hasOwn(spec.params, key) ? spec.params[key] : undefined;
    if (!p) throw error('unknown', `${spec.name} has no parameter "${key}"; ${describeParams(spec)}`);
    params[key] = parseParam(spec.name, key, p, text, error);
  }
  return params;
}

/**
 * The spec's parameters, one a line with type, default, range and description, e.g.
 * `  learningRate (number >= 0, default 0.01): Step size.`
 *
 * @example
 * describeParams(stuckSensorSpec); // 'its parameters are:\n  feature (string, default value): ...'
 */
export function describeParams(spec: ParamSpecs): string {
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

/** ` from 0 to 1`, ` >= 1`, ` > 0` (a minimum of `Number.MIN_VALUE`), ` > 0 and <= 1`, or nothing. */
function describeRange(p: ParamSpec): string {
  const positive = p.min === Number.MIN_VALUE;
  if (p.min !== undefined && p.max !== undefined)
    return positive ? ` > 0 and <= ${p.max}` : ` from ${p.min} to ${p.max}`;
  if (positive) return ' > 0';
  if (p.min !== undefined) return ` >= ${p.min}`;
  if (p.max !== undefined) return ` <= ${p.max}`;
  return '';
}

function describeDefault(p: ParamSpec): string {
  return p.default === '' ? '""' : String(p.default);
}

function parseParam(
  owner: string,
  key: string,
  p: ParamSpec,
  text: string,
  error: ParamErrorFactory,
): ParamValue {
  const invalid = (expected: string) =>
    error(
      'invalid',
      `${owner}: parameter ${key}: expected ${expected}, got "${text}" (${p.description.replace(/\.$/, '')})`,
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
