import type { Transformer } from '../core/estimator.ts';
import { EstimatorBase } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';

/**
 * Scales each feature to [0, 1] with the minimum and maximum seen so far (River's
 * `MinMaxScaler`): `(x - min) / (max - min)`, which leaves [0, 1] for values outside the range
 * seen. Where the range is 0 (one value, or a feature never seen) the scaled value is 0.
 *
 * @example
 * const s = new MinMaxScaler();
 * [{ t: 10 }, { t: 20 }].forEach((x) => s.learnOne(x));
 * s.transformOne({ t: 15 }); // { t: 0.5 }
 */
export class MinMaxScaler extends EstimatorBase<Record<string, never>> implements Transformer {
  readonly kind = 'min-max-scaler';
  protected readonly version = 1;
  private ranges = new Map<string, [min: number, max: number]>();

  constructor(_params: Readonly<Record<string, never>> = {}) {
    super({});
  }

  learnOne(x: Features): void {
    for (const name in x) {
      const v = x[name]!;
      const range = this.ranges.get(name);
      if (!range) this.ranges.set(name, [v, v]);
      else {
        if (v < range[0]) range[0] = v;
        if (v > range[1]) range[1] = v;
      }
    }
  }

  transformOne(x: Features): Features {
    const out: Record<string, number> = {};
    for (const name in x) {
      const range = this.ranges.get(name);
      out[name] = range ? minMaxValue(x[name]!, range[0], range[1]) : 0;
    }
    return out;
  }

  protected saveState(): unknown {
    return { ranges: [...this.ranges].map(([name, [min, max]]) => [name, min, max]) };
  }

  protected loadState(state: unknown): void {
    const { ranges } = state as { ranges: [string, number, number][] };
    this.ranges = new Map(ranges.map(([name, min, max]) => [name, [min, max]]));
  }
}

/** `(x - min) / (max - min)`, 0 when the range is empty. */
export function minMaxValue(x: number, min: number, max: number): number {
  return max > min ? (x - min) / (max - min) : 0;
}

export const minMaxScalerSpec: ModelSpec = {
  name: 'min-max-scaler',
  type: 'transformer',
  description: 'Running min-max scaler: (x - min) / (max - min) per feature over everything seen.',
  params: {},
  create: () => new MinMaxScaler(),
};
