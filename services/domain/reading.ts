/**
 * One sensor value: the record every Eddy pipeline starts from. A device's JSON message
 * `{"ts": 1700000000000, "temperature": 21.5, "humidity": 40}` becomes two readings, one per metric.
 * All readings have this one shape (monomorphic objects keep the hot path fast).
 */
export interface Reading {
  /** Device id, from the MQTT topic `sensors/<deviceId>/telemetry`. */
  readonly device: string;
  /** Metric name: the JSON field the value came from. */
  readonly metric: string;
  /** Event time, epoch milliseconds. */
  readonly ts: number;
  readonly value: number;
}

/** Device ids: safe as an MQTT topic level, an InfluxDB tag value and a file name. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Metric names: safe as an InfluxDB tag value and a JSON field. */
export const METRIC_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export function isDeviceId(value: string): boolean {
  return DEVICE_ID_PATTERN.test(value);
}

export function isMetricName(value: string): boolean {
  return METRIC_NAME_PATTERN.test(value);
}

/**
 * The key of a (device, metric) series, e.g. `boiler-1/temperature`. Neither part can hold a `/`,
 * so the key splits back unambiguously with {@link splitSeriesKey}.
 */
export function seriesKey(device: string, metric: string): string {
  return device + '/' + metric;
}

export function splitSeriesKey(key: string): { device: string; metric: string } {
  const slash = key.indexOf('/');
  if (slash < 0) throw new Error(`not a series key: ${JSON.stringify(key)}`);
  return { device: key.slice(0, slash), metric: key.slice(slash + 1) };
}
