import { describe, expect, it } from 'vitest';
import { DEFAULT_FUZZ_RUNS, FUZZ_SHARES, fuzzParameters } from './fuzz-budget.ts';

describe('the fuzz budget', () => {
  it('shares EDDY_FUZZ_RUNS (default 100,000) between the decoder and job-file properties without losing any', () => {
    const shares = Object.values(FUZZ_SHARES);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 9);
    if (process.env.EDDY_FUZZ_RUNS === undefined) {
      const runs = shares.map((share) => fuzzParameters(share).numRuns);
      expect(runs.reduce((sum, n) => sum + n, 0)).toBe(DEFAULT_FUZZ_RUNS);
    }
  });
});
