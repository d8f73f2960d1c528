import type { AnomalyEvent } from '../../services/domain/anomaly.ts';
import { type Reading, seriesKey } from '../../services/domain/reading.ts';
import type { Features } from '../core/features.ts';
import type { AnomalyExplanation } from '../detectors/detector.ts';
import type { DeviceRow } from './device-rows-operator.ts';

/**
 * What a detect operator reads from one record: the key its detector and decision belong to, the
 * device and metrics an event names, the features the detector scores, and the reading's value
 * (NaN for rows: several values).
 *
 * @example
 * const input: DetectorInput = {
 *   key: 'boiler-1|temperature', device: 'boiler-1', metrics: ['temperature'], x: { value: 21.5 }, value: 21.5,
 * };
 */
export interface DetectorInput {
  readonly key: string;
  readonly device: string;
  readonly metrics: readonly string[];
  readonly x: Features;
  readonly value: number;
}

/**
 * A reading as a univariate detector's input (`per: series`): keyed by device and metric, the
 * value as feature `value` (what univariate detectors read by default).
 *
 * @example
 * seriesInput({ device: 'boiler-1', metric: 'temperature', ts: 0, value: 21.5 });
 * // { key: seriesKey('boiler-1', 'temperature'), device: 'boiler-1', metrics: ['temperature'], x: { value: 21.5 }, value: 21.5 }
 */
export function seriesInput(reading: Reading): DetectorInput {
  const { device, metric, value } = reading;
  return { key: seriesKey(device, metric), device, metrics: [metric], x: { value }, value };
}

/**
 * A device row as a multivariate detector's input (`per: device`): keyed by device, each metric
 * a feature; the metrics sorted by name.
 *
 * @example
 * rowInput({ device: 'pump-1', ts: 0, values: { vibration: 0.2, current: 3.1 } });
 * // { key: 'pump-1', device: 'pump-1', metrics: ['current', 'vibration'], x: { vibration: 0.2, current: 3.1 }, value: NaN }
 */
export function rowInput(row: DeviceRow): DetectorInput {
  return {
    key: row.device,
    device: row.device,
    metrics: Object.keys(row.values).sort(),
    x: row.values,
    value: NaN,
  };
}

/**
 * The event of an incident that opened at `ts`: who, what, the score and the detector's
 * explanation (NaN for the parts it does not give).
 *
 * @example
 * anomalyEvent('spikes', { device: 'boiler-1', metrics: ['temperature'], value: 31.2 }, 1_700_000_000_000, {
 *   score: 0.97, expected: 21.4, lower: 19.9, upper: 22.9, reason: 'value 31.2 is 7.4 std above the mean 21.4',
 * });
 * // { device: 'boiler-1', metric: 'temperature', metrics: ['temperature'], ts: 1700000000000, score: 0.97, detector: 'spikes', value: 31.2, ... }
 */
export function anomalyEvent(
  detector: string,
  subject: { readonly device: string; readonly metrics: readonly string[]; readonly value: number },
  ts: number,
  explanation: AnomalyExplanation,
): AnomalyEvent {
  return {
    device: subject.device,
    metric: subject.metrics.join(','),
    metrics: [...subject.metrics],
    ts,
    score: explanation.score,
    detector,
    value: subject.value,
    expected: explanation.expected ?? Number.NaN,
    lower: explanation.lower ?? Number.NaN,
    upper: explanation.upper ?? Number.NaN,
    reason: explanation.reason,
  };
}
