import type { AnomalyOptions } from './anomaly-injector.ts';
import { DEVICE_KIND_NAMES, DEVICE_KINDS, type DeviceKind } from './device-kinds.ts';
import { type NetworkFaultOptions, resolveNetworkFaults } from './network-faults.ts';

/** What a {@link Fleet} simulates. Everything it produces follows from these values. */
export interface FleetOptions {
  /** Seed of every random draw (integer). */
  readonly seed: number;
  /** Number of devices, `sim-0001` … */
  readonly devices: number;
  /** Event time of the first reading, epoch ms. */
  readonly startTime: number;
  /** Readings per second per device (default 1, at most 1000). */
  readonly ratePerSecond?: number;
  /** Event time covered, ms (readings have `ts < startTime + durationMs`); omitted = unlimited. */
  readonly durationMs?: number;
  /** Readings per message (default 1: a JSON object; more: a JSON array). */
  readonly batchSize?: number;
  /** Labelled anomalies (default none). */
  readonly anomalies?: AnomalyOptions;
  /** Delivery faults (default none). */
  readonly faults?: Partial<NetworkFaultOptions>;
  /** Kinds dealt round-robin to the devices (default all, in DEVICE_KINDS order). */
  readonly kinds?: readonly DeviceKind[];
  /** Device id prefix (default `sim`). */
  readonly idPrefix?: string;
}

export interface ResolvedFleetOptions {
  readonly seed: number;
  readonly devices: number;
  readonly startTime: number;
  readonly ratePerSecond: number;
  readonly intervalMs: number;
  readonly durationMs: number | undefined;
  readonly batchSize: number;
  readonly anomalies: AnomalyOptions;
  readonly faults: NetworkFaultOptions;
  readonly kinds: readonly DeviceKind[];
  readonly idPrefix: string;
}

/** Highest supported rate: one reading per millisecond per device (event times are whole ms). */
export const MAX_RATE_PER_SECOND = 1_000;

/** Fills in defaults and validates; throws a RangeError that names the bad option and its limits. */
export function resolveFleetOptions(options: FleetOptions): ResolvedFleetOptions {
  const { seed, devices, startTime } = options;
  const ratePerSecond = options.ratePerSecond ?? 1;
  const batchSize = options.batchSize ?? 1;
  const anomalies = options.anomalies ?? { ratePerHour: 0 };
  const kinds = options.kinds ?? DEVICE_KIND_NAMES;
  const idPrefix = options.idPrefix ?? 'sim';
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!(Number.isInteger(devices) && devices >= 1)) {
    throw new RangeError(`devices must be an integer >= 1, got ${devices}`);
  }
  if (!Number.isFinite(startTime)) throw new RangeError(`startTime must be epoch ms, got ${startTime}`);
  if (!(ratePerSecond > 0 && ratePerSecond <= MAX_RATE_PER_SECOND)) {
    throw new RangeError(
      `rate must be > 0 and <= ${MAX_RATE_PER_SECOND} readings/s per device, got ${ratePerSecond}`,
    );
  }
  if (options.durationMs !== undefined && !(options.durationMs > 0)) {
    throw new RangeError(`duration must be > 0 ms, got ${options.durationMs}`);
  }
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`batch size must be an integer >= 1, got ${batchSize}`);
  }
  if (!(anomalies.ratePerHour >= 0 && Number.isFinite(anomalies.ratePerHour))) {
    throw new RangeError(`anomaly rate must be >= 0 per device-hour, got ${anomalies.ratePerHour}`);
  }
  if (kinds.length === 0 || kinds.some((k) => !(k in DEVICE_KINDS))) {
    throw new RangeError(
      `kinds must be a non-empty list of ${DEVICE_KIND_NAMES.join(', ')}; got ${kinds.join(', ')}`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,50}$/.test(idPrefix)) {
    throw new RangeError(`idPrefix must be letters, digits, '_', '.', '-' (at most 51), got ${idPrefix}`);
  }
  return {
    seed,
    devices,
    startTime,
    ratePerSecond,
    intervalMs: 1_000 / ratePerSecond,
    durationMs: options.durationMs,
    batchSize,
    anomalies,
    faults: resolveNetworkFaults(options.faults),
    kinds,
    idPrefix,
  };
}
