/**
 * One prediction of a model for one reading, made before the model learned it (test-then-train):
 * what InfluxDB `predictions` and the live feed (`prediction` events) carry, and what the device
 * page draws as forecast against actual. `value` is the reading the model had not yet seen;
 * `expected` the model's prediction; `lower` / `upper` its prediction interval (NaN when the
 * model gives none yet; such fields are not written to InfluxDB).
 *
 * @example
 * { device: 'boiler-1', metric: 'temperature', model: 'forecast', ts: 1700000000000,
 *   value: 21.4, expected: 21.1, lower: 20.2, upper: 22.0 }
 */
export interface Prediction {
  readonly device: string;
  readonly metric: string;
  /** The job's name for the model that made it. */
  readonly model: string;
  /** Event time of the reading predicted, epoch ms. */
  readonly ts: number;
  readonly value: number;
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
}
