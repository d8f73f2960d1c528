import type { DetectorMemberSpec } from '../../services/config/job-spec.ts';
import type { AnomalyDetector, DetectorParamValue, DetectorSpec } from '../detectors/detector.ts';
import { createEnsemble, formatEnsembleMembers } from '../detectors/ensemble.ts';
import { DETECTOR_SPECS, findDetectorSpec, parseDetectorParams } from '../detectors/registry.ts';

/** The detector of a detector step: one member, or several combined. */
export interface DetectorChoice {
  readonly members: readonly DetectorMemberSpec[];
  /** How an ensemble's scores combine (ignored for one member). */
  readonly combine: 'max' | 'vote';
}

/** One member with its registry spec and full hyperparameters (defaults filled, validated). */
export interface ResolvedMember {
  readonly spec: DetectorSpec;
  readonly params: Readonly<Record<string, DetectorParamValue>>;
}

/**
 * The members of `choice` found in `specs` (default: the detector registry), each with every
 * hyperparameter (the given ones checked by the registry's rules, the others at their defaults).
 * Throws the registry's `DetectorRegistryError` for an unknown detector or a bad parameter.
 *
 * @example
 * resolveMembers({ members: [{ detector: 'rolling-z-score', params: { window: 50 } }], combine: 'max' });
 * // [{ spec: rollingZScoreSpec, params: { feature: 'value', window: 50, threshold: 3, warmup: 30 } }]
 */
export function resolveMembers(
  choice: DetectorChoice,
  specs: readonly DetectorSpec[] = DETECTOR_SPECS,
): ResolvedMember[] {
  if (choice.members.length === 0) throw new Error('a detector step needs at least one detector');
  return choice.members.map(({ detector, params }) => {
    const spec = findDetectorSpec(detector, specs);
    const raw = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
    return { spec, params: parseDetectorParams(spec, raw) };
  });
}

/**
 * A fresh detector for one key: the one member's, or the ensemble of the members combined by
 * `combine` (`createEnsemble` in `ml/detectors/ensemble.ts`: timer-driven when a member is), its
 * members found in `specs` (default: the registry's).
 *
 * @example
 * const members = resolveMembers({ members: [{ detector: 'ewma', params: {} }], combine: 'max' });
 * const detector = createStepDetector(members, 'max');
 * detector.scoreOne({ value: 21.5 }, 1_700_000_000_000); // 0 (warming up)
 */
export function createStepDetector(
  members: readonly ResolvedMember[],
  combine: 'max' | 'vote',
  specs: readonly DetectorSpec[] = DETECTOR_SPECS,
): AnomalyDetector {
  const [first, ...rest] = members;
  if (first === undefined) throw new Error('a detector step needs at least one detector');
  if (rest.length === 0) return first.spec.create(first.params);
  const list = members.map((m) => ({ detector: m.spec.name, params: m.params }));
  return createEnsemble({ combine, seed: 0, members: formatEnsembleMembers(list) }, specs);
}
