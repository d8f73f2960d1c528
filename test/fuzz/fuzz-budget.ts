/**
 * How many generated inputs the fuzz tests run. `EDDY_FUZZ_RUNS` is the total across the decoder
 * and job-file fuzz tests (default {@link DEFAULT_FUZZ_RUNS}: what CI runs in well under 30 s on a
 * busy 2-core machine); each property takes its share of it. `EDDY_FUZZ_SEED` picks another seed
 * (default 1, so CI is reproducible; a failure prints the seed and path to replay it).
 *
 * @example
 * // a longer run: EDDY_FUZZ_RUNS=5000000 EDDY_FUZZ_SEED=42 npx vitest run --project unit test/fuzz
 * fc.assert(property, fuzzParameters(FUZZ_SHARES.decoderPayloads));
 */
export const DEFAULT_FUZZ_RUNS = 100_000;

/**
 * The share of the total each property runs; they add up to 1, so the decoder and job-file fuzz
 * tests together run exactly `EDDY_FUZZ_RUNS` inputs (the API fuzz is apart, see {@link apiFuzzRuns}).
 */
export const FUZZ_SHARES = {
  decoderPayloads: 0.3,
  decoderFastPath: 0.08,
  decoderMutations: 0.27,
  decoderValid: 0.1,
  topics: 0.2,
  // A job file costs ~20x a payload (YAML parsing): a smaller share, still 5,000 files by default.
  jobFileMutations: 0.025,
  jobFileText: 0.015,
  jobFileValid: 0.01,
} as const;

/** Total inputs across the decoder and job-file fuzz tests, from `EDDY_FUZZ_RUNS`. */
export function totalFuzzRuns(): number {
  return positiveInteger('EDDY_FUZZ_RUNS', DEFAULT_FUZZ_RUNS);
}

/** fast-check parameters for a property that runs `share` of the total. */
export function fuzzParameters(share: number): { numRuns: number; seed: number } {
  return { numRuns: Math.max(1, Math.round(totalFuzzRuns() * share)), seed: fuzzSeed() };
}

/** The seed of every fuzz property, from `EDDY_FUZZ_SEED` (default 1). */
export function fuzzSeed(): number {
  return positiveInteger('EDDY_FUZZ_SEED', 1);
}

/** API bodies are slower (a whole request each): 2.5 % of the total on top of it, at least 100. */
export function apiFuzzRuns(): number {
  return Math.max(100, Math.round(totalFuzzRuns() * 0.025));
}

/** Longest one input may take before the fuzz calls it a hang (generous: CI shares 2 cores). */
export const HANG_MS = 2_000;

/** vitest's timeout for a fuzz test: scales with the number of runs. */
export function fuzzTimeoutMs(share: number): number {
  return 60_000 + Math.round(totalFuzzRuns() * share * 2);
}

function positiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return value;
}
