import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';

/**
 * fast-check arbitraries for hostile job files: valid jobs (the README's example, the shipped
 * default job, small generated ones) and the same jobs with a value swapped for a hostile one.
 * Text-level damage (alias bombs, tags, duplicate keys, cuts, garbage) is in job-text-damage.ts.
 *
 * @example
 * fc.sample(mutatedJobText(), 1); // e.g. [ 'name: plant-stats\nwindows:\n  - type: tumbling\n    size: -5s\n…' ]
 */

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Job files'));
const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
const readmeExample = blocks[0] ?? '';
const readmeModels = blocks.find((block) => block.startsWith('models:')) ?? '';
const defaultJob = readFileSync(new URL('../../services/jobs/default-job.yaml', import.meta.url), 'utf8');

/** Job files that are valid as they are (checked by the fuzz test itself). */
export const SEED_JOB_TEXTS: readonly string[] = [
  readmeExample,
  `${readmeExample}\n${readmeModels}`,
  defaultJob,
];

/** Set by the code a hostile tag would run, if anything ever ran it. */
export const PWNED = '__eddyFuzzPwned';

const duration = (): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: 1, max: 600 }), fc.constantFrom('ms', 's', 'm', 'h'))
    .map(([n, unit]) => `${n}${unit}`);

const window = (): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof(
    fc.record({
      type: fc.constant('tumbling'),
      size: fc.constantFrom('1s', '10s', '1m', '5m', '1h'),
      aggregates: fc.subarray(['count', 'sum', 'mean', 'min', 'max', 'stddev', 'p95'], { minLength: 1 }),
    }),
    fc.record({
      type: fc.constant('sliding'),
      size: fc.constant('1m'),
      slide: fc.constantFrom('10s', '30s', '1m'),
    }),
    fc.record({ type: fc.constant('session'), gap: fc.constantFrom('30s', '5m') }),
  );

/** A small valid job as a JS value. */
export const validJob = (): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(
    {
      name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/),
      source: fc.record(
        {
          topics: fc.constantFrom(['sensors/{device}/telemetry'], ['plant/+/{device}/data']),
          timeField: fc.constantFrom('ts', 'time'),
          timeFormat: fc.constantFrom('auto', 'epoch_ms', 'epoch_s', 'iso8601'),
        },
        { requiredKeys: [] },
      ),
      time: fc.record({ maxOutOfOrderness: duration(), quietPeriod: duration() }, { requiredKeys: [] }),
      // Two windows of the same type and size would share a label, which a job refuses.
      windows: fc.uniqueArray(window(), {
        minLength: 1,
        maxLength: 3,
        selector: (w) => `${String(w.type)}:${String(w.size ?? w.gap)}`,
      }),
      sinks: fc.constantFrom({ live: true }, { influx: {} }, { influx: { measurement: 'agg' }, live: false }),
    },
    { requiredKeys: ['name', 'windows'] },
  );

/** What a hostile value swapped into a job looks like. */
const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(
      -1,
      0,
      1e308,
      -1e308,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.MAX_SAFE_INTEGER + 2,
      '-5s',
      '0s',
      '1e999s',
      '99999999999999999999h',
      '',
      ' ',
      'off',
      null,
      true,
      [],
      {},
      ['a', ['b', ['c']]],
      JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
      { constructor: { prototype: { polluted: true } } },
      '{device}',
      'sensors/+/#',
      'x'.repeat(10_000),
    ),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.double(),
    fc.integer({ min: 1, max: 60 }).map((depth) => {
      let value: unknown = 'x';
      for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
      return value;
    }),
  );

/** Every path to a value in a JS value, parents first. */
function pathsOf(
  value: unknown,
  path: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pathsOf(item, [...path, i], out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
  }
  return out;
}

/** A copy of `job` with the value at the pick-th path replaced, removed, or given an unknown sibling. */
function mutateJob(
  job: unknown,
  pick: number,
  op: 'replace' | 'delete' | 'unknown',
  hostile: unknown,
): unknown {
  const copy = structuredClone(job);
  const paths = pathsOf(copy);
  const path = paths[pick % paths.length] ?? [];
  if (path.length === 0) return op === 'replace' ? hostile : copy;
  let parent: unknown = copy;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
  const last = path[path.length - 1]!;
  const container = parent as Record<string | number, unknown>;
  if (op === 'replace') container[last] = hostile;
  else if (op === 'delete') {
    if (Array.isArray(container) && typeof last === 'number') container.splice(last, 1);
    else delete container[last];
  } else if (!Array.isArray(container)) container[`unknown_${String(last)}`] = hostile;
  return copy;
}

/** A job (seed or generated) with one to three values swapped, removed or given unknown siblings. */
export const mutatedJobText = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.oneof(fc.constantFrom(...SEED_JOB_TEXTS.map((text) => parse(text) as unknown)), validJob()),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.constantFrom('replace', 'delete', 'unknown') as fc.Arbitrary<'replace' | 'delete' | 'unknown'>,
          hostileValue(),
        ),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
    )
    .map(([job, mutations]) => {
      let value = job;
      for (const [pick, op, hostile] of mutations) value = mutateJob(value, pick, op, hostile);
      return stringify(value);
    });
