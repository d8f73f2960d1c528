/**
 * How much a true positive, a false negative and a false positive weigh in a NAB score (NAB's
 * `CostMatrix`; its `tnWeight` is never used by the scorer and is not kept).
 */
export interface CostMatrix {
  readonly tpWeight: number;
  readonly fnWeight: number;
  readonly fpWeight: number;
}

/** Application profiles by name, e.g. `standard` → its cost matrix. */
export type NabProfiles = Readonly<Record<string, CostMatrix>>;

/**
 * NAB's three application profiles (`config/profiles.json`): standard, reward low false-positive
 * rate (FPs cost twice as much) and reward low false-negative rate (missed windows cost twice).
 *
 * @example
 * NAB_PROFILES.reward_low_FP_rate.fpWeight; // 0.22
 */
export const NAB_PROFILES = {
  standard: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 },
  reward_low_FP_rate: { tpWeight: 1, fnWeight: 1, fpWeight: 0.22 },
  reward_low_FN_rate: { tpWeight: 1, fnWeight: 2, fpWeight: 0.11 },
} as const satisfies NabProfiles;

/**
 * The camelCase names `eddy evaluate --json` reports NAB's profiles under.
 *
 * @example
 * NAB_PROFILE_JSON_NAMES.reward_low_FN_rate; // 'rewardLowFN'
 */
export const NAB_PROFILE_JSON_NAMES = {
  standard: 'standard',
  reward_low_FP_rate: 'rewardLowFP',
  reward_low_FN_rate: 'rewardLowFN',
} as const;

/**
 * Reads a NAB `profiles.json` (already JSON-parsed): `{"<name>": {"CostMatrix": {"tpWeight": 1,
 * "fnWeight": 1, "fpWeight": 0.11, "tnWeight": 1}}, ...}`. Each of tp/fn/fp weight must be a finite
 * number >= 0 (`tnWeight` may be present and is ignored); otherwise it throws an error naming
 * `source`, the profile and the field.
 *
 * @example
 * parseNabProfiles({ strict: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.5 } } });
 * // { strict: { tpWeight: 1, fnWeight: 1, fpWeight: 0.5 } }
 */
export function parseNabProfiles(json: unknown, source = 'profiles.json'): NabProfiles {
  if (!isRecord(json)) throw new Error(`${source}: expected an object of profiles by name`);
  const names = Object.keys(json);
  if (names.length === 0) throw new Error(`${source}: no profiles`);
  const profiles: Record<string, CostMatrix> = {};
  for (const name of names) {
    const entry = json[name];
    const matrix = isRecord(entry) ? entry.CostMatrix : undefined;
    if (!isRecord(matrix)) {
      throw new Error(
        `${source}: profile "${name}": expected {"CostMatrix": {"tpWeight", "fnWeight", "fpWeight"}}`,
      );
    }
    const weight = (key: 'tpWeight' | 'fnWeight' | 'fpWeight'): number => {
      const w = matrix[key];
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
        throw new Error(
          `${source}: profile "${name}": ${key} must be a finite number >= 0, got ${JSON.stringify(w)}`,
        );
      }
      return w;
    };
    Object.defineProperty(profiles, name, {
      value: { tpWeight: weight('tpWeight'), fnWeight: weight('fnWeight'), fpWeight: weight('fpWeight') },
      enumerable: true,
    });
  }
  return profiles;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
