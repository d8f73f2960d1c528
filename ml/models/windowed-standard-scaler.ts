import type { Transformer } from '../core/estimator.ts';
import { EstimatorBase } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { RunningMoments } from '../core/stats/running-moments.ts';
import { ValueWindow } from '../core/stats/value-window.ts';
import { scaleValue } from './standard-scaler.ts';

/** Hyperparameters of {@link WindowedStandardScaler}. */
export type WindowedStandardScalerParams = {
  readonly withMean: boolean;
  readonly withStd: boolean;
  /** How many of each feature's latest values the statistics cover. */
  readonly window: number;
};

interface FeatureWindow {
  readonly values: ValueWindow;
  readonly moments: RunningMoments;
}

/**
 * {@link StandardScaler} over each feature's last `window` values only (a feature's window moves
 * when that feature is seen), so the scale follows drifting sensors. Mean and variance are kept
 * incrementally (Welford with revert), O(1) per value; memory is `window` numbers per feature.
 *
 * @example
 * const s = new WindowedStandardScaler({ window: 2 });
 * [{ t: 100 }, { t: 1 }, { t: 3 }].forEach((x) => s.learnOne(x));
 * s.transformOne({ t: 4 }); // { t: 1.414... }  (last two: mean 2, std √2)
 */
export class WindowedStandardScaler
  extends EstimatorBase<WindowedStandardScalerParams>
  implements Transformer
{
  readonly kind = 'windowed-standard-scaler';
  protected readonly version = 1;
  private features = new Map<string, FeatureWindow>();

  constructor(params: Partial<WindowedStandardScalerParams> = {}) {
    super({
      withMean: params.withMean ?? true,
      withStd: params.withStd ?? true,
      window: params.window ?? 1000,
    });
    if (!Number.isInteger(this.params.window) || this.params.window < 1) {
      throw new Error(`windowed-standard-scaler: window must be an integer >= 1, got ${this.params.window}`);
    }
  }

  learnOne(x: Features): void {
    for (const name in x) {
      let f = this.features.get(name);
      if (!f) {
        f = { values: new ValueWindow(this.params.window), moments: new RunningMoments() };
        this.features.set(name, f);
      }
      const value = x[name]!;
      const evicted = f.values.push(value);
      if (evicted !== undefined) f.moments.revert(evicted);
      f.moments.update(value);
    }
  }

  transformOne(x: Features): Features {
    const out: Record<string, number> = {};
    for (const name in x) out[name] = scaleValue(x[name]!, this.features.get(name)?.moments, this.params);
    return out;
  }

  protected saveState(): unknown {
    return {
      features: [...this.features].map(([name, f]) => [name, f.values.values(), f.moments.toJSON()]),
    };
  }

  protected loadState(state: unknown): void {
    const { features } = state as { features: [string, number[], number[]][] };
    this.features = new Map(
      features.map(([name, values, moments]) => [
        name,
        { values: ValueWindow.from(this.params.window, values), moments: RunningMoments.fromJSON(moments) },
      ]),
    );
  }
}

export const windowedStandardScalerSpec: ModelSpec = {
  name: 'windowed-standard-scaler',
  type: 'transformer',
  description: "Standard scaler over each feature's last `window` values.",
  params: {
    withMean: { type: 'boolean', default: true, description: 'Subtract the windowed mean.' },
    withStd: { type: 'boolean', default: true, description: 'Divide by the windowed standard deviation.' },
    window: {
      type: 'integer',
      default: 1000,
      min: 1,
      description: 'Values per feature the statistics cover.',
    },
  },
  create: (p) =>
    new WindowedStandardScaler({
      withMean: p.withMean as boolean,
      withStd: p.withStd as boolean,
      window: p.window as number,
    }),
};
