import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { EXPECTED, schemaAt } from './job-file-schema.ts';

/** A problem found by the schema, before it is given a position in the file. */
export interface PathProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Checks `value` against `schema` and says what is wrong in words a person who wrote the YAML
 * understands: `expected a duration such as 10s, got "ten"`, `unknown key (did you mean size?)`,
 * `missing (expected a duration such as 10s)`. `at` is where `value` sits in the whole file;
 * `what` names the kind of map for unknown keys at its top (`a tumbling window`).
 *
 * @example
 * schemaProblems(Type.Object({ size: Type.String() }, { additionalProperties: false }), { sise: '1s' }, ['windows', 0]);
 * // [{ path: ['windows', 0, 'sise'], message: 'unknown key (did you mean size? keys: size)' },
 * //  { path: ['windows', 0, 'size'], message: 'missing (expected text)' }]
 */
export function schemaProblems(
  schema: TSchema,
  value: unknown,
  at: readonly (string | number)[] = [],
  what?: string,
): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const error of Value.Errors(schema, value)) {
    const where = [...at, ...pointerToPath(error.instancePath)];
    const node = schemaAt(schema, error.schemaPath) ?? {};
    const actual = valueAt(value, error.instancePath);
    const expected = typeof node[EXPECTED] === 'string' ? (node[EXPECTED] as string) : undefined;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'boolean':
        break; // a key the map does not allow: reported by `additionalProperties` on the map
      case 'additionalProperties': {
        const allowed = Object.keys((node.properties as Record<string, unknown> | undefined) ?? {});
        for (const key of (params.additionalProperties as string[] | undefined) ?? []) {
          const kind = error.instancePath === '' ? what : undefined;
          problems.push({ path: [...where, key], message: unknownKey(key, allowed, kind) });
        }
        break;
      }
      case 'required': {
        const properties = (node.properties as Record<string, Record<string, unknown>> | undefined) ?? {};
        for (const key of (params.requiredProperties as string[] | undefined) ?? []) {
          if (actual !== null && typeof actual === 'object' && key in actual) continue;
          const wanted = properties[key]?.[EXPECTED];
          problems.push({
            path: [...where, key],
            message: typeof wanted === 'string' ? `missing (expected ${wanted})` : 'missing',
          });
        }
        break;
      }
      case 'type':
        problems.push({
          path: where,
          message: `expected ${expected ?? typeWords(params.type)}, got ${describe(actual)}`,
        });
        break;
      case 'pattern':
        problems.push({
          path: where,
          message: `expected ${expected ?? `text matching ${params.pattern}`}, got ${describe(actual)}`,
        });
        break;
      case 'enum':
        problems.push({
          path: where,
          message: `expected one of ${(params.allowedValues as unknown[]).join(', ')}, got ${describe(actual)}`,
        });
        break;
      case 'minItems':
        problems.push({
          path: where,
          message: `expected at least ${params.limit === 1 ? 'one item' : `${params.limit} items`}, got an empty list`,
        });
        break;
      case 'uniqueItems':
        for (const index of (params.duplicateItems as number[] | undefined) ?? []) {
          const item = Array.isArray(actual) ? actual[index] : undefined;
          problems.push({ path: [...where, index], message: `${describe(item)} is listed twice` });
        }
        break;
      case 'minLength':
        problems.push({ path: where, message: `expected ${expected ?? 'text'}, got an empty string` });
        break;
      case 'maxLength':
        problems.push({ path: where, message: `is longer than ${params.limit} characters` });
        break;
      default:
        problems.push({ path: where, message: error.message });
    }
  }
  return problems;
}

/** How a value is shown after "got": text quoted, maps and lists by kind, YAML's empty value as nothing. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

function typeWords(type: unknown): string {
  const words: Record<string, string> = {
    string: 'text',
    object: 'a map',
    array: 'a list',
    boolean: 'true or false',
    integer: 'a whole number',
    number: 'a number',
    null: 'nothing',
  };
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => words[String(t)] ?? String(t)).join(' or ');
}

/**
 * The candidates a misspelt `word` may have meant (at most two edits away, ignoring case).
 *
 * @example
 * similarWords('quietperiod', ['maxOutOfOrderness', 'quietPeriod']); // ['quietPeriod']
 */
export function similarWords(word: string, candidates: readonly string[]): string[] {
  return candidates.filter((candidate) => editDistance(word.toLowerCase(), candidate.toLowerCase()) <= 2);
}

function unknownKey(key: string, allowed: readonly string[], what: string | undefined): string {
  const close = similarWords(key, allowed);
  const hint = close.length > 0 ? `did you mean ${close.join(' or ')}? ` : '';
  return `unknown key${what === undefined ? '' : ` for ${what}`} (${hint}keys: ${allowed.join(', ')})`;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

function valueAt(value: unknown, pointer: string): unknown {
  let node = value;
  for (const key of pointerToPath(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Levenshtein distance, for "did you mean" (keys are short: the quadratic table is nothing). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
