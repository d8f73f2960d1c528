/**
 * One anomaly: an incident a job's detector found, as InfluxDB `anomalies`, MQTT `alerts/<device>`
 * (QoS 1, this JSON) and the live feed (`anomaly` events) carry it. One incident is one event: the
 * decision step opens an incident when the score reaches the threshold and stays quiet until the
 * score falls below the clear threshold and the cool-down passed.
 *
 * `metric` is the metric (univariate detectors) or the metrics joined with `,` (multivariate ones);
 * `metrics` lists them. `value` is the reading (NaN for multivariate detectors and silence);
 * `expected`, `lower`, `upper` the detector's normal value and range (NaN when it has none).
 *
 * @example
 * { device: 'boiler-1', metric: 'temperature', metrics: ['temperature'], ts: 1700000000000,
 *   score: 0.97, detector: 'spikes', value: 31.2, expected: 21.4, lower: 19.9, upper: 22.9,
 *   reason: 'value 31.2 is 7.4 std above the mean 21.4' }
 */
export interface AnomalyEvent {
  readonly device: string;
  readonly metric: string;
  readonly metrics: readonly string[];
  /** Event time of the record (or, for silence, of the timer) that opened the incident, epoch ms. */
  readonly ts: number;
  /** In [0, 1]. */
  readonly score: number;
  /** The job's name for the detector (a job file's `detectors[].name`). */
  readonly detector: string;
  readonly value: number;
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  readonly reason: string;
}
