/** A device as `GET /api/devices` lists it (the fields the fleet page reads). */
export interface FleetDevice {
  readonly id: string;
  readonly name: string | null;
  readonly status: 'online' | 'offline' | 'unknown';
  readonly messageRate: number;
  readonly lastSeen: number | null;
}

/** An anomaly as `GET /api/anomalies` lists it, or an `anomaly` live event (no `acknowledged`: new). */
export interface FleetAnomaly {
  readonly device: string;
  readonly metric: string;
  readonly detector: string;
  readonly ts: number;
  readonly acknowledged?: boolean;
}

/** One tile of the device grid. */
export interface DeviceTile {
  readonly id: string;
  readonly label: string;
  readonly state: FleetDevice['status'];
  /** An unacknowledged anomaly in the last hour: the tile is red. */
  readonly anomalous: boolean;
  readonly anomalies: number;
  readonly messageRate: number;
}

/** The fleet's numbers at the top of the page. */
export interface FleetSummary {
  readonly online: number;
  readonly offline: number;
  readonly unknown: number;
  /** Sum of the devices' message rates (messages per second over the last minute). */
  readonly messagesPerSecond: number;
  /** Anomalies of the last hour, acknowledged or not. */
  readonly anomaliesLastHour: number;
}

export const HOUR_MS = 3_600_000;

/**
 * The anomalies known so far merged with `incoming` (same device, metric, detector and ts: one
 * anomaly; the incoming copy wins), keeping only those of the hour before `now`.
 *
 * @example
 * mergeAnomalies([], [{ device: 'd1', metric: 't', detector: 'spikes', ts: now - 10 }], now).length; // 1
 */
export function mergeAnomalies(
  known: readonly FleetAnomaly[],
  incoming: readonly FleetAnomaly[],
  now: number,
): FleetAnomaly[] {
  const byKey = new Map<string, FleetAnomaly>();
  for (const anomaly of [...known, ...incoming]) {
    if (anomaly.ts >= now - HOUR_MS) byKey.set(anomalyKey(anomaly), anomaly);
  }
  return [...byKey.values()];
}

/**
 * The device grid: one tile per device (sorted by id), red when it has an unacknowledged anomaly.
 *
 * @example
 * deviceTiles([{ id: 'd1', name: null, status: 'online', messageRate: 1, lastSeen: 0 }], [])[0].state; // 'online'
 */
export function deviceTiles(
  devices: readonly FleetDevice[],
  anomalies: readonly FleetAnomaly[],
): DeviceTile[] {
  const counts = new Map<string, { all: number; open: number }>();
  for (const anomaly of anomalies) {
    const count = counts.get(anomaly.device) ?? { all: 0, open: 0 };
    count.all++;
    if (anomaly.acknowledged !== true) count.open++;
    counts.set(anomaly.device, count);
  }
  return [...devices]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((device) => {
      const count = counts.get(device.id);
      return {
        id: device.id,
        label: device.name ?? device.id,
        state: device.status,
        anomalous: (count?.open ?? 0) > 0,
        anomalies: count?.all ?? 0,
        messageRate: device.messageRate,
      };
    });
}

/**
 * Counts by status, total message rate and anomalies of the last hour.
 *
 * @example
 * fleetSummary(devices, anomalies).messagesPerSecond; // 20.5
 */
export function fleetSummary(
  devices: readonly FleetDevice[],
  anomalies: readonly FleetAnomaly[],
): FleetSummary {
  let online = 0;
  let offline = 0;
  let unknown = 0;
  let messagesPerSecond = 0;
  for (const device of devices) {
    if (device.status === 'online') online++;
    else if (device.status === 'offline') offline++;
    else unknown++;
    messagesPerSecond += device.messageRate;
  }
  return { online, offline, unknown, messagesPerSecond, anomaliesLastHour: anomalies.length };
}

/**
 * Reads an `anomaly` live event's data, or `undefined` when it is not one.
 *
 * @example
 * toFleetAnomaly({ device: 'd1', metric: 't', detector: 'spikes', ts: 1 }); // { device: 'd1', ... }
 */
export function toFleetAnomaly(data: unknown): FleetAnomaly | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { device, metric, detector, ts } = data as Record<string, unknown>;
  if (typeof device !== 'string' || typeof metric !== 'string' || typeof detector !== 'string')
    return undefined;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return undefined;
  return { device, metric, detector, ts };
}

function anomalyKey(a: FleetAnomaly): string {
  return `${a.device}\u0000${a.metric}\u0000${a.detector}\u0000${a.ts}`;
}
