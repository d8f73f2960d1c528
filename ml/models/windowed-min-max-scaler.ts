import type { Transformer } from '../core/estimator.ts';
import { EstimatorBase } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { WindowExtremes } from '../core/stats/window-extremes.ts';
import { minMaxValue } from './min-max-scaler.ts';

/** Hyperparameters of {@link WindowedMinMaxScaler}. */
export type WindowedMinMaxScalerParams = {
  /** How many of each feature's latest values the range covers. */
  readonly window: number;
};

/**
 * {@link MinMaxScaler} over each feature's last `window` values (monotonic deques: O(1) amortised
 * per value, `window` numbers per feature), so the range forgets old extremes.
 *
 * @example
 * const s = new WindowedMinMaxScaler({ window: 2 });
 * [{ t: 100 }, { t: 0 }, { t: 10 }].forEach((x) => s.learnOne(x));
 * s.transformOne({ t: 5 }); // { t: 0.5 }  (range of the last two: [0, 10])
 */
export class WindowedMinMaxScaler extends EstimatorBase<WindowedMinMaxScalerParams> implements Transformer {
  readonly kind = 'windowed-min-max-scaler';
  protected readonly version = 1;
  private features = new Map<string, WindowExtremes>();

  constructor(params: Partial<WindowedMinMaxScalerParams> = {}) {
    super({ window: params.window ?? 1000 });
    if (!Number.isInteger(this.params.window) || this.params.window < 1) {
      throw new Error(`windowed-min-max-scaler: window must be an integer >= 1, got ${this.params.window}`);
    }
  }

  learnOne(x: Features): void {
    for (const name in x) {
      let f = this.features.get(name);
      if (!f) {
        f = new WindowExtremes(this.params.window);
        this.features.set(name, f);
      }
      f.push(x[name]!);
    }
  }

  transformOne(x: Features): Features {
    const out: Record<string, number> = {};
    for (const name in x) {
      const f = this.features.get(name);
      out[name] = f && f.min !== undefined ? minMaxValue(x[name]!, f.min, f.max!) : 0;
    }
    return out;
  }

  protected saveState(): unknown {
    return { features: [...this.features].map(([name, f]) => [name, f.values()]) };
  }

  protected loadState(state: unknown): void {
    const { features } = state as { features: [string, number[]][] };
    this.features = new Map(
      features.map(([name, values]) => [name, WindowExtremes.from(this.params.window, values)]),
    );
  }
}

export const windowedMinMaxScalerSpec: ModelSpec = {
  name: 'windowed-min-max-scaler',
  type: 'transformer',
  description: "Min-max scaler over each feature's last `window` values.",
  params: {
    window: { type: 'integer', default: 1000, min: 1, description: 'Values per feature the range covers.' },
  },
  create: (p) => new WindowedMinMaxScaler({ window: p.window as number }),
};
