import { DEVICE_ID_PATTERN, METRIC_NAME_PATTERN } from '../../services/domain/reading.ts';

/** A reading as the contract defines it: `ts` plus numeric metrics. */
export type ContractReading = { ts: number } & Record<string, number>;

/**
 * The telemetry contract, strictly, for tests: topic `sensors/<deviceId>/telemetry`; payload a JSON
 * object `{"ts": <epoch ms>, "<metric>": <number>, ...}` or a non-empty array of them. Throws on
 * any violation; returns the device id and readings otherwise.
 */
export function parseTelemetry(
  topic: string,
  payload: string,
): { device: string; readings: ContractReading[] } {
  const match = /^sensors\/([^/]+)\/telemetry$/.exec(topic);
  const device = match?.[1];
  if (device === undefined || !DEVICE_ID_PATTERN.test(device)) throw new Error(`bad topic ${topic}`);
  const value: unknown = JSON.parse(payload);
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new Error('empty batch');
  return { device, readings: items.map(checkReading) };
}

function checkReading(item: unknown): ContractReading {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw new Error('reading is not an object');
  const record = item as Record<string, unknown>;
  if (!(typeof record.ts === 'number' && Number.isInteger(record.ts) && record.ts >= 0)) {
    throw new Error(`ts is not epoch ms: ${JSON.stringify(record.ts)}`);
  }
  const metrics = Object.keys(record).filter((k) => k !== 'ts');
  if (metrics.length === 0) throw new Error('reading has no metric');
  for (const metric of metrics) {
    if (!METRIC_NAME_PATTERN.test(metric) || metric !== metric.toLowerCase())
      throw new Error(`bad metric ${metric}`);
    const v = record[metric];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(`${metric} is not a number: ${JSON.stringify(v)}`);
  }
  return record as ContractReading;
}
