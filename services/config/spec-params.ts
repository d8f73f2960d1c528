import type { ParamSpec } from '../../ml/core/model-spec.ts';
import { type ParamSpecs, type ParamValue, parseParams } from '../../ml/core/param-parsing.ts';
import { describe, type PathProblem, similarWords } from './schema-problems.ts';

/** A value the registry's parsing refused (its message names the parameter and what it accepts). */
class ParamProblem extends Error {}

/**
 * A job file's `params` of one model or detector, checked against its spec: every name one of its
 * parameters (an unknown one names them all), every value of the parameter's type as YAML writes
 * it (`0.1`, `12`, `true`, `adam`), then its bounds and choices as the registries check them
 * (`parseParams`, shared by models and detectors). Returns the parameters given, typed (absent
 * ones are left to the spec's defaults); problems are added to `problems`, each at `at` + the
 * parameter's name.
 *
 * @example
 * specParams(holtWintersSpec, { alpha: 0.2, stepMs: 1000 }, ['models', 0, 'params'], problems);
 * // { alpha: 0.2, stepMs: 1000 }
 * specParams(rollingZScoreSpec, { window: 1 }, ['detectors', 0, 'params'], problems);
 * // problems: [{ path: [..., 'window'], message: 'expected an integer >= 2, got 1 (...)' }]
 */
export function specParams(
  spec: ParamSpecs,
  given: Readonly<Record<string, unknown>>,
  at: readonly (string | number)[],
  problems: PathProblem[],
): Record<string, ParamValue> {
  const names = Object.keys(spec.params);
  const params: Record<string, ParamValue> = {};
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
        message: `expected ${paramTypeWords(p)}, got ${describe(value)} (${describeParam(p)})`,
      });
      continue;
    }
    const text = String(value);
    try {
      params[name] = parseParams(spec, { [name]: text }, (_, message) => new ParamProblem(message))[name]!;
    } catch (error) {
      if (!(error instanceof ParamProblem)) throw error;
      const prefix = `${spec.name}: parameter ${name}: `;
      const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
      problems.push({ path, message: message.replace(`got "${text}"`, `got ${describe(value)}`) });
    }
  }
  return params;
}

function hasParamType(p: ParamSpec, value: unknown): value is ParamValue {
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

function describeParam(p: ParamSpec): string {
  return p.description.replace(/\.$/, '');
}
