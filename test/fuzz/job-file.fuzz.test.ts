import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { JobFileError } from '../../services/config/job-file-error.ts';
import type { JobSpec } from '../../services/config/job-spec.ts';
import { MAX_JOB_FILE_BYTES, parseJobFile } from '../../services/config/parse-job-file.ts';
import { FUZZ_SHARES, fuzzParameters, fuzzTimeoutMs, HANG_MS } from './fuzz-budget.ts';
import { mutatedJobText, PWNED, SEED_JOB_TEXTS, validJob } from './job-file-arbitraries.ts';
import { damagedJobText, randomText } from './job-text-damage.ts';

/**
 * Property-based fuzz of the job-file loader: whatever the text, `parseJobFile` returns a spec or
 * throws a JobFileError whose every problem has a position in the file and a message; it never
 * hangs, never runs code a tag names, never pollutes Object.prototype.
 */

const FILE = 'fuzz.yaml';

function check(condition: boolean, what: string, value?: unknown): void {
  if (!condition) throw new Error(`${what}${value === undefined ? '' : `: ${JSON.stringify(value)}`}`);
}

/** Parses, times it, and checks the outcome whatever it is. */
function parseChecked(text: string): JobSpec | JobFileError {
  const started = performance.now();
  let outcome: JobSpec | JobFileError;
  try {
    outcome = parseJobFile(text, FILE);
  } catch (error) {
    if (!(error instanceof JobFileError)) {
      throw new Error(
        `threw ${(error as Error)?.name} instead of a JobFileError: ${(error as Error)?.message}`,
      );
    }
    outcome = error;
  }
  const took = performance.now() - started;
  check(took <= HANG_MS, `parsing ${text.length} characters took ${Math.round(took)} ms`);
  check((globalThis as Record<string, unknown>)[PWNED] === undefined, 'no code from a tag ever runs');
  check(({} as Record<string, unknown>).polluted === undefined, 'Object.prototype untouched');
  if (outcome instanceof JobFileError) checkError(outcome, text);
  else
    check(typeof outcome.name === 'string' && outcome.windows.length > 0, 'a spec with a name and windows');
  return outcome;
}

function checkError(error: JobFileError, text: string): void {
  check(error.file === FILE && error.problems.length > 0, 'names the file and at least one problem');
  const lines = text.split('\n').length;
  const wholeFile = Buffer.byteLength(text) > MAX_JOB_FILE_BYTES;
  for (const p of error.problems) {
    check(typeof p.message === 'string' && p.message.trim().length > 0, 'a message', p);
    check(Number.isInteger(p.line) && Number.isInteger(p.column), 'an integer position', p);
    if (wholeFile) continue;
    check(p.line >= 1 && p.line <= lines && p.column >= 1, 'a position inside the file', p);
  }
  const first = error.problems[0]!;
  const where = first.line > 0 ? `${FILE}:${first.line}:${first.column}: ` : `${FILE}: `;
  check(error.message.startsWith(where), 'the message starts file:line:column', error.message.slice(0, 80));
}

describe('parseJobFile under fuzz', () => {
  it('takes every seed job file (README example, default job) as valid', () => {
    for (const text of SEED_JOB_TEXTS) expect(parseChecked(text)).not.toBeInstanceOf(JobFileError);
  });

  it(
    'turns generated valid jobs into specs that keep their name and windows',
    () => {
      fc.assert(
        fc.property(validJob(), (job) => {
          const spec = parseChecked(stringify(job));
          check(!(spec instanceof JobFileError), 'valid', spec instanceof JobFileError ? spec.message : '');
          const { name, windows } = spec as JobSpec;
          check(name === job.name && windows.length === (job.windows as unknown[]).length, 'same job', job);
        }),
        fuzzParameters(FUZZ_SHARES.jobFileValid),
      );
    },
    fuzzTimeoutMs(FUZZ_SHARES.jobFileValid),
  );

  it(
    'answers jobs with hostile values (wrong types, huge or negative numbers, unknown keys, deep nesting) with positioned problems',
    () => {
      fc.assert(
        fc.property(mutatedJobText(), (text) => void parseChecked(text)),
        fuzzParameters(FUZZ_SHARES.jobFileMutations),
      );
    },
    fuzzTimeoutMs(FUZZ_SHARES.jobFileMutations),
  );

  it(
    'survives damaged text (alias bombs, tags, duplicate keys, cuts, garbage) and random text',
    () => {
      fc.assert(
        fc.property(
          fc.oneof({ arbitrary: damagedJobText(), weight: 3 }, { arbitrary: randomText(), weight: 1 }),
          (text) => {
            void parseChecked(text);
          },
        ),
        fuzzParameters(FUZZ_SHARES.jobFileText),
      );
    },
    fuzzTimeoutMs(FUZZ_SHARES.jobFileText),
  );
});
