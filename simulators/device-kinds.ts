import type { MetricName } from './metric-profiles.ts';

/**
 * Kinds of simulated device and the metrics each publishes (in payload order).
 *
 * - `env`: a room sensor (temperature, humidity)
 * - `motor`: an electric motor (vibration, power, temperature)
 * - `meter`: an energy meter (power)
 * - `boiler`: a pressure vessel (temperature, pressure)
 * - `weather`: an outdoor station (temperature, humidity, pressure)
 */
export const DEVICE_KINDS = {
  env: ['temperature', 'humidity'],
  motor: ['vibration', 'power', 'temperature'],
  meter: ['power'],
  boiler: ['temperature', 'pressure'],
  weather: ['temperature', 'humidity', 'pressure'],
} as const satisfies Record<string, readonly MetricName[]>;

export type DeviceKind = keyof typeof DEVICE_KINDS;

export const DEVICE_KIND_NAMES = Object.keys(DEVICE_KINDS) as DeviceKind[];

/**
 * The kind of the `index`-th device (0-based): kinds are dealt round-robin, so a fleet of five or
 * more devices has every kind and adding devices never changes the kind of an existing one.
 *
 * @example
 * kindOfDevice(0); // 'env'
 * kindOfDevice(6); // 'motor'
 */
export function kindOfDevice(index: number, kinds: readonly DeviceKind[] = DEVICE_KIND_NAMES): DeviceKind {
  const kind = kinds[index % kinds.length];
  if (kind === undefined) throw new RangeError('a fleet needs at least one device kind');
  return kind;
}

/**
 * The id of the `index`-th device (0-based): `sim-0001`, `sim-0002`, … (wider past 9999).
 * Ids match `DEVICE_ID_PATTERN` from services/domain/reading.ts.
 */
export function deviceIdOf(index: number, prefix = 'sim'): string {
  return `${prefix}-${String(index + 1).padStart(4, '0')}`;
}
