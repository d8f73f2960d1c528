import { timeFeatures } from '../models/lag/time-features.ts';
import type { DeviceRow } from './device-rows-operator.ts';
import type { Example } from './keyed-model-operator.ts';

/** Which of a row's values a model predicts and learns from. */
export interface RowExampleOptions {
  /** The metric to predict (absent: none, as for clusterers). */
  readonly target?: string;
  /** The metrics used as features (absent: every metric of the row but the target). */
  readonly features?: readonly string[];
  /** Adds the time of day (UTC) as `tod_sin` and `tod_cos`, so a model can learn a daily cycle. */
  readonly timeFeatures: boolean;
}

/**
 * How a device row becomes a model's example: `x` the feature metrics the row has (a missing one
 * is left out, as models expect), plus the time of day when asked; `y` the target's value, absent
 * when the row has none (the model then predicts without learning).
 *
 * @example
 * const example = rowExample({ target: 'power', timeFeatures: true });
 * example({ device: 'd1', ts: Date.UTC(2024, 0, 1, 6), values: { power: 3, temperature: 21 } });
 * // { x: { temperature: 21, tod_sin: 1, tod_cos: ≈0 }, y: 3 }
 */
export function rowExample(options: RowExampleOptions): (row: DeviceRow) => Example<number> {
  const { target, features } = options;
  const time = [0, 0];
  return (row) => {
    const entries: [string, number][] = [];
    const names = features ?? Object.keys(row.values).filter((name) => name !== target);
    for (const name of names) if (Object.hasOwn(row.values, name)) entries.push([name, row.values[name]!]);
    if (options.timeFeatures) {
      timeFeatures(time, 0, row.ts, 0, false);
      entries.push(['tod_sin', time[0]!], ['tod_cos', time[1]!]);
    }
    const x = Object.fromEntries(entries); // own properties, even for a metric named __proto__
    const y = target !== undefined && Object.hasOwn(row.values, target) ? row.values[target] : undefined;
    return { x, y };
  };
}
