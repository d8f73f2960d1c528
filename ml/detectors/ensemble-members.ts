import type { DetectorParamValue, DetectorSpec } from './detector.ts';
import { DetectorRegistryError, findDetectorSpec, parseDetectorParams } from './registry.ts';

/** One member of an ensemble: a registry name and the hyperparameters given (others default). */
export interface EnsembleMember {
  readonly detector: string;
  readonly params: Readonly<Record<string, DetectorParamValue>>;
}

/** A member found in the registry, with every hyperparameter (defaults filled, validated). */
export interface ResolvedEnsembleMember {
  readonly spec: DetectorSpec;
  readonly params: Readonly<Record<string, DetectorParamValue>>;
}

/**
 * The `members` parameter of an ensemble: its members as JSON, in order.
 *
 * @example
 * formatEnsembleMembers([{ detector: 'ewma', params: { alpha: 0.1 } }]);
 * // '[{"detector":"ewma","params":{"alpha":0.1}}]'
 */
export function formatEnsembleMembers(members: readonly EnsembleMember[]): string {
  return JSON.stringify(members.map(({ detector, params }) => ({ detector, params })));
}

/**
 * Reads the `members` parameter of an ensemble and finds each member in `specs` with its
 * hyperparameters checked by the registry's rules. Throws a {@link DetectorRegistryError} for an
 * unknown detector or parameter, and an error naming the problem for malformed JSON or no members.
 *
 * @example
 * parseEnsembleMembers('[{"detector":"ewma","params":{}}]', DETECTOR_SPECS)[0].params;
 * // { feature: 'value', alpha: 0.05, threshold: 3, warmup: 30 }
 */
export function parseEnsembleMembers(text: string, specs: readonly DetectorSpec[]): ResolvedEnsembleMember[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`ensemble: members is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error('ensemble: members must be a non-empty JSON array of {"detector", "params"}');
  }
  return value.map((m: unknown, i) => {
    if (!isMember(m)) {
      throw new Error(`ensemble: member ${i + 1} is not {"detector": name, "params": {key: value}}`);
    }
    const spec = findDetectorSpec(m.detector, specs);
    const raw = Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, String(v)]));
    return { spec, params: parseDetectorParams(spec, raw) };
  });
}

function isMember(value: unknown): value is EnsembleMember {
  if (typeof value !== 'object' || value === null) return false;
  const { detector, params } = value as Record<string, unknown>;
  if (typeof detector !== 'string' || typeof params !== 'object' || params === null) return false;
  return Object.values(params).every((v) => ['number', 'boolean', 'string'].includes(typeof v));
}

export { DetectorRegistryError };
