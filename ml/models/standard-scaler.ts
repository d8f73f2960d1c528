import type { Transformer } from '../core/estimator.ts';
import { EstimatorBase } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { mergeMoments } from '../core/partial-update.ts';
import { RunningMoments } from '../core/stats/running-moments.ts';

/** Hyperparameters of {@link StandardScaler} (Flink ML's `withMean`, `withStd`). */
export type StandardScalerParams = {
  /** Subtract the running mean. */
  readonly withMean: boolean;
  /** Divide by the running (sample, n - 1) standard deviation. */
  readonly withStd: boolean;
};

/**
 * Scales each feature with the running mean and standard deviation of the values seen so far
 * (Flink ML's OnlineStandardScaler over a global window; Welford's algorithm per feature):
 * `(x - mean) / std`. The standard deviation is the sample one (n - 1), as in Flink ML; where it is
 * 0 or undefined (one value, or a feature never seen) the scaled value is 0, as in Flink ML and
 * Spark. A feature never seen has mean 0. Unlike Flink ML, whose `withMean` defaults to false,
 * `withMean` defaults to true here (what linear models on raw sensor values need).
 *
 * @example
 * const s = new StandardScaler();
 * [{ t: 1 }, { t: 2 }, { t: 3 }].forEach((x) => s.learnOne(x));
 * s.transformOne({ t: 4 }); // { t: 2 }  (mean 2, std 1)
 */
export class StandardScaler extends EstimatorBase<StandardScalerParams> implements Transformer {
  readonly kind = 'standard-scaler';
  protected readonly version = 1;
  private moments = new Map<string, RunningMoments>();

  constructor(params: Partial<StandardScalerParams> = {}) {
    super({ withMean: params.withMean ?? true, withStd: params.withStd ?? true });
  }

  learnOne(x: Features): void {
    for (const name in x) {
      let m = this.moments.get(name);
      if (!m) {
        m = new RunningMoments();
        this.moments.set(name, m);
      }
      m.update(x[name]!);
    }
  }

  /**
   * Adds everything `other` learned (Chan et al.'s merge of moments, per feature): afterwards this
   * scaler is exactly the one that learned both streams (global learning merges subtasks so).
   *
   * @example
   * a.learnOne({ t: 1 }); b.learnOne({ t: 3 });
   * a.merge(b); a.transformOne({ t: 2 }); // { t: 0 }  (mean 2)
   */
  merge(other: StandardScaler): void {
    for (const [name, theirs] of other.moments) {
      const [n, mean, m2] = mergeMoments(this.moments.get(name)?.toJSON() ?? [0, 0, 0], theirs.toJSON());
      this.moments.set(name, RunningMoments.fromJSON([n, mean, m2]));
    }
  }

  transformOne(x: Features): Features {
    const out: Record<string, number> = {};
    for (const name in x) out[name] = scaleValue(x[name]!, this.moments.get(name), this.params);
    return out;
  }

  protected saveState(): unknown {
    return { moments: [...this.moments].map(([name, m]) => [name, m.toJSON()]) };
  }

  protected loadState(state: unknown): void {
    const { moments } = state as { moments: [string, number[]][] };
    this.moments = new Map(moments.map(([name, m]) => [name, RunningMoments.fromJSON(m)]));
  }
}

/** `(x - mean) / std` with the scaler's switches; 0 where the std is 0 or undefined. */
export function scaleValue(
  x: number,
  moments: RunningMoments | undefined,
  params: { readonly withMean: boolean; readonly withStd: boolean },
): number {
  const centred = params.withMean ? x - (moments?.mean ?? 0) : x;
  if (!params.withStd) return centred;
  const std = Math.sqrt(moments?.variance(1) ?? 0);
  return std > 0 ? centred / std : 0;
}

export const standardScalerSpec: ModelSpec = {
  name: 'standard-scaler',
  type: 'transformer',
  description:
    'Running standard scaler: (x - mean) / std per feature over everything seen (Flink ML OnlineStandardScaler).',
  params: {
    withMean: { type: 'boolean', default: true, description: 'Subtract the running mean.' },
    withStd: { type: 'boolean', default: true, description: 'Divide by the running standard deviation.' },
  },
  create: (p) => new StandardScaler({ withMean: p.withMean as boolean, withStd: p.withStd as boolean }),
};
