import { DEVICE_ID_PATTERN } from '../domain/reading.ts';

/** Whether a device is reporting: `unknown` until its first message. */
export type DeviceStatus = 'online' | 'offline' | 'unknown';

/** A device as the registry keeps it (credentials never leave the registry). */
export interface Device {
  /** As in {@link DEVICE_ID_PATTERN}; also the device's MQTT username and topic level. */
  readonly id: string;
  readonly name: string | null;
  /** What it is, e.g. `boiler`, `weather-station`. */
  readonly kind: string | null;
  /** Where it is, free text, e.g. `plant 2, boiler room`. */
  readonly location: string | null;
  /** Labels meant for InfluxDB tags, e.g. `{ site: 'lyon' }` (see {@link checkDeviceTags}). */
  readonly tags: Readonly<Record<string, string>>;
  /** How often it reports; drives the offline threshold. `null`: learnt from its messages. */
  readonly expectedIntervalMs: number | null;
  /** When it entered the registry (registered ahead, or its first message for an `auto` device). */
  readonly registeredAt: number;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  /** Appeared by itself on its first reading, not registered ahead. */
  readonly auto: boolean;
  /** Has MQTT credentials (registered or rotated through the registry). */
  readonly hasCredentials: boolean;
}

/** A device with what the registry knows about its traffic right now. */
export interface DeviceView extends Device {
  readonly status: DeviceStatus;
  /** Messages per second over the last minute. */
  readonly messageRate: number;
  /** Median time between its recent messages, `null` before two messages. */
  readonly observedIntervalMs: number | null;
}

/** The editable fields of a device. */
export interface DeviceFields {
  readonly name?: string | null;
  readonly kind?: string | null;
  readonly location?: string | null;
  readonly tags?: Readonly<Record<string, string>>;
  readonly expectedIntervalMs?: number | null;
}

/** Limits on device fields; the API schemas use the same numbers. */
export const DEVICE_LIMITS = {
  maxTags: 32,
  maxTextLength: 128,
  minExpectedIntervalMs: 100,
  maxExpectedIntervalMs: 7 * 24 * 3_600_000,
} as const;

/** Tag keys: safe unescaped as an InfluxDB tag key, like a metric name. */
export const TAG_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** Tag values: no space, comma, `=`, quote or backslash, so line protocol needs no escaping. */
export const TAG_VALUE_PATTERN = /^[A-Za-z0-9_.:/@+-]{1,128}$/;

/** Tag keys Eddy's own InfluxDB measurements use: a device tag must not shadow them. */
export const RESERVED_TAG_KEYS: ReadonlySet<string> = new Set([
  'device',
  'metric',
  'window',
  'model',
  'detector',
  'key',
  'scope',
  'time',
]);

/** A device field that cannot be stored; `code` is `EDDY_DEVICE_INVALID`. */
export class InvalidDeviceError extends Error {
  readonly code = 'EDDY_DEVICE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDeviceError';
  }
}

/**
 * Throws {@link InvalidDeviceError} naming the offending id.
 *
 * @example
 * checkDeviceId('boiler-1'); // fine
 * checkDeviceId('../etc');   // throws: device id "../etc" must be ...
 */
export function checkDeviceId(id: string): void {
  if (!DEVICE_ID_PATTERN.test(id)) {
    throw new InvalidDeviceError(
      `device id ${JSON.stringify(id.slice(0, 80))} must be a letter or digit, then up to 63 letters, digits, "_", "." or "-"`,
    );
  }
}

/**
 * Checks tags are safe as InfluxDB tags: at most 32, keys like metric names and not one of Eddy's
 * own tag keys (`device`, `metric`, ...), values of letters, digits and `_.:/@+-`.
 *
 * @example
 * checkDeviceTags({ site: 'lyon', floor: '2' }); // fine
 * checkDeviceTags({ device: 'x' });              // throws: tag key "device" is reserved ...
 */
export function checkDeviceTags(tags: Readonly<Record<string, string>>): void {
  const entries = Object.entries(tags);
  if (entries.length > DEVICE_LIMITS.maxTags) {
    throw new InvalidDeviceError(`a device has at most ${DEVICE_LIMITS.maxTags} tags, got ${entries.length}`);
  }
  for (const [key, value] of entries) {
    if (!TAG_KEY_PATTERN.test(key)) {
      throw new InvalidDeviceError(
        `tag key ${JSON.stringify(key.slice(0, 80))} must be a letter or "_", then up to 63 letters, digits, "_", "." or "-"`,
      );
    }
    if (RESERVED_TAG_KEYS.has(key)) {
      throw new InvalidDeviceError(
        `tag key "${key}" is reserved by Eddy's own InfluxDB tags; choose another`,
      );
    }
    if (typeof value !== 'string' || !TAG_VALUE_PATTERN.test(value)) {
      throw new InvalidDeviceError(
        `tag "${key}" value ${JSON.stringify(String(value).slice(0, 80))} must be 1 to 128 letters, digits or "_.:/@+-"`,
      );
    }
  }
}

/**
 * Checks every field present in `fields`.
 *
 * @example
 * checkDeviceFields({ name: 'Boiler 1', expectedIntervalMs: 5_000 }); // fine
 */
export function checkDeviceFields(fields: DeviceFields): void {
  for (const key of ['name', 'kind', 'location'] as const) {
    const value = fields[key];
    if (value !== undefined && value !== null && value.length > DEVICE_LIMITS.maxTextLength) {
      throw new InvalidDeviceError(`device ${key} must be at most ${DEVICE_LIMITS.maxTextLength} characters`);
    }
  }
  if (fields.tags !== undefined) checkDeviceTags(fields.tags);
  const interval = fields.expectedIntervalMs;
  if (
    interval !== undefined &&
    interval !== null &&
    !(
      Number.isInteger(interval) &&
      interval >= DEVICE_LIMITS.minExpectedIntervalMs &&
      interval <= DEVICE_LIMITS.maxExpectedIntervalMs
    )
  ) {
    throw new InvalidDeviceError(
      `expectedIntervalMs must be an integer from ${DEVICE_LIMITS.minExpectedIntervalMs} to ${DEVICE_LIMITS.maxExpectedIntervalMs}, got ${interval}`,
    );
  }
}
