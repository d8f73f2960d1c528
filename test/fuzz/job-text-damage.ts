import fc from 'fast-check';
import { stringify } from 'yaml';
import { PWNED, SEED_JOB_TEXTS, validJob } from './job-file-arbitraries.ts';

/**
 * Text-level damage for job files, as fast-check values: alias bombs, tags such as
 * `!!js/function`, duplicated lines, cuts, inserted garbage, and text that is barely YAML.
 *
 * @example
 * fc.sample(damagedJobText(), 1); // e.g. [ 'a0: &a0 [lol, lol]\na1: &a1 [*a0, *a0]\nname: …' ]
 */

/** Billion laughs: `levels` anchors each repeating the one before `fanout` times. */
const aliasBomb = (): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }), fc.boolean())
    .map(([levels, fanout, merge]) => {
      const lines = ['a0: &a0 [lol, lol]'];
      for (let i = 1; i <= levels; i++) {
        lines.push(
          merge
            ? `a${i}: &a${i} { ${Array.from({ length: fanout }, (_, j) => `k${j}: *a${i - 1}`).join(', ')} }`
            : `a${i}: &a${i} [${Array.from({ length: fanout }, () => `*a${i - 1}`).join(', ')}]`,
        );
      }
      return lines.join('\n');
    });

const TAGS = [
  `!!js/function "function () { globalThis.${PWNED} = true }"`,
  '!!js/undefined ""',
  '!!js/regexp /(a+)+$/',
  '!!python/object/apply:os.system ["echo pwned"]',
  '!!binary aGVsbG8=',
  '!!set { a, b }',
  '!!omap [ a: 1 ]',
  '!!timestamp 2001-12-14',
  '!<tag:yaml.org,2002:js/function> x',
  '!custom x',
  '!!str 5',
  '!!int "12"',
  '!!float .nan',
  '.inf',
  '-.inf',
  '0x7fffffffffffffffffff',
  '0o777',
  '~',
];

/** Damage done to the text of a job file. */
const textDamage = (): fc.Arbitrary<(text: string) => string> =>
  fc.oneof(
    fc.nat().map((at) => (text: string) => text.slice(0, at % (text.length + 1))),
    fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 6 })).map(([at, s]) => (text: string) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + s + text.slice(i);
    }),
    fc.tuple(fc.nat(), fc.constantFrom(...TAGS)).map(([at, tag]) => (text: string) => {
      // After a `key: `, so the tag lands on a value.
      const colons = [...text.matchAll(/: /g)].map((m) => m.index + 2);
      const i = colons.length === 0 ? 0 : (colons[at % colons.length] ?? 0);
      return `${text.slice(0, i)}${tag} ${text.slice(i)}`;
    }),
    fc.nat().map((at) => (text: string) => {
      const lines = text.split('\n');
      const i = at % lines.length;
      return [...lines.slice(0, i + 1), lines[i] ?? '', ...lines.slice(i + 1)].join('\n');
    }),
    aliasBomb().map((bomb) => (text: string) => `${bomb}\n${text}`),
    fc
      .constantFrom(
        '__proto__: { polluted: true }\n',
        '<<: { polluted: true }\n',
        '%YAML 1.1\n---\n',
        '---\n---\n',
        '\ufeff',
      )
      .map((prefix) => (text: string) => prefix + text),
  );

/** A job file's text damaged one to three times. */
export const damagedJobText = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom(...SEED_JOB_TEXTS),
        validJob().map((job) => stringify(job)),
      ),
      fc.array(textDamage(), { minLength: 1, maxLength: 3 }),
    )
    .map(([text, damages]) => damages.reduce((out, damage) => damage(out), text));

/** Text that is barely YAML, or not at all. */
export const randomText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc
      .array(
        fc.constantFrom(
          '[',
          ']',
          '{',
          '}',
          ',',
          ':',
          ' ',
          '-',
          '?',
          '&a',
          '*a',
          '!',
          '|',
          '>',
          '"',
          "'",
          '#',
          '\n',
          '  ',
          'x',
          '<<',
        ),
        {
          maxLength: 200,
        },
      )
      .map((parts) => parts.join('')),
    fc
      .integer({ min: 1, max: 5_000 })
      .chain((n) =>
        fc.constantFrom(
          '['.repeat(n),
          '{a: '.repeat(n),
          '- '.repeat(n),
          `${'  '.repeat(n)}x: 1`,
          'a:\n'.repeat(n),
          '&a '.repeat(n),
        ),
      ),
  );
