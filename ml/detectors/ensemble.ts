import type { EstimatorSnapshot } from '../core/estimator.ts';
import type { Features } from '../core/features.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';
import type {
  AnomalyDetector,
  AnomalyExplanation,
  DetectorParamValue,
  DetectorSpec,
  TimerDrivenDetector,
} from './detector.ts';
import { isTimerDriven } from './detector.ts';
import { combineExplanations, combineScores, type EnsembleCombine } from './ensemble-combine.ts';
import { parseEnsembleMembers, type ResolvedEnsembleMember } from './ensemble-members.ts';
import { DETECTOR_SPECS } from './registry.ts';

export type { EnsembleCombine } from './ensemble-combine.ts';
export { type EnsembleMember, formatEnsembleMembers } from './ensemble-members.ts';

/** Hyperparameters of a {@link DetectorEnsemble}: JSON scalars, so it clones from them alone. */
export type EnsembleParams = {
  /** `max`: the highest member score; `vote`: the share of members scoring >= 0.5 (majority >= 0.5). */
  readonly combine: EnsembleCombine;
  /** The members as JSON `[{"detector": name, "params": {...}}, ...]` ({@link formatEnsembleMembers}). */
  readonly members: string;
  /** Added to the `seed` of every member that has one (0: the members' own seeds). */
  readonly seed: number;
};

/**
 * Several detectors run as one: every record is scored, explained and learned by each member (each
 * reads its own `feature`), and their scores combine into one ({@link combineScores}):
 *
 * - `max`: the highest member score, explained by that member (its reason prefixed with its name);
 * - `vote`: a majority of members at or above 0.5 scores at least 0.5, fewer score below it (the
 *   members' mean score orders records within one count of votes); the explanation names the
 *   members that voted.
 *
 * Members are named by registry name and hyperparameters (the `members` parameter), so an ensemble
 * is rebuilt, cloned and checked on restore from its parameters like any detector; its snapshot
 * holds one snapshot per member. It is not in the registry itself: job files, the CLI and the
 * default set ({@link ../default-set.ts}) build it from member specs. When a member is driven by
 * timers (silence), {@link createEnsemble} gives a {@link TimerDrivenEnsemble}.
 *
 * @example
 * const d = createEnsemble({ combine: 'max', seed: 0, members: formatEnsembleMembers([
 *   { detector: 'rolling-z-score', params: { window: 5, warmup: 5 } },
 *   { detector: 'stuck-sensor', params: { minCount: 3 } },
 * ]) });
 * [1, 2, 3, 4, 5].forEach((v, i) => d.learnOne({ value: v }, i));
 * d.scoreOne({ value: 6 }, 5); // 0.0993 (rolling-z-score's; stuck-sensor's is 0)
 */
export class DetectorEnsemble implements AnomalyDetector {
  readonly kind = 'ensemble';
  protected readonly version = 1;
  readonly params: Readonly<EnsembleParams>;
  protected readonly members: readonly AnomalyDetector[];
  private readonly names: readonly string[];

  constructor(
    params: EnsembleParams,
    protected readonly specs: readonly DetectorSpec[] = DETECTOR_SPECS,
  ) {
    if (params.combine !== 'max' && params.combine !== 'vote') {
      throw new Error(`ensemble: combine must be max or vote, got ${String(params.combine)}`);
    }
    if (!Number.isSafeInteger(params.seed))
      throw new Error(`ensemble: seed must be an integer, got ${params.seed}`);
    this.params = Object.freeze({ ...params });
    const members = parseEnsembleMembers(params.members, specs);
    this.members = members.map((m) => m.spec.create(seeded(m, params.seed)));
    this.names = members.map((m) => m.spec.name);
  }

  scoreOne(x: Features, ts: number): number {
    return combineScores(
      this.params.combine,
      this.members.map((m) => m.scoreOne(x, ts)),
    );
  }

  explainOne(x: Features, ts: number): AnomalyExplanation {
    return combineExplanations(
      this.params.combine,
      this.names,
      this.members.map((m) => m.explainOne(x, ts)),
    );
  }

  learnOne(x: Features, ts: number): void {
    for (const m of this.members) m.learnOne(x, ts);
  }

  snapshot(): EstimatorSnapshot {
    return {
      kind: this.kind,
      version: this.version,
      params: { ...this.params },
      state: { members: this.members.map((m) => m.snapshot()) },
    };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, this.version);
    const { members } = snapshot.state as { members: EstimatorSnapshot[] };
    if (!Array.isArray(members) || members.length !== this.members.length) {
      throw new Error(
        `ensemble: the snapshot holds ${Array.isArray(members) ? members.length : 'no'} member snapshots for ${this.members.length} members`,
      );
    }
    this.members.forEach((m, i) => {
      m.restore(members[i]!);
    });
  }

  clone(): this {
    const Constructor = this.constructor as new (p: EnsembleParams, s: readonly DetectorSpec[]) => this;
    return new Constructor({ ...this.params }, this.specs);
  }

  /** True when a member is driven by timers (then {@link createEnsemble} builds a {@link TimerDrivenEnsemble}). */
  hasTimerDrivenMember(): boolean {
    return this.members.some(isTimerDriven);
  }

  /** What each member makes of silence up to `now` (0 for members not driven by timers). */
  protected silence(now: number): AnomalyExplanation[] {
    return this.members.map((m) =>
      isTimerDriven(m) ? m.explainSilence(now) : { score: 0, reason: 'not a silence detector' },
    );
  }

  protected combineSilence(now: number): AnomalyExplanation {
    return combineExplanations(this.params.combine, this.names, this.silence(now));
  }
}

/**
 * An ensemble with at least one member driven by timers: the next check is the earliest of its
 * timer-driven members', and silence is explained by combining every member's view of it (0 for
 * members that only judge records).
 *
 * @example
 * const d = createEnsemble({ combine: 'max', seed: 0, members: '[{"detector":"dropout","params":{}}]' });
 * if (isTimerDriven(d)) d.nextCheck(); // undefined before any record
 */
export class TimerDrivenEnsemble extends DetectorEnsemble implements TimerDrivenDetector {
  nextCheck(): number | undefined {
    let next: number | undefined;
    for (const m of this.members) {
      const at = isTimerDriven(m) ? m.nextCheck() : undefined;
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  explainSilence(now: number): AnomalyExplanation {
    return this.combineSilence(now);
  }
}

/**
 * The ensemble of `params.members` (registry names in `specs`, by default every registered
 * detector): a {@link TimerDrivenEnsemble} when a member is driven by timers, else a
 * {@link DetectorEnsemble}. An unknown member or parameter throws the registry's
 * `DetectorRegistryError`.
 *
 * @example
 * const d = createEnsemble({ combine: 'vote', seed: 0, members: formatEnsembleMembers([
 *   { detector: 'ewma', params: {} }, { detector: 'median-mad', params: {} }, { detector: 'rate-of-change', params: {} },
 * ]) });
 */
export function createEnsemble(
  params: EnsembleParams,
  specs: readonly DetectorSpec[] = DETECTOR_SPECS,
): DetectorEnsemble {
  const ensemble = new DetectorEnsemble(params, specs);
  return ensemble.hasTimerDrivenMember() ? new TimerDrivenEnsemble(params, specs) : ensemble;
}

/** A member's parameters with the ensemble's seed added to its own (members with a seed). */
function seeded(member: ResolvedEnsembleMember, seed: number): Readonly<Record<string, DetectorParamValue>> {
  const own = member.params.seed;
  if (seed === 0 || typeof own !== 'number') return member.params;
  return { ...member.params, seed: own + seed };
}
